/**
 * `golive run` on the reference site's minimal profile (docs/site.md, Profiles): the least FHIR
 * R4 allows. The clean example ends GO with nothing about identifiers configured for it, and a
 * faulty site ends NO-GO naming what each fault broke. Load limits are the test's wide ones
 * (helpers/review-config.ts) so the decision never depends on the machine's speed.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { cleanConfigForTest } from '../helpers/review-config.js';

interface ReportJson {
  decision: string;
  criteria: { id: string; status: string; reason: string }[];
  checks: { items: { check: string; kind: string; outcome: string; summary: string }[] };
}

function run(extra: string[]) {
  const out = mkdtempSync(join(tmpdir(), 'golive-run-profile-'));
  const args = [
    'run',
    '--config',
    cleanConfigForTest(out),
    '--target',
    'embedded',
    '--profile',
    'minimal',
    '--as-of',
    '2026-02-27',
    '--out',
    join(out, 'reports'),
    '--evidence',
    join(out, 'evidence.db'),
    ...extra,
  ];
  return runCli(args, { timeoutMs: 240_000 }).then((r) => ({
    ...r,
    report: () =>
      JSON.parse(readFileSync(join(out, 'reports', 'report.json'), 'utf8')) as ReportJson,
  }));
}

describe('golive run --target embedded --profile minimal', () => {
  it('the clean example ends GO, every criterion met, with the probe kept as evidence', async () => {
    const r = await run([]);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(r.stdout).toMatch(/Decision: GO/);
    expect(r.code).toBe(0);
    const rep = r.report();
    expect(rep.criteria.filter((c) => c.status !== 'met')).toEqual([]);
    const probe = rep.checks.items.find((c) => c.kind === 'probe');
    expect(probe?.summary).toMatch(/18 of 18 scenarios can be exercised/);
  }, 260_000);

  it('with faults it ends NO-GO naming what each broke', async () => {
    const r = await run(['--faults', 'ignore-corrections,merge-not-applied']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Decision: NO-GO/);
    const rep = r.report();
    const failed = rep.checks.items.filter((c) => c.outcome === 'fail').map((c) => c.check);
    expect(failed).toEqual(
      expect.arrayContaining(['result.correction', 'identity.duplicate-merge']),
    );
    const updates = rep.criteria.find((c) => c.id === 'interop.updates')!;
    expect(updates.status).toBe('not-met');
    expect(updates.reason).toMatch(/result\.correction/);
    const identity = rep.criteria.find((c) => c.id === 'interop.identity')!;
    expect(identity.status).toBe('not-met');
  }, 260_000);
});
