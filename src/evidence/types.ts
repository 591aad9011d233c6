/**
 * The evidence store: an append-only, hash-chained log of everything a review is decided on.
 * One interface, several implementations (SQLite by default, PostgreSQL), all passing the same
 * contract suite (store.contract.test.ts).
 */

export const RECORD_KINDS = [
  'check',
  'finding',
  'measurement',
  'exchange',
  'attestation',
  'waiver',
  'decision',
] as const;

export type RecordKind = (typeof RECORD_KINDS)[number];

export function isRecordKind(v: string): v is RecordKind {
  return (RECORD_KINDS as readonly string[]).includes(v);
}

/** What a caller appends. The store assigns id, sequence, time and hashes. */
export interface NewRecord {
  kind: RecordKind;
  runId: string;
  /** Who recorded it: a person, or `golive` plus the check that produced it. */
  author: string;
  /** Any JSON value; stored as canonical JSON (sorted keys) and hashed. */
  content: unknown;
  /**
   * Large bodies (exchange request/response bytes) kept out of `content`, stored once by
   * their sha256 and referenced from the record, so the hash chain still covers them.
   */
  blobs?: Record<string, string | Uint8Array>;
}

export interface BlobRef {
  name: string;
  /** sha256 hex of the bytes. */
  hash: string;
  size: number;
}

export interface EvidenceRecord {
  /** 1-based position in the store's chain. */
  seq: number;
  /** `ev-<seq>`: stable, unique in the store. */
  id: string;
  runId: string;
  kind: RecordKind;
  /** ISO-8601 instant from the store's (injected) clock. */
  createdAt: string;
  author: string;
  content: unknown;
  blobs: BlobRef[];
  /** sha256 hex of the canonical JSON of `content`. */
  contentHash: string;
  /** `chainHash` of the previous record (64 zeros for the first). */
  prevHash: string;
  /** sha256 over prevHash and this record's fields, content hash and blob refs. */
  chainHash: string;
}

export interface ListQuery {
  runId?: string;
  kind?: RecordKind;
}

export interface RunSummary {
  runId: string;
  records: number;
  firstAt: string;
  lastAt: string;
}

export type ProblemKind =
  | 'content-edited'
  | 'record-edited'
  | 'chain-broken'
  | 'missing'
  | 'blob-edited'
  | 'blob-missing'
  | 'head-mismatch';

export interface VerifyProblem {
  /** Position concerned (for `missing`: the first missing position). */
  seq: number;
  id?: string;
  problem: ProblemKind;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  /** Chain hash of the last record: quote it in a decision or ticket to anchor the store. */
  headHash: string;
  problems: VerifyProblem[];
}

export interface EvidenceStore {
  /** Where the store lives, for messages (never includes a password). */
  readonly location: string;
  /** Apply pending schema migrations; returns the schema version. Idempotent. */
  migrate(): Promise<number>;
  append(record: NewRecord): Promise<EvidenceRecord>;
  /** Append several records in one transaction (one fsync): all or nothing, in order. */
  appendMany(records: readonly NewRecord[]): Promise<EvidenceRecord[]>;
  list(query?: ListQuery): Promise<EvidenceRecord[]>;
  get(id: string): Promise<EvidenceRecord | undefined>;
  getBlob(hash: string): Promise<Buffer | undefined>;
  runs(): Promise<RunSummary[]>;
  /** Recompute every hash and link; names each edited, removed or reordered record. */
  verify(): Promise<VerifyReport>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Time source for `createdAt` (and migration records); injected so tests are repeatable. */
  clock?: () => Date;
}
