/**
 * Storing check results with their exchanges. ARCHITECTURE.md: every exchange with a system
 * under test is kept as evidence and linked from the result that used it. Request and response
 * bodies can be large, so they go to blobs; the exchange record keeps the rest.
 */
import type { CheckResult, Exchange } from '../core/evidence.js';
import type { EvidenceRecord, EvidenceStore, NewRecord } from './types.js';

/** Content of a `check` record: the result without inline exchanges, plus their record ids. */
export type StoredCheck = Omit<CheckResult, 'exchanges'> & { exchangeRecords: string[] };

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

/** Append each exchange, then the check that links to them. Returns the check record. */
export async function appendCheck(
  store: EvidenceStore,
  runId: string,
  author: string,
  check: CheckResult,
): Promise<EvidenceRecord> {
  // The exchanges go in one transaction (one fsync), then the check that names their ids.
  const exchangeRecords = (
    await store.appendMany((check.exchanges ?? []).map((x) => exchangeRecord(runId, author, x)))
  ).map((r) => r.id);
  const { exchanges: _inline, ...rest } = check;
  const content: StoredCheck = { ...rest, exchangeRecords };
  return store.append({ kind: 'check', runId, author, content });
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
