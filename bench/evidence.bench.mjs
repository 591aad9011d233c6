// Evidence store benchmark: appends per second (one at a time, each its own durable
// transaction) and batched (appendMany, 100 per transaction) for SQLite and PostgreSQL, and
// verify() time over the first 10,000 records. Imports the compiled code (npm run bench builds dist/ first).
// PostgreSQL: GOLIVE_PG_URL (default postgres://127.0.0.1:5432/test), a throwaway schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openEvidenceStore } from '../dist/evidence/open.js';
import { DEFAULT_PG_URL, withDefaultUser } from '../dist/evidence/postgres.js';

const RECORDS = 10_000;
const content = (i) => ({
  check: `bench.${i % 50}`,
  kind: 'scenario',
  criteria: ['workflow.exceptions'],
  outcome: i % 17 ? 'pass' : 'fail',
  summary: 'synthetic benchmark record',
  measurements: { p99_ms: i % 300, lost: 0 },
});

async function bench(name, store) {
  const t0 = performance.now();
  for (let i = 0; i < RECORDS; i++) {
    await store.append({
      kind: i % 20 === 0 ? 'exchange' : 'check',
      runId: `bench-${Math.floor(i / 1000)}`,
      author: 'bench',
      content: content(i),
      blobs: i % 20 === 0 ? { request: `MSH|^~\\&|BENCH|${i}|${'x'.repeat(2000)}` } : undefined,
    });
  }
  const appendMs = performance.now() - t0;
  const t1 = performance.now();
  const report = await store.verify();
  const verifyMs = performance.now() - t1;
  if (!report.ok) throw new Error(`${name}: verify failed: ${JSON.stringify(report.problems[0])}`);
  // Batched: 100 records per transaction (appendMany), as a check's exchanges are stored.
  const tb = performance.now();
  for (let i = 0; i < RECORDS; i += 100) {
    const batch = [];
    for (let j = i; j < i + 100; j++)
      batch.push({
        kind: 'measurement',
        runId: 'bench-batch',
        author: 'bench',
        content: content(j),
      });
    await store.appendMany(batch);
  }
  const batchMs = performance.now() - tb;
  console.log(
    `${name.padEnd(10)} append ${Math.round(RECORDS / (appendMs / 1000))
      .toString()
      .padStart(6)} records/s (${RECORDS} records, ${(appendMs / 1000).toFixed(1)} s); ` +
      `batched ${Math.round(RECORDS / (batchMs / 1000))} records/s; ` +
      `verify ${report.records} records in ${verifyMs.toFixed(0)} ms`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'golive-bench-'));
try {
  const s = await openEvidenceStore(join(dir, 'evidence.db'));
  await bench('sqlite', s);
  await s.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const url = withDefaultUser(process.env.GOLIVE_PG_URL || DEFAULT_PG_URL);
const schema = `golive_bench_${process.pid}`;
let p;
try {
  p = await openEvidenceStore(url, { schema });
} catch (e) {
  console.log(`postgres   skipped: ${e.message}`);
}
if (p) {
  try {
    await bench('postgres', p);
  } finally {
    await p.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
}
