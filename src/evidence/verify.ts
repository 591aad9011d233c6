/**
 * Chain verification shared by every backend. Rows are fed in sequence order; each check
 * names the record concerned:
 * - a gap in `seq` (or a head further on than the last row): records were removed;
 * - content that no longer hashes to `content_hash`: content edited;
 * - `prev_hash` not equal to the previous record's `chain_hash`: a record before it was
 *   removed, edited (with its hashes rewritten) or reordered;
 * - `chain_hash` not recomputable from the row: its fields or hashes were edited;
 * - a blob missing, or whose bytes no longer hash to its key.
 * A chain cannot stop someone who rewrites every hash from the edit to the head; that is why
 * the head hash is reported, to be quoted in decisions and tickets (an external anchor).
 */
import { GENESIS_HASH, chainHash, sha256, type RawRow } from './hashing.js';
import type { BlobRef, VerifyProblem, VerifyReport } from './types.js';

export interface Head {
  seq: number;
  id: string;
  chainHash: string;
}

/** Blob hashes known to be bad (edited bytes) and a way to ask whether one exists. */
export interface BlobState {
  edited: Set<string>;
  present: Set<string>;
}

export function checkBlobs(blobs: Iterable<{ hash: string; data: Buffer }>): BlobState {
  const state: BlobState = { edited: new Set(), present: new Set() };
  for (const b of blobs) {
    state.present.add(b.hash);
    if (sha256(b.data) !== b.hash) state.edited.add(b.hash);
  }
  return state;
}

export class ChainVerifier {
  private prev = GENESIS_HASH;
  private prevId = '(start)';
  private expected = 1;
  private count = 0;
  readonly problems: VerifyProblem[] = [];

  constructor(private readonly blobs: BlobState) {}

  push(row: RawRow): void {
    const seq = Number(row.seq);
    const name = `record ${row.id} (#${seq})`;
    this.count++;
    if (seq > this.expected) {
      this.problems.push({
        seq: this.expected,
        problem: 'missing',
        message: `${this.range(this.expected, seq - 1)} missing between ${this.prevId} and ${row.id}: removed from the store`,
      });
    }
    if (sha256(row.content) !== row.content_hash) {
      this.problems.push({
        seq,
        id: row.id,
        problem: 'content-edited',
        message: `${name}: content does not match its content hash (edited)`,
      });
    }
    if (row.prev_hash !== this.prev) {
      this.problems.push({
        seq,
        id: row.id,
        problem: 'chain-broken',
        message: `${name}: does not link to ${this.prevId}; a record before it was removed, edited or reordered`,
      });
    }
    let refs: BlobRef[] = [];
    try {
      refs = JSON.parse(row.blobs) as BlobRef[];
    } catch {
      // An unparseable blob list is an edit; the chain hash check below reports it.
    }
    const recomputed = chainHash(row.prev_hash, {
      seq,
      id: row.id,
      runId: row.run_id,
      kind: row.kind,
      createdAt: row.created_at,
      author: row.author,
      contentHash: row.content_hash,
      blobs: Array.isArray(refs) ? refs : [],
    });
    if (recomputed !== row.chain_hash) {
      this.problems.push({
        seq,
        id: row.id,
        problem: 'record-edited',
        message: `${name}: its fields or hashes were changed after it was written`,
      });
    }
    for (const ref of Array.isArray(refs) ? refs : []) {
      if (!this.blobs.present.has(ref.hash)) {
        this.problems.push({
          seq,
          id: row.id,
          problem: 'blob-missing',
          message: `${name}: blob "${ref.name}" (${ref.hash.slice(0, 12)}) is missing`,
        });
      } else if (this.blobs.edited.has(ref.hash)) {
        this.problems.push({
          seq,
          id: row.id,
          problem: 'blob-edited',
          message: `${name}: blob "${ref.name}" (${ref.hash.slice(0, 12)}) was edited`,
        });
      }
    }
    this.prev = row.chain_hash;
    this.prevId = row.id;
    this.expected = Math.max(this.expected, seq + 1);
  }

  finish(head: Head): VerifyReport {
    const last = this.expected - 1;
    if (head.seq > last) {
      this.problems.push({
        seq: last + 1,
        id: head.seq === last + 1 ? head.id : undefined,
        problem: 'missing',
        message: `${this.range(last + 1, head.seq)} missing after ${this.prevId} (the last was ${head.id}): removed from the end`,
      });
    } else if (head.chainHash !== this.prev || head.seq !== last) {
      this.problems.push({
        seq: last,
        problem: 'head-mismatch',
        message: `the chain head (#${head.seq}) does not match the last record ${this.prevId}`,
      });
    }
    return {
      ok: this.problems.length === 0,
      records: this.count,
      headHash: this.prev,
      problems: this.problems,
    };
  }

  private range(from: number, to: number): string {
    return from === to ? `record #${from} is` : `records #${from} to #${to} are`;
  }
}
