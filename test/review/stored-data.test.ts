/**
 * The review weighs check results read back from an evidence store, where `data` is untrusted
 * JSON (an older version wrote it, or it was edited). A scenario record whose data cannot be
 * read is evaluated without throwing, and a skip with unreadable data is not taken as a plain
 * skip: the criterion stays not evidenced and the reason names the record and what was wrong.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Outcome, StoredCheckResult } from '../../src/core/index.js';
import { appendCheck, openEvidenceStore, type EvidenceStore } from '../../src/evidence/index.js';
import { steppingClock } from '../../src/evidence/testing.js';
import {
  STANDARD_TEMPLATE,
  evaluateCriterion,
  evidenceFromRecords,
} from '../../src/review/index.js';

const CRITERION = STANDARD_TEMPLATE.criteria.find((c) => c.id === 'workflow.exceptions')!;
const NOW = Date.parse('2026-11-27T12:00:00.000Z');

const STEP = {
  index: 1,
  type: 'send',
  title: 'Cancel the order',
  outcome: 'pass',
  message: 'AA',
  startedAt: '2026-11-27T08:00:00.000Z',
  durationMs: 3,
  exchangeIds: [],
};

function scenario(id: string, outcome: Outcome, data: unknown): StoredCheckResult {
  return {
    check: id,
    kind: 'scenario',
    title: id,
    domain: 'workflow',
    criteria: ['workflow.exceptions'],
    outcome,
    summary: `${id} ${outcome}`,
    findings: [],
    measurements: {},
    startedAt: '2026-11-27T08:00:00.000Z',
    durationMs: 5,
    data,
  };
}

let dir: string;
let store: EvidenceStore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'golive-stored-data-'));
  store = await openEvidenceStore(join(dir, 'evidence.db'), { clock: steppingClock() });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Store the checks, read the run back, evaluate workflow.exceptions from what was stored. */
async function evaluateStored(checks: StoredCheckResult[]) {
  for (const c of checks) await appendCheck(store, 'run-1', 'golive run', c);
  const { evidence, rejected } = evidenceFromRecords(await store.list({ runId: 'run-1' }));
  expect(rejected).toEqual([]);
  return evaluateCriterion(CRITERION, evidence, STANDARD_TEMPLATE.policy, NOW);
}

describe('review of stored scenario results with unreadable data', () => {
  it('a passed scenario whose data is 5 still counts by its outcome', async () => {
    const e = await evaluateStored([scenario('order.cancel', 'pass', 5)]);
    expect(e.status).toBe('met');
  });

  it('a skipped scenario with data 5 leaves the criterion not evidenced, and says why', async () => {
    const e = await evaluateStored([
      scenario('order.cancel', 'pass', { steps: [STEP] }),
      scenario('order.relabel', 'skip', 5),
    ]);
    expect(e.status).toBe('not-evidenced');
    expect(e.reason).toMatch(/skipped with unreadable data/);
    expect(e.reason).toMatch(/order\.relabel \[[^\]]+\]: data unreadable, data is not an object/);
  });

  it('a skipped scenario without steps is named the same way', async () => {
    const e = await evaluateStored([
      scenario('order.cancel', 'pass', { steps: [STEP] }),
      scenario('order.relabel', 'skip', {
        notApplicable: { step: 1, reason: 'r', manualEvidence: 'm' },
      }),
    ]);
    expect(e.status).toBe('not-evidenced');
    expect(e.reason).toMatch(/order\.relabel \[[^\]]+\]: data unreadable, data\.steps is missing/);
  });

  it('a readable not-applicable skip keeps its own reason', async () => {
    const e = await evaluateStored([
      scenario('order.cancel', 'pass', { steps: [STEP] }),
      scenario('order.relabel', 'skip', {
        steps: [{ ...STEP, outcome: 'skip' }],
        notApplicable: { step: 1, reason: 'the target has no relabel search', manualEvidence: 'm' },
      }),
    ]);
    expect(e.status).toBe('not-evidenced');
    expect(e.reason).toMatch(/not exercised on this target: .*the target has no relabel search/);
    expect(e.reason).not.toMatch(/unreadable/);
  });
});
