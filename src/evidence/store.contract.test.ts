/**
 * The evidence store contract: every implementation passes this one suite, against a real
 * backend (a SQLite file in a temp dir; the PostgreSQL server at GOLIVE_PG_URL, which must be
 * running: the suite fails, never skips, when it is not).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../core/evidence.js';
import { appendCheck, loadExchange } from './exchanges.js';
import { canonicalJson, sha256 } from './hashing.js';
import { openEvidenceStore } from './open.js';
import { steppingClock, tempPgSchema, tempSqliteFile } from './testing.js';
import type { EvidenceStore, NewRecord, RunItem } from './types.js';

interface Backend {
  name: string;
  /** Open a fresh store; `reopen` opens the same store again (new connection/handle). */
  setup(): Promise<{ open(): Promise<EvidenceStore>; cleanup(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'sqlite',
    async setup() {
      const t = tempSqliteFile();
      return {
        open: () => openEvidenceStore(t.file, { clock: steppingClock() }),
        cleanup: async () => t.cleanup(),
      };
    },
  },
  {
    name: 'postgres',
    async setup() {
      const t = await tempPgSchema();
      return {
        open: () => openEvidenceStore(t.url, { schema: t.schema, clock: steppingClock() }),
        cleanup: () => t.cleanup(),
      };
    },
  },
];

const check: CheckResult = {
  check: 'order.cancel',
  kind: 'scenario',
  title: 'Cancel an order',
  domain: 'workflow',
  criteria: ['workflow.exceptions'],
  outcome: 'pass',
  summary: 'The cancelled order left nothing active.',
  findings: [],
  measurements: { steps: 4 },
  startedAt: '2026-11-27T08:00:00Z',
  durationMs: 12,
  exchanges: [
    {
      id: 'x-1',
      protocol: 'mllp',
      direction: 'outbound',
      peer: '127.0.0.1:2575',
      startedAt: '2026-11-27T08:00:00Z',
      durationMs: 3,
      request: 'MSH|^~\\&|GOLIVE|||' + 'X'.repeat(50_000),
      response: 'MSH|^~\\&|LIS\rMSA|AA|1',
      summary: 'ORM^O01 MSH-10=1 -> AA (3 ms)',
    },
  ],
};

describe.each(BACKENDS)('evidence store contract: $name', (backend) => {
  let env: Awaited<ReturnType<Backend['setup']>>;
  let store: EvidenceStore;

  beforeEach(async () => {
    env = await backend.setup();
    store = await env.open();
  });
  afterEach(async () => {
    await store.close();
    await env.cleanup();
  });

  it('starts empty and verifies', async () => {
    expect(await store.list()).toEqual([]);
    expect(await store.runs()).toEqual([]);
    const v = await store.verify();
    expect(v).toMatchObject({ ok: true, records: 0, problems: [] });
  });

  it('appends records with ids, sequence, clock time, author and hashes', async () => {
    const a = await store.append({
      kind: 'measurement',
      runId: 'r1',
      author: 'golive',
      content: { b: 1, a: [1, 'x'] },
    });
    const b = await store.append({
      kind: 'attestation',
      runId: 'r1',
      author: 'Dr A',
      content: { criterion: 'c', holds: true },
    });
    expect(a).toMatchObject({
      seq: 1,
      id: 'ev-1',
      runId: 'r1',
      kind: 'measurement',
      author: 'golive',
    });
    // The first tick of the clock went to the migration record.
    expect(a.createdAt).toBe('2026-11-27T08:00:01.000Z');
    expect(b.createdAt).toBe('2026-11-27T08:00:02.000Z');
    expect(a.contentHash).toBe(sha256('{"a":[1,"x"],"b":1}'));
    expect(a.prevHash).toBe('0'.repeat(64));
    expect(b.prevHash).toBe(a.chainHash);
    expect(await store.get('ev-2')).toEqual(b);
    expect(await store.get('ev-99')).toBeUndefined();
  });

  it('hashes content by canonical JSON: key order does not matter', async () => {
    const a = await store.append({
      kind: 'finding',
      runId: 'r',
      author: 'x',
      content: { z: { y: 1, x: 2 }, a: null },
    });
    const b = await store.append({
      kind: 'finding',
      runId: 'r',
      author: 'x',
      content: { a: null, z: { x: 2, y: 1 } },
    });
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.contentHash).toBe(sha256(canonicalJson({ a: null, z: { x: 2, y: 1 } })));
  });

  it('refuses content JSON cannot carry, and appends nothing', async () => {
    await expect(
      store.append({ kind: 'finding', runId: 'r', author: 'x', content: { n: NaN } }),
    ).rejects.toThrow(/not valid JSON/);
    await expect(
      store.append({ kind: 'finding', runId: '', author: 'x', content: {} }),
    ).rejects.toThrow(/runId/);
    expect(await store.list()).toEqual([]);
    expect((await store.verify()).ok).toBe(true);
  });

  it('lists by run and kind in append order, and summarises runs', async () => {
    for (const [run, kind] of [
      ['r1', 'check'],
      ['r2', 'check'],
      ['r1', 'waiver'],
      ['r1', 'check'],
    ] as const)
      await store.append({ kind, runId: run, author: 'a', content: { run, kind } });
    expect((await store.list({ runId: 'r1' })).map((r) => r.id)).toEqual(['ev-1', 'ev-3', 'ev-4']);
    expect((await store.list({ kind: 'check' })).map((r) => r.id)).toEqual([
      'ev-1',
      'ev-2',
      'ev-4',
    ]);
    expect((await store.list({ runId: 'r1', kind: 'check' })).map((r) => r.id)).toEqual([
      'ev-1',
      'ev-4',
    ]);
    const runs = await store.runs();
    expect(runs).toEqual([
      {
        runId: 'r1',
        records: 3,
        firstAt: '2026-11-27T08:00:01.000Z',
        lastAt: '2026-11-27T08:00:04.000Z',
        complete: false,
      },
      {
        runId: 'r2',
        records: 1,
        firstAt: '2026-11-27T08:00:02.000Z',
        lastAt: '2026-11-27T08:00:02.000Z',
        complete: false,
      },
    ]);
    expect(typeof runs[0]!.records).toBe('number');
  });

  it('keeps exchange bodies as blobs, linked from the check, covered by verify', async () => {
    const rec = await appendCheck(store, 'r1', 'golive', check);
    expect(rec.kind).toBe('check');
    const content = rec.content as { exchangeRecords: string[]; exchanges?: unknown };
    expect(content.exchanges).toBeUndefined();
    expect(content.exchangeRecords).toEqual(['ev-1']);
    const x = await store.get('ev-1');
    expect(x?.blobs.map((b) => b.name)).toEqual(['request', 'response']);
    expect(JSON.stringify(x?.content)).not.toContain('XXXX');
    expect(await loadExchange(store, 'ev-1')).toEqual(check.exchanges![0]);
    // The same body again is stored once (content-addressed) but referenced twice.
    await appendCheck(store, 'r2', 'golive', check);
    expect(await store.getBlob(x!.blobs[0]!.hash)).toEqual(
      Buffer.from(check.exchanges![0]!.request),
    );
    expect(await store.verify()).toMatchObject({ ok: true, records: 4 });
  });

  it('persists across reopen, and migrate is idempotent', async () => {
    await store.append({
      kind: 'decision',
      runId: 'r',
      author: 'committee',
      content: { decision: 'GO' },
    });
    expect(await store.migrate()).toBe(1);
    await store.close();
    store = await env.open();
    expect(await store.migrate()).toBe(1);
    const [r] = await store.list();
    expect(r?.content).toEqual({ decision: 'GO' });
    const next = await store.append({ kind: 'decision', runId: 'r', author: 'c', content: {} });
    expect(next.seq).toBe(2);
    expect(next.prevHash).toBe(r?.chainHash);
    const v = await store.verify();
    expect(v).toMatchObject({ ok: true, records: 2, headHash: next.chainHash });
  });

  it('keeps a gapless chain under concurrent appends from several connections', async () => {
    const other = await env.open();
    try {
      const all = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? other : store).append({
            kind: 'measurement',
            runId: 'r',
            author: 'a',
            content: { i },
          }),
        ),
      );
      expect(new Set(all.map((r) => r.seq)).size).toBe(40);
      const listed = await store.list();
      expect(listed.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await store.verify()).toMatchObject({ ok: true, records: 40, problems: [] });
    } finally {
      await other.close();
    }
  });

  it('appendMany appends in order in one transaction, or nothing when one record is bad', async () => {
    await store.append({ kind: 'check', runId: 'r', author: 'a', content: { n: 0 } });
    const recs = await store.appendMany(
      [1, 2, 3].map((n) => ({ kind: 'check' as const, runId: 'r', author: 'a', content: { n } })),
    );
    expect(recs.map((r) => r.id)).toEqual(['ev-2', 'ev-3', 'ev-4']);
    expect(recs[1]?.prevHash).toBe(recs[0]?.chainHash);
    await expect(
      store.appendMany([
        { kind: 'check', runId: 'r', author: 'a', content: { n: 5 } },
        { kind: 'check', runId: 'r', author: 'a', content: { bad: Infinity } },
      ]),
    ).rejects.toThrow(/not valid JSON/);
    expect(await store.appendMany([])).toEqual([]);
    expect(await store.verify()).toMatchObject({ ok: true, records: 4 });
  });

  it('offers no way to change or remove a record', () => {
    const api = store as unknown as Record<string, unknown>;
    for (const name of ['update', 'delete', 'remove', 'put', 'set'])
      expect(api[name]).toBeUndefined();
  });

  describe('appendRun: a run and its decision in one transaction', () => {
    const rec = (n: number, kind: NewRecord['kind'] = 'check'): NewRecord => ({
      kind,
      runId: 'run-1',
      author: 'golive',
      content: { n },
    });

    it('appends in order, chained; functions see the run so far and the head they link to', async () => {
      await store.append(rec(0, 'attestation'));
      await store.append({ kind: 'check', runId: 'other', author: 'a', content: {} });
      const seen: { records: string[]; appended: string[]; head: string }[] = [];
      const out = await store.appendRun('run-1', [
        { ...rec(1, 'exchange'), blobs: { request: 'MSH|^~\\&|A' } },
        (run) => {
          seen.push({
            records: run.records.map((r) => r.id),
            appended: run.appended.map((r) => r.id),
            head: run.headHash,
          });
          return rec(2);
        },
        (run) => ({
          kind: 'decision',
          runId: 'run-1',
          author: 'golive',
          content: { over: run.records.map((r) => r.id), head: run.headHash },
        }),
      ]);
      expect(out.map((r) => [r.id, r.kind])).toEqual([
        ['ev-3', 'exchange'],
        ['ev-4', 'check'],
        ['ev-5', 'decision'],
      ]);
      expect(seen).toEqual([
        { records: ['ev-1', 'ev-3'], appended: ['ev-3'], head: out[0]!.chainHash },
      ]);
      expect(out[2]!.content).toEqual({ over: ['ev-1', 'ev-3', 'ev-4'], head: out[1]!.chainHash });
      expect(out[1]!.prevHash).toBe(out[0]!.chainHash);
      expect(out[0]!.blobs.map((b) => b.name)).toEqual(['request']);
      expect(await store.get('ev-5')).toEqual(out[2]);
      expect(await store.verify()).toMatchObject({
        ok: true,
        records: 5,
        headHash: out[2]!.chainHash,
      });
      const runs = await store.runs();
      expect(runs.find((r) => r.runId === 'run-1')).toMatchObject({ records: 4, complete: true });
      expect(runs.find((r) => r.runId === 'other')).toMatchObject({ complete: false });
    });

    it('appends nothing of the run when a function throws, a record is bad or of another run', async () => {
      await store.append(rec(0));
      const failing: RunItem[][] = [
        [
          rec(1),
          rec(2),
          () => {
            throw new Error('review failed');
          },
        ],
        [rec(1), () => rec(Number.NaN)],
        [rec(1), { ...rec(2), runId: 'run-2' }],
        [rec(1), () => ({ ...rec(2), runId: 'run-2' })],
      ];
      for (const items of failing)
        await expect(store.appendRun('run-1', items)).rejects.toThrow(
          /review failed|not valid JSON|a record of run "run-2"/,
        );
      expect((await store.list()).map((r) => r.id)).toEqual(['ev-1']);
      expect(await store.verify()).toMatchObject({ ok: true, records: 1, problems: [] });
      // The chain goes on where it was.
      const [next] = await store.appendRun('run-1', [rec(3)]);
      expect(next).toMatchObject({ seq: 2, prevHash: (await store.get('ev-1'))!.chainHash });
      expect(await store.appendRun('run-1', [])).toEqual([]);
    });

    it('keeps a run contiguous while other connections append', async () => {
      const other = await env.open();
      try {
        const items: RunItem[] = Array.from({ length: 60 }, (_, i) => rec(i));
        items.push((run) => ({ ...rec(99, 'decision'), content: { n: run.records.length } }));
        const [run] = await Promise.all([
          store.appendRun('run-1', items),
          ...Array.from({ length: 20 }, (_, i) =>
            other.append({ kind: 'measurement', runId: 'noise', author: 'a', content: { i } }),
          ),
        ]);
        const seqs = run.map((r) => r.seq);
        expect(seqs).toEqual(Array.from({ length: 61 }, (_, i) => seqs[0]! + i));
        expect(run[60]!.content).toEqual({ n: 60 });
        expect(await store.verify()).toMatchObject({ ok: true, records: 81 });
      } finally {
        await other.close();
      }
    });
  });
});
