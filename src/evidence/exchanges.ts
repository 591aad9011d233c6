/**
 * Storing check results with their exchanges. ARCHITECTURE.md: every exchange with a system
 * under test is kept as evidence and linked from the result that used it. Request and response
 * bodies can be large, so they go to blobs; the exchange record keeps the rest.
 */
import type { CheckResult, Exchange, StoredCheckResult } from '../core/index.js';
import type { EvidenceRecord, EvidenceStore, NewRecord, RunItem, RunSoFar } from './types.js';

/**
 * Content of a `check` record: the result without inline exchanges, plus their record ids.
 * Read back, its `data` is untrusted JSON (StoredCheckResult).
 */
export type StoredCheck = Omit<StoredCheckResult, 'exchanges'> & { exchangeRecords: string[] };

function exchangeRecord(runId: string, author: string, x: Exchange): NewRecord {
  const { request, response, ...rest } = x;
  const blobs: Record<string, string> = { request };
  if (response !== undefined) blobs.response = response;
  return { kind: 'exchange', runId, author, content: rest, blobs };
}

export async function appendExchange(
  store: EvidenceStore,
  runId: string,
  author: string,
  x: Exchange,
): Promise<EvidenceRecord> {
  return store.append(exchangeRecord(runId, author, x));
}

/**
 * A check's records for a run batch: its exchanges, then the check naming their ids (a function,
 * because ids are assigned inside the transaction).
 */
export function checkItems(runId: string, author: string, check: StoredCheckResult): RunItem[] {
  const xs = (check.exchanges ?? []).map((x) => exchangeRecord(runId, author, x));
  const { exchanges: _inline, ...rest } = check;
  const n = xs.length;
  const checkRecord = (run: RunSoFar): NewRecord => {
    const exchangeRecords = run.appended.slice(run.appended.length - n).map((r) => r.id);
    const content: StoredCheck = { ...rest, exchangeRecords };
    return { kind: 'check', runId, author, content };
  };
  return [...xs, checkRecord];
}

/** Append a check with its exchanges (one transaction). Returns the check record. */
export async function appendCheck(
  store: EvidenceStore,
  runId: string,
  author: string,
  check: StoredCheckResult,
): Promise<EvidenceRecord> {
  const recs = await store.appendRun(runId, checkItems(runId, author, check));
  return recs[recs.length - 1]!;
}

export interface RunToRecord {
  runId: string;
  author: string;
  checks: readonly CheckResult[];
  /** The run's other records (attestations, waivers), after its checks. */
  records?: readonly NewRecord[];
  /**
   * The decision record's content, built from every record of the run as stored (ids and
   * hashes assigned), under the store's lock; synchronous, like every run item.
   */
  decision: (run: RunSoFar) => unknown;
}

export interface RecordedRun {
  /** One check record per check, in the order given. */
  checks: EvidenceRecord[];
  decision: EvidenceRecord;
  /** Everything appended, in order. */
  records: EvidenceRecord[];
}

/**
 * Store a whole run: its checks with their exchanges, its other records, and its decision, in
 * one transaction. A crash or a failure anywhere leaves nothing of the run, never a run with
 * part of its evidence and no decision.
 */
export async function recordRun(store: EvidenceStore, r: RunToRecord): Promise<RecordedRun> {
  const items: RunItem[] = [];
  const checkAt: number[] = [];
  for (const c of r.checks) {
    items.push(...checkItems(r.runId, r.author, c));
    checkAt.push(items.length - 1);
  }
  items.push(...(r.records ?? []));
  items.push((run) => ({
    kind: 'decision',
    runId: r.runId,
    author: r.author,
    content: r.decision(run),
  }));
  const records = await store.appendRun(r.runId, items);
  return {
    checks: checkAt.map((i) => records[i]!),
    decision: records[records.length - 1]!,
    records,
  };
}

/** Rebuild an Exchange (with its bodies) from its record. */
export async function loadExchange(
  store: EvidenceStore,
  id: string,
): Promise<Exchange | undefined> {
  const rec = await store.get(id);
  if (!rec || rec.kind !== 'exchange') return undefined;
  const body = async (name: string) => {
    const ref = rec.blobs.find((b) => b.name === name);
    return ref ? (await store.getBlob(ref.hash))?.toString('utf8') : undefined;
  };
  const request = (await body('request')) ?? '';
  const response = await body('response');
  const x = { ...(rec.content as Omit<Exchange, 'request' | 'response'>), request };
  return response === undefined ? x : { ...x, response };
}
