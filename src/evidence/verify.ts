/**
 * Chain verification shared by every backend. Rows are fed in sequence order; each check
 * names the record concerned:
 * - a gap in `seq` (or a head further on than the last row): records were removed;
 * - content that no longer hashes to `content_hash`: content edited;
 * - `prev_hash` not equal to the previous record's `chain_hash`: a record before it was
 *   removed, edited (with its hashes rewritten) or reordered;
 * - `chain_hash` not recomputable from the row: its fields or hashes were edited;
 * - a blob missing, or whose bytes no longer hash to its key;
 * - a row that does not read as golive wrote it (content not JSON, unknown kind): malformed.
 * Dropped or altered triggers and tables are checked per backend (schema-check.ts).
 * A chain cannot stop someone who rewrites every hash from the edit to the head; that is why
 * the head hash is reported, to be quoted in decisions and tickets (an external anchor).
 */
import { GENESIS_HASH, chainHash, readRow, sha256, type RawRow } from './hashing.js';
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
    // A row golive cannot read (written into the database directly, possibly with hashes that
    // match) is named here; readers skip it instead of failing (hashing.ts readRow).
    const { blobs: parsed, why } = readRow(row);
    if (why) {
      this.problems.push({
        seq,
        id: row.id,
        problem: 'malformed',
        message: `${name}: cannot be read: ${why}`,
      });
    }
    const refs: BlobRef[] = parsed;
    const recomputed = chainHash(row.prev_hash, {
      seq,
      id: row.id,
      runId: row.run_id,
      kind: row.kind,
      createdAt: row.created_at,
      author: row.author,
      contentHash: row.content_hash,
      blobs: refs,
    });
    if (recomputed !== row.chain_hash) {
      this.problems.push({
        seq,
        id: row.id,
        problem: 'record-edited',
        message: `${name}: its fields or hashes were changed after it was written`,
      });
    }
    for (const ref of refs) {
      // An entry of the wrong shape is an edit the chain hash above already names.
      if (typeof ref !== 'object' || ref === null || typeof ref.hash !== 'string') continue;
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

  /** `schema`: problems with the store's tables and triggers, listed first. */
  finish(head: Head, schema: readonly VerifyProblem[] = []): VerifyReport {
    this.problems.unshift(...schema);
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

/** The report when a core table is gone: nothing can be read, the schema problems say why. */
export function unreadableReport(problems: VerifyProblem[]): VerifyReport {
  return { ok: false, records: 0, headHash: '', problems };
}
