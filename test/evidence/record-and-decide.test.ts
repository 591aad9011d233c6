/**
 * `golive run` stores a run's evidence and its decision in one transaction (issue 16, item 10):
 * recordAndDecide makes one write to the store, the decision is the run's last record and links
 * to the one before it, and a failure while recording leaves nothing of the run (it used to
 * leave the checks appended so far, with no decision).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/core/index.js';
import { openEvidenceStore, type EvidenceStore } from '../../src/evidence/index.js';
import { steppingClock } from '../../src/evidence/testing.js';
import { recordAndDecide } from '../../src/runner/decide.js';

const check = (i: number, measurements: Record<string, number> = { steps: i }): CheckResult => ({
  check: `synthetic.${i}`,
  kind: 'scenario',
  title: `Check ${i}`,
  domain: 'workflow',
  criteria: ['workflow.exceptions'],
  outcome: 'pass',
  summary: 'ok',
  findings: [],
  measurements,
  startedAt: '2026-11-27T08:00:00.000Z',
  durationMs: 5,
  exchanges: [
    {
      id: `x-${i}`,
      protocol: 'mllp',
      direction: 'outbound',
      peer: '127.0.0.1:2575',
      startedAt: '2026-11-27T08:00:00.000Z',
      durationMs: 2,
      request: `MSH|^~\\&|GOLIVE|${i}`,
      response: 'MSH|^~\\&|LIS\rMSA|AA|1',
      summary: 'ORM -> AA',
    },
  ],
});

const WRITES = ['append', 'appendMany', 'appendRun'];

/** The store, counting the write calls made through it. */
function counting(store: EvidenceStore, calls: string[]): EvidenceStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof v !== 'function') return v;
      if (WRITES.includes(String(key))) calls.push(String(key));
      return (v as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

let dir: string;
let store: EvidenceStore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'golive-decide-'));
  store = await openEvidenceStore(join(dir, 'evidence.db'), { clock: steppingClock() });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const options = (s: EvidenceStore, checks: CheckResult[]) => ({
  store: s,
  runId: 'run-1',
  author: 'golive run',
  collected: {
    checks,
    attestations: [
      {
        criterion: 'workflow.live-simulation',
        statement: 'Simulated a shift.',
        attestedBy: 'Lee Lead',
        role: 'integration lead',
        at: '2026-11-26',
        holds: true,
      },
    ],
    waivers: [],
  },
  now: () => new Date('2026-11-27T09:00:00Z'),
  startedAt: new Date('2026-11-27T08:00:00Z'),
  target: 'lis.example.org:2575',
  toolVersion: '0.0.0-test',
  reportDir: join(dir, 'reports'),
});

describe('recordAndDecide', () => {
  it('stores the run and its decision with one write, the decision last, linked to the record before it', async () => {
    const calls: string[] = [];
    const d = await recordAndDecide(options(counting(store, calls), [check(1), check(2)]));
    expect(calls).toEqual(['appendRun']);
    const records = await store.list({ runId: 'run-1' });
    expect(records.map((r) => r.kind)).toEqual([
      'exchange',
      'check',
      'exchange',
      'check',
      'attestation',
      'decision',
    ]);
    const decision = records[5]!;
    expect(d.decisionRecord).toBe(decision.id);
    const content = decision.content as { storeHeadHash: string; storeIntact: boolean };
    expect(content.storeHeadHash).toBe(records[4]!.chainHash);
    expect(d.headHash).toBe(records[4]!.chainHash);
    expect(content.storeIntact).toBe(true);
    // The report links each check to its stored record, which names its exchange.
    expect(d.input.checks.map((c) => c.evidenceId)).toEqual([records[1]!.id, records[3]!.id]);
    expect(records[3]!.content).toMatchObject({ exchangeRecords: [records[2]!.id] });
    expect(await store.runs()).toEqual([
      expect.objectContaining({ runId: 'run-1', complete: true }),
    ]);
    expect(await store.verify()).toMatchObject({ ok: true, records: 6 });
  });

  it('leaves nothing of the run when recording fails part-way', async () => {
    // The third check cannot be stored (NaN is not JSON); the first two used to stay behind.
    const bad = [check(1), check(2), check(3, { ratio: Number.NaN }), check(4)];
    await expect(recordAndDecide(options(store, bad))).rejects.toThrow(/not valid JSON/);
    expect(await store.list({ runId: 'run-1' })).toEqual([]);
    expect(await store.runs()).toEqual([]);
    expect(await store.verify()).toMatchObject({ ok: true, records: 0 });
  });
});
