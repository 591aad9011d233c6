/**
 * Grouped findings (rule + sender + field, with counts, values, first/last and an example) and
 * baselines (record the kinds of findings of a run, report only new kinds later, say what was
 * suppressed and what no longer occurs). Traffic is generated here: two senders, a lab with
 * local units and comparators as NM, a device gateway with MDC units and empty OBX-2.
 */
import { describe, expect, it } from 'vitest';
import { isUserError, type UserError } from '../../src/core/errors.js';
import {
  baselineOf,
  formatBaseline,
  formatGroups,
  formatText,
  lintText,
  parseBaseline,
  parseLintConfig,
  toJsonReport,
  type Baseline,
  type LintConfigInput,
  type LintResult,
} from '../../src/lint/index.js';
import { NOW } from './helpers.js';

/** One ORU^R01 from a sender, with OBX segments given as [type, code, value, unit, range]. */
function oru(app: string, id: number, obx: [string, string, string, string, string][]): string {
  const pid = `PID|1||P${1000 + (id % 7)}^^^HOSP^MR||DOE${id % 7}^ANN||19700101|F`;
  return [
    `MSH|^~\\&|${app}|HOSP|EHR|HOSP|20260301100000+0000||ORU^R01^ORU_R01|${app}-${id}|P|2.5.1`,
    pid,
    `OBR|1|PL${id}|FL${id}|PANEL^Panel^L|||20260301090000+0000|||||||20260301091000+0000||||||||20260301095000+0000|||F`,
    ...obx.map(
      ([t, code, v, u, range], i) =>
        `OBX|${i + 1}|${t}|${code}^${code}^L||${v}|${u}|${range}||||F|||20260301090000+0000`,
    ),
  ].join('\r');
}

/** 40 lab messages (local units, comparators as NM) and 20 device messages (MDC, no OBX-2). */
function archive(extra: string[] = []): string {
  const out: string[] = [];
  for (let i = 1; i <= 40; i++)
    out.push(
      oru('LAB', i, [
        ['NM', 'CREA', String(60 + i), 'UMOLL', '49-92'],
        ['NM', 'WBC', '7.1', i % 2 ? 'x10*9/L' : '10*9/L', '4-11'],
        ['NM', 'CRP', i % 4 === 0 ? '<5' : '12', 'mg/L', '0-10'],
      ]),
    );
  for (let i = 1; i <= 20; i++)
    out.push(
      oru('VITALS', i, [
        ['', 'SPO2', '97', 'MDC_DIM_PERCENT', '90-100'],
        ['NM', 'HR', '72', 'MDC_DIM_BEAT_PER_MIN', '50-120'],
        ['', 'RR', '', '', ''],
      ]),
    );
  return [...out, ...extra].join('\n');
}

function run(text: string, baseline?: Baseline, config: LintConfigInput = {}): LintResult {
  return lintText(text, {
    config: parseLintConfig(config),
    nowMs: NOW,
    file: 'archive.hl7',
    baseline,
  });
}

const group = (r: LintResult, rule: string, sender: string, field: string) =>
  r.groups.find((g) => g.rule === rule && g.sender === sender && g.field === field);

describe('grouped findings', () => {
  const r = run(archive());

  it('groups by rule, sender and field with counts that add up to the summary', () => {
    const ucum = group(r, 'units.invalid-ucum', 'LAB/HOSP', 'OBX-6')!;
    expect(ucum.count).toBe(60); // 40 UMOLL + 20 x10*9/L
    expect(ucum.values.map((v) => [v.key, v.count])).toEqual([
      ['UMOLL', 40],
      ['x10*9/L', 20],
    ]);
    expect(ucum.first).toMatchObject({ file: 'archive.hl7', index: 1, controlId: 'LAB-1' });
    expect(ucum.last).toMatchObject({ index: 40, controlId: 'LAB-40' });
    expect(ucum.example).toMatch(/OBX-6 unit "UMOLL" for CREA/);
    for (const [rule, n] of Object.entries(r.summary.byRule))
      expect(
        r.groups.filter((g) => g.rule === rule).reduce((s, g) => s + g.count, 0),
        rule,
      ).toBe(n);
    expect(r.summary.groups).toBe(r.groups.length);
  });

  it('keys format findings by the shape of the value, keeping one value as sent', () => {
    const nm = group(r, 'structure.invalid-nm', 'LAB/HOSP', 'OBX-5')!;
    expect(nm.count).toBe(10);
    expect(nm.values).toEqual([{ key: '<9', count: 10, example: '<5', inBaseline: false }]);
  });

  it('keeps senders apart and finds the device gateway by its own problems', () => {
    const obx2 = group(r, 'structure.missing-field', 'VITALS/HOSP', 'OBX-2')!;
    // SpO2 has a value and no type (20); RR has neither, which is no error (v2.5.1 7.4.2.2).
    expect(obx2.count).toBe(20);
    expect(obx2.example).toMatch(/OBX\[1\]-2 \(value type\) is empty but OBX-5 is valued \("97"\)/);
    expect(group(r, 'units.mdc-unit', 'VITALS/HOSP', 'OBX-6')!.count).toBe(40);
    expect(group(r, 'units.invalid-ucum', 'VITALS/HOSP', 'OBX-6')).toBeUndefined();
    expect(group(r, 'time.missing-zone', 'LAB/HOSP', 'MSH-7')).toBeUndefined();
  });

  it('counts every finding in its group past the listing cap, with an example each', () => {
    const capped = run(archive(), undefined, { limits: { maxFindingsPerRule: 3 } });
    expect(capped.findings.filter((f) => f.rule === 'units.invalid-ucum')).toHaveLength(3);
    const g = group(capped, 'units.invalid-ucum', 'LAB/HOSP', 'OBX-6')!;
    expect(g.count).toBe(60);
    const mdc = group(capped, 'units.mdc-unit', 'VITALS/HOSP', 'OBX-6')!;
    expect(mdc.example).toMatch(/IEEE 11073/);
  });

  it('prints a few lines per kind of problem, the per-finding list with --detail', () => {
    const t = formatGroups(r);
    expect(t).toMatch(/ERROR {3}units\.invalid-ucum: 60 finding\(s\) in 1 group\(s\)/);
    expect(t).toMatch(/60 {2}LAB\/HOSP {2}OBX-6: "UMOLL" \(40\), "x10\*9\/L" \(20\)/);
    expect(t).toMatch(/first archive\.hl7 #1 \(MSH-10 LAB-1\), last #40 \(MSH-10 LAB-40\)/);
    expect(t).toMatch(/"MDC_DIM_PERCENT" UCUM % \(20\)/);
    expect(t).toMatch(/60 message\(s\) in 1 file\(s\): \d+ error\(s\).*errors per message/);
    expect(t.split('\n').length).toBeLessThan(60);
    expect(formatText(r).split('\n').length).toBeGreaterThan(150);
  });

  it('JSON carries the groups beside the capped finding list', () => {
    const j = toJsonReport(r, ['archive.hl7']);
    const g = j.groups.find((x) => x.rule === 'units.mdc-unit')!;
    expect(g).toMatchObject({
      sender: 'VITALS/HOSP',
      sendingApplication: 'VITALS',
      sendingFacility: 'HOSP',
      field: 'OBX-6',
      count: 40,
      first: { file: 'archive.hl7', index: 41, controlId: 'VITALS-1' },
      values: [
        { key: 'MDC_DIM_BEAT_PER_MIN', count: 20, note: 'UCUM /min' },
        { key: 'MDC_DIM_PERCENT', count: 20, note: 'UCUM %' },
      ],
    });
    expect(g.first).not.toHaveProperty('sender');
    expect(j.findings.length).toBeGreaterThan(0);
  });
});

describe('baselines', () => {
  const first = run(archive());
  const file = formatBaseline(baselineOf(first, ['archive.hl7']));
  const load = (text = file) => parseBaseline(text, 'lint-baseline.json');

  it('records kinds, not messages: stable keys, no patient data, one entry per line', () => {
    const b = JSON.parse(file);
    expect(b).toMatchObject({ format: 'golive-lint-baseline', version: 1 });
    expect(b.entries).toContainEqual({
      rule: 'units.invalid-ucum',
      sendingApplication: 'LAB',
      sendingFacility: 'HOSP',
      field: 'OBX-6',
      key: 'UMOLL',
      count: 40,
    });
    expect(file).not.toMatch(/DOE|P100\d|LAB-\d|"index"/);
    expect(file.split('\n').filter((l) => l.includes('"rule"'))).toHaveLength(b.entries.length);
  });

  it('suppresses everything on the same traffic, and reports new kinds only', () => {
    const all = first.summary.findings;
    const total = all.error + all.warning + all.info;
    expect(total).toBeGreaterThan(150);
    const same = run(archive(), load());
    expect(same.summary.findings).toEqual({ error: 0, warning: 0, info: 0 });
    expect(same.summary.baseline).toMatchObject({ suppressed: total, fixed: 0 });
    const grown = run(
      archive([
        oru('LAB', 99, [['NM', 'CREA', '70', 'UMOLL', '49-92']]), // known kind: suppressed
        oru('LAB', 100, [['NM', 'K', '4.1', 'MEQL', '3.5-5.1']]), // new unit: reported
        oru('PHARM', 1, [['NM', 'CREA', '70', 'UMOLL', '49-92']]), // new sender: reported
      ]),
      load(),
    );
    const reported = grown.groups.filter((g) => g.count > 0);
    expect(reported.map((g) => [g.rule, g.sender, g.count])).toEqual([
      ['units.invalid-ucum', 'LAB/HOSP', 1],
      ['units.invalid-ucum', 'PHARM/HOSP', 1],
    ]);
    expect(grown.findings.map((f) => f.location?.controlId).sort()).toEqual(['LAB-100', 'PHARM-1']);
    expect(grown.summary.baseline!.suppressed).toBe(total + 1);
    expect(formatGroups(grown)).toMatch(
      new RegExp(`baseline lint-baseline\\.json: ${total + 1} finding\\(s\\) suppressed`),
    );
  });

  it('says which entries no longer occur, and which belong to rules that did not run', () => {
    // The device gateway now sends UCUM and OBX-2: its entries are fixed.
    const fixedTraffic = archive()
      .replace(/\|\|SPO2\^/g, '|NM|SPO2^')
      .replace(/MDC_DIM_PERCENT/g, '%');
    const r = run(fixedTraffic, load(), { rules: { 'flags.*': 'off' } });
    const b = r.summary.baseline!;
    // Flag entries (CREA and CRP above range, unflagged) were not checked: neither matched
    // nor fixed.
    const flagEntries = JSON.parse(file).entries.filter((e: { rule: string }) =>
      e.rule.startsWith('flags.'),
    );
    expect(flagEntries.length).toBeGreaterThan(0);
    expect(b.notChecked).toBe(flagEntries.length);
    expect(b.fixedEntries.map((e) => [e.rule, e.sendingApplication, e.field, e.key])).toEqual([
      ['structure.missing-field', 'VITALS', 'OBX-2', ''],
      ['units.mdc-unit', 'VITALS', 'OBX-6', 'MDC_DIM_PERCENT'],
    ]);
    expect(b.fixed).toBe(2);
    expect(r.summary.findings.error).toBe(0);
    const t = formatGroups(r);
    expect(t).toMatch(/2 entries no longer occur \(fixed, or not in these inputs\)/);
    expect(t).toMatch(/fixed: units\.mdc-unit VITALS\/HOSP OBX-6 "MDC_DIM_PERCENT" \(was 20\)/);
  });

  it('an entry with key * covers every value of its group', () => {
    const wildcard = file.replace(/"key":"UMOLL"/, '"key":"*"');
    const r = run(
      archive([oru('LAB', 100, [['NM', 'K', '4.1', 'MEQL', '3.5-5.1']])]),
      load(wildcard),
    );
    expect(r.summary.findings.error).toBe(0);
  });
});

describe('bad baseline files', () => {
  const error = (text: string, file = 'b.json'): UserError => {
    try {
      run('', parseBaseline(text, file));
    } catch (e) {
      if (isUserError(e)) return e;
      throw e;
    }
    throw new Error('no error');
  };

  it('syntax errors carry file:line:col and a hint', () => {
    const e = error('{\n  "format": "golive-lint-baseline",\n  "entries": [ ,\n');
    expect(e.code).toBe('E_BASELINE');
    expect(e.location).toMatchObject({ file: 'b.json', line: 3 });
    expect(e.hint).toMatch(/--write-baseline/);
  });

  it('a file of another shape (a lint JSON report) is refused with the field named', () => {
    const e = error(JSON.stringify({ summary: {}, groups: [], findings: [] }, null, 2));
    expect(e.code).toBe('E_BASELINE');
    expect(e.message).toMatch(/not a golive lint baseline: format/);
    expect(e.location?.line).toBe(1);
  });

  it('a bad entry is located by line; an unknown rule id is refused before any lint', () => {
    const bad =
      '{"format":"golive-lint-baseline","version":1,"entries":[\n{"rule":"units.invalid-ucum","count":-1}\n]}';
    expect(error(bad).location?.line).toBe(2);
    const unknown = error(
      '{"format":"golive-lint-baseline","version":1,"entries":[\n{"rule":"units.no-such","sendingApplication":"A","sendingFacility":"","field":"","key":"","count":1}\n]}',
    );
    expect(unknown.message).toMatch(/no such rule "units.no-such"/);
    expect(unknown.location).toMatchObject({ line: 2, path: 'entries[0].rule' });
  });
});
