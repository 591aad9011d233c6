/**
 * The rows of one append transaction, built under the store's lock by both backends: each item
 * is resolved (a function sees the run so far), validated, hashed and chained to the record
 * before it. Nothing here touches the database; the backends insert what it returns.
 */
import { nextRow, prepare, toRecord, type PreparedBlob, type RawRow } from './hashing.js';
import type { EvidenceRecord, NewRecord, RunItem, RunSoFar } from './types.js';

type Prepared = { r: NewRecord; p: ReturnType<typeof prepare> };
/** An item ready for the lock: hashed already, or a function to call under it. */
export type Pending = Prepared | ((run: RunSoFar) => NewRecord);

function checkRun(r: NewRecord, runId: string | undefined): NewRecord {
  // A batch is one run's evidence; a record of another run in it is a caller's bug.
  if (runId !== undefined && r.runId !== runId)
    throw new TypeError(`appendRun("${runId}"): a record of run "${String(r.runId)}"`);
  return r;
}

/**
 * Validate and hash the records known before the lock, so a bad one fails without taking it
 * (and without blocking other writers while it is hashed).
 */
export function prepareItems(items: readonly RunItem[], runId?: string): Pending[] {
  if (runId !== undefined && (typeof runId !== 'string' || runId === ''))
    throw new TypeError('runId is required');
  return items.map((item) => {
    if (typeof item === 'function') return item;
    const r = checkRun(item, runId);
    return { r, p: prepare(r) };
  });
}

export interface PlannedRow {
  row: RawRow;
  blobs: PreparedBlob[];
}

export class ChainBuilder {
  private prev: { seq: number; chainHash: string };
  private readonly all: EvidenceRecord[];
  readonly appended: EvidenceRecord[] = [];

  constructor(
    head: { seq: number; chainHash: string },
    prior: readonly EvidenceRecord[],
    private readonly clock: () => Date,
    private readonly runId?: string,
  ) {
    this.prev = head;
    this.all = [...prior];
  }

  /** The next row; throws (the caller rolls back) when the item is bad or its function throws. */
  add(item: Pending): PlannedRow {
    let ready: Prepared;
    if (typeof item === 'function') {
      const r = checkRun(
        item({ records: this.all, appended: this.appended, headHash: this.prev.chainHash }),
        this.runId,
      );
      ready = { r, p: prepare(r) };
    } else ready = item;
    const row = nextRow(this.prev, ready.r, ready.p, this.clock().toISOString());
    const rec = toRecord(row);
    this.all.push(rec);
    this.appended.push(rec);
    this.prev = { seq: Number(row.seq), chainHash: row.chain_hash };
    return { row, blobs: ready.p.blobs };
  }

  get head(): { seq: number; id: string; chainHash: string } {
    return { seq: this.prev.seq, id: `ev-${this.prev.seq}`, chainHash: this.prev.chainHash };
  }
}
