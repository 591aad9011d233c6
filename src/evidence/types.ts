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
  /**
   * Set when the stored row cannot be read as golive wrote it (content or blob list not JSON,
   * an unknown kind): someone wrote into the database directly. `content` is then null, so one
   * bad row never stops the rest of the store from being read; verify() names it.
   */
  malformed?: string;
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
  /**
   * False when the run has no decision record. Since runs are appended in one transaction with
   * their decision (appendRun), only an older store or a run interrupted before that can be
   * incomplete: its evidence may be partial.
   */
  complete: boolean;
}

/** What a run item that depends on earlier records is given, under the store's lock. */
export interface RunSoFar {
  /** Every record of the run in append order: those already stored, then this batch's so far. */
  records: readonly EvidenceRecord[];
  /** The records this batch appended so far. */
  appended: readonly EvidenceRecord[];
  /** Chain hash of the store's last record: the one the next record links to. */
  headHash: string;
}

/**
 * One record of a run batch: a record, or a function building it from what was appended before
 * it (a check naming its exchanges' ids; the decision evaluated over the whole run). Functions
 * run synchronously inside the transaction, so they must be pure and quick.
 */
export type RunItem = NewRecord | ((run: RunSoFar) => NewRecord);

export type ProblemKind =
  | 'content-edited'
  | 'record-edited'
  | 'chain-broken'
  | 'missing'
  | 'blob-edited'
  | 'blob-missing'
  | 'head-mismatch'
  | 'malformed'
  | 'schema-altered';

export interface VerifyProblem {
  /**
   * Position concerned (for `missing`: the first missing position; 0 for `schema-altered`,
   * which concerns the store's tables and triggers, not one record).
   */
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
  /**
   * Append the records of one run in one transaction, in order, keeping the chain: all of them
   * or, if anything fails (a bad record, a function that throws, the process killed), none.
   * Every item must carry `runId`. Returns the records appended.
   */
  appendRun(runId: string, items: readonly RunItem[]): Promise<EvidenceRecord[]>;
  list(query?: ListQuery): Promise<EvidenceRecord[]>;
  get(id: string): Promise<EvidenceRecord | undefined>;
  getBlob(hash: string): Promise<Buffer | undefined>;
  runs(): Promise<RunSummary[]>;
  /**
   * Recompute every hash and link; names each edited, removed, reordered or unreadable record,
   * and reports append-only triggers or tables that were dropped or altered.
   */
  verify(): Promise<VerifyReport>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Time source for `createdAt` (and migration records); injected so tests are repeatable. */
  clock?: () => Date;
}
