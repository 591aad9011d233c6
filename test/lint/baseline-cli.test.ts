/**
 * `golive lint` grouped output, --detail, --write-baseline and --baseline via the built CLI
 * (npm run build first). Traffic is generated here.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { msg, stream } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'golive-lint-baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = ['--now', '2026-03-01T12:00:00Z', '--no-progress'];

/** n lab messages with a local unit, and device messages with an MDC unit. */
const traffic = (n: number, extra: string[] = []) =>
  stream(
    ...Array.from({ length: n }, (_, i) => msg({ 'MSH-10': `L${i}`, 'OBX-6': 'MMOLL' })),
    ...Array.from({ length: n }, (_, i) =>
      msg({
        'MSH-3': 'MONITOR',
        'MSH-10': `M${i}`,
        'OBX-3': '150456^MDC_PULS_OXIM_SAT_O2^MDC',
        'OBX-5': '97',
        'OBX-6': 'MDC_DIM_PERCENT',
        'OBX-7': '',
      }),
    ),
    ...extra,
  );

describe('golive lint grouped output and baselines (CLI)', () => {
  const today = join(dir, 'today.hl7');
  writeFileSync(today, `${traffic(30)}\n`);
  const baseline = join(dir, 'lint-baseline.json');

  it('prints groups by default and findings one by one with --detail', async () => {
    const r = await runCli(['lint', today, ...NOW]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR {3}units\.invalid-ucum: 30 finding\(s\) in 1 group\(s\)/);
    expect(r.stdout).toMatch(/30 {2}LAB\/HOSP {2}OBX-6: "MMOLL" \(30\)/);
    expect(r.stdout).toMatch(/WARNING units\.mdc-unit: 30 finding\(s\)/);
    expect(r.stdout).toMatch(/"MDC_DIM_PERCENT" UCUM % \(30\)/);
    expect(r.stdout).toMatch(
      /60 message\(s\) in 1 file\(s\): 30 error\(s\).*\(0\.50 errors per message\)/,
    );
    const detail = await runCli(['lint', today, '--detail', ...NOW]);
    expect(detail.stdout.match(/OBX-6 unit "MMOLL"/g)).toHaveLength(20); // 20 per rule, then "more"
  });

  it('--write-baseline records the run; --baseline then reports only new kinds', async () => {
    const w = await runCli(['lint', today, '--write-baseline', baseline, ...NOW]);
    expect(w.code).toBe(1); // the exit code still reflects this run's findings
    expect(w.stderr).toMatch(/baseline written to .*lint-baseline\.json: 2 kind\(s\) of finding/);
    expect(JSON.parse(readFileSync(baseline, 'utf8')).entries).toHaveLength(2);

    const same = await runCli(['lint', today, '--baseline', baseline, ...NOW]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/: 0 error\(s\), 0 warning\(s\)/);
    expect(same.stdout).toMatch(
      /60 finding\(s\) suppressed by its 2 entries; 0 entries no longer occur/,
    );

    const tomorrow = join(dir, 'tomorrow.hl7');
    writeFileSync(
      tomorrow,
      `${traffic(10, [msg({ 'MSH-10': 'NEW', 'OBX-3': '2823-3^Potassium^LN', 'OBX-6': 'MEQL' })])}\n`,
    );
    const next = await runCli([
      'lint',
      tomorrow,
      '--baseline',
      baseline,
      '--format',
      'json',
      ...NOW,
    ]);
    expect(next.code).toBe(1);
    const j = JSON.parse(next.stdout);
    expect(j.summary.findings.error).toBe(1);
    expect(j.groups).toHaveLength(1);
    expect(j.groups[0]).toMatchObject({
      rule: 'units.invalid-ucum',
      values: [{ key: 'MEQL', count: 1 }],
    });
    expect(j.findings.map((f: { controlId: string }) => f.controlId)).toEqual(['NEW']);
    expect(j.summary.baseline).toMatchObject({ suppressed: 20, fixed: 0, entries: 2 });
  });

  it('a bad baseline is exit 2 with E_BASELINE, the location and a hint, no stack', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      '{\n  "format": "golive-lint-baseline",\n  "version": 2,\n  "entries": []\n}\n',
    );
    const r = await runCli(['lint', today, '--baseline', bad, ...NOW]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error E_BASELINE: .*bad\.json:3:\d+: not a golive lint baseline: version/,
    );
    expect(r.stderr).toMatch(/hint: .*--write-baseline/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    const missing = await runCli(['lint', today, '--baseline', join(dir, 'none.json'), ...NOW]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/E_BASELINE: .*none\.json: cannot read the baseline \(ENOENT\)/);
  });
});
