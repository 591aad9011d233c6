import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  BUILTIN_RULES,
  BoundedMap,
  lintText,
  RuleRegistry,
  lintJunit,
  formatText,
  lintToCheckResult,
  parseLintConfig,
  toJsonReport,
  type Rule,
} from '../../src/lint/index.js';
import { renderJunitXml } from '../../src/report/junit-xml.js';
import { BASE, NOW, fired, lint, msg, of, stream } from './helpers.js';

describe('engine', () => {
  it('the clean base message triggers nothing (the near-miss every rule test starts from)', () => {
    expect(fired(BASE)).toEqual([]);
  });

  it('every built-in rule has an id in its family, a rationale and an action', () => {
    const ids = new Set<string>();
    for (const r of BUILTIN_RULES) {
      expect(r.id.startsWith(`${r.family}.`)).toBe(true);
      expect(r.domain).toBe('interop');
      expect(r.rationale.length).toBeGreaterThan(20);
      expect(r.action.length).toBeGreaterThan(20);
      expect(ids.has(r.id)).toBe(false);
      ids.add(r.id);
    }
    expect(ids.size).toBeGreaterThanOrEqual(30);
  });

  it('config turns rules off, changes severity, and accepts family wildcards', () => {
    const bad = msg({ 'OBX-6': 'mEq/L' });
    expect(of(bad, 'units.invalid-ucum')[0]?.severity).toBe('error');
    expect(
      of(bad, 'units.invalid-ucum', { rules: { 'units.invalid-ucum': 'warning' } })[0]?.severity,
    ).toBe('warning');
    expect(of(bad, 'units.invalid-ucum', { rules: { 'units.invalid-ucum': 'off' } })).toHaveLength(
      0,
    );
    expect(
      of(bad, 'units.invalid-ucum', { rules: { 'units.*': { enabled: false } } }),
    ).toHaveLength(0);
    expect(
      of(bad, 'units.invalid-ucum', {
        rules: { 'units.*': 'off', 'units.invalid-ucum': 'info' },
      })[0]?.severity,
    ).toBe('info');
  });

  it('rejects unknown rule ids, unknown keys and unknown time zones as UserError', () => {
    expect(() => lint(BASE, { rules: { 'units.nope': 'off' } })).toThrow(UserError);
    expect(() => parseLintConfig({ site: { timezone: 'UTC' } })).toThrow(/timezone|Unrecognized/i);
    expect(() => lint(BASE, { site: { timeZone: 'Mars/Olympus' } })).toThrow(/IANA/);
  });

  it('caps listed findings per rule but counts them all', () => {
    const many = stream(
      ...Array.from({ length: 30 }, (_, i) => msg({ 'MSH-10': `C${i}`, 'OBX-6': 'UMOLL' })),
    );
    const r = lint(many, { limits: { maxFindingsPerRule: 5 } });
    expect(r.summary.byRule['units.invalid-ucum']).toBe(30);
    expect(r.findings.filter((f) => f.rule === 'units.invalid-ucum')).toHaveLength(5);
    expect(r.summary.omitted).toBe(25);
    expect(r.summary.findings.error).toBe(30);
  });

  it('a site can register its own rule', () => {
    const custom: Rule = {
      id: 'structure.no-test-messages',
      family: 'structure',
      domain: 'interop',
      severity: 'warning',
      rationale: 'Test-mode messages (MSH-11 T) must not flow in production.',
      action: 'Set MSH-11 to P on production interfaces.',
      check(ctx) {
        if (ctx.msg.get('MSH-11') === 'T') ctx.report({ message: 'MSH-11 is T', path: 'MSH-11' });
      },
    };
    const { findings } = lintText(msg({ 'MSH-11': 'T' }), {
      nowMs: NOW,
      registry: new RuleRegistry([custom]),
    });
    expect(findings.map((f) => f.rule)).toEqual(['structure.no-test-messages']);
    expect(() => new RuleRegistry([custom, custom])).toThrow(/twice/);
  });

  it('unparseable messages and garbage bytes are findings, not crashes', () => {
    // MSH-2 repeating a delimiter cannot be parsed; a line that is no segment is garbage.
    const r = lint('MSH|^^^^|X\rPID|1\n' + 'junk line\n' + BASE);
    expect(r.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['structure.unparseable', 'structure.garbage']),
    );
    expect(r.summary.unparseable).toBe(1);
  });
});

describe('BoundedMap', () => {
  it('evicts the oldest key at the bound (touch refreshes a key)', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    m.touch('a');
    m.set('c', 3);
    expect(m.has('a')).toBe(true);
    expect(m.has('b')).toBe(false);
    expect(m.evicted).toBe(1);
    expect(m.size).toBe(2);
  });
});

describe('reporters and review evidence', () => {
  const text = stream(
    msg({ 'OBX-6': 'mEq/L' }),
    msg({ 'MSH-10': 'MSG2', 'MSH-7': '20260301100000' }),
  );
  const result = lint(text);

  it('JSON has the documented flat shape', () => {
    const j = toJsonReport(result, ['test.hl7']);
    expect(j.summary.messages).toBe(2);
    expect(j.summary.inputs).toEqual(['test.hl7']);
    const f = j.findings.find((x) => x.rule === 'units.invalid-ucum')!;
    expect(f).toMatchObject({
      severity: 'error',
      domain: 'interop',
      file: 'test.hl7',
      index: 1,
      offset: 0,
      controlId: 'MSG1',
      path: 'OBX[1]-6',
    });
    expect(Object.keys(f)).toEqual(
      expect.arrayContaining([
        'rule',
        'severity',
        'domain',
        'message',
        'action',
        'file',
        'index',
        'offset',
        'controlId',
        'path',
      ]),
    );
  });

  it('text groups by rule with errors first and ends with a summary', () => {
    const t = formatText(result);
    expect(t.indexOf('units.invalid-ucum')).toBeLessThan(t.indexOf('time.missing-zone'));
    expect(t).toMatch(/2 message\(s\) in 1 file\(s\): 2 error\(s\), 1 warning\(s\), 0 info/);
    expect(t).not.toMatch(/\u001b\[/);
    expect(formatText(result, { colour: true })).toMatch(/\u001b\[31m/);
  });

  it('JUnit fails the rules with error-level findings only', () => {
    const doc = lintJunit(result);
    const x = renderJunitXml(doc.name, doc.suites);
    expect(x).toMatch(
      /<testcase classname="lint.units" name="units.invalid-ucum" time="0.000">\s*<failure/,
    );
    expect(x).toMatch(/name="time.missing-zone" time="0.000">\s*<system-out>/);
    // units.invalid-ucum (mEq/L) and units.multiple-units (mEq/L vs mmol/L for one code).
    expect(x).toMatch(/failures="2"/);
  });

  it('lintToCheckResult gives one result per interop criterion', () => {
    const rs = lintToCheckResult(result, {
      inputs: ['test.hl7'],
      startedAt: '2026-03-01T12:00:00.000Z',
      durationMs: 5,
    });
    const by = Object.fromEntries(rs.map((r) => [r.criteria[0], r]));
    expect(Object.keys(by).sort()).toEqual([
      'interop.identity',
      'interop.message-integrity',
      'interop.timestamps',
      'interop.units-flags',
      'interop.updates',
    ]);
    expect(by['interop.units-flags']!.outcome).toBe('fail');
    expect(
      by['interop.units-flags']!.findings.every((f: { rule: string }) =>
        /^(units|flags)\./.test(f.rule),
      ),
    ).toBe(true);
    expect(by['interop.timestamps']!.outcome).toBe('pass'); // a warning only
    expect(by['interop.timestamps']!.measurements.warnings).toBe(1);
    expect(by['interop.identity']!.outcome).toBe('pass');
    expect(by['interop.identity']!.kind).toBe('lint');
    const empty = lintToCheckResult(lint(''), { inputs: [], startedAt: 'x', durationMs: 0 });
    expect(empty.every((r) => r.outcome === 'skip')).toBe(true);
  });
});
