/**
 * Canonical JSON and the hash chain. Canonical JSON (object keys sorted by UTF-16 code unit,
 * no whitespace, JSON.stringify escaping) makes the content hash independent of key order, so
 * the same evidence always hashes the same, on any backend.
 */
import { createHash } from 'node:crypto';
import { isRecordKind, type BlobRef, type EvidenceRecord, type NewRecord } from './types.js';

export const GENESIS_HASH = '0'.repeat(64);

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function normalize(value: unknown, path: string, seen: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} is not valid JSON`);
    return value;
  }
  if (typeof value !== 'object') throw new TypeError(`${path}: a ${typeof value} is not JSON`);
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return normalize(withJson.toJSON(), path, seen);
  if (seen.has(value)) throw new TypeError(`${path}: circular reference`);
  seen.add(value);
  let out: unknown;
  if (Array.isArray(value)) {
    // JSON turns undefined array items into null; keep that, so parse(stringify) round-trips.
    out = value.map((v, i) => (v === undefined ? null : normalize(v, `${path}[${i}]`, seen)));
  } else {
    const obj: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function') continue;
      obj[key] = normalize(v, `${path}.${key}`, seen);
    }
    out = obj;
  }
  seen.delete(value);
  return out;
}

/** Canonical JSON text of a value. Throws TypeError for values JSON cannot carry. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) throw new TypeError('content: undefined is not JSON');
  return JSON.stringify(normalize(value, 'content', new Set()));
}

/** The fields the chain covers, in a fixed shape. */
export interface ChainFields {
  seq: number;
  id: string;
  runId: string;
  kind: string;
  createdAt: string;
  author: string;
  contentHash: string;
  blobs: BlobRef[];
}

export function chainHash(prevHash: string, f: ChainFields): string {
  const body = canonicalJson({
    seq: f.seq,
    id: f.id,
    runId: f.runId,
    kind: f.kind,
    createdAt: f.createdAt,
    author: f.author,
    contentHash: f.contentHash,
    blobs: f.blobs,
  });
  return sha256(`${prevHash}\n${body}`);
}

export interface PreparedBlob extends BlobRef {
  data: Buffer;
}

/** Validate and hash what a caller appends, before taking the store's lock. */
export function prepare(r: NewRecord): {
  content: string;
  contentHash: string;
  blobs: PreparedBlob[];
} {
  if (typeof r.runId !== 'string' || r.runId === '') throw new TypeError('runId is required');
  if (typeof r.author !== 'string' || r.author === '') throw new TypeError('author is required');
  const content = canonicalJson(r.content);
  const blobs = Object.keys(r.blobs ?? {})
    .sort()
    .map((name) => {
      const raw = r.blobs![name]!;
      const data = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw);
      return { name, hash: sha256(data), size: data.length, data };
    });
  return { content, contentHash: sha256(content), blobs };
}

export function blobRefs(blobs: readonly PreparedBlob[]): BlobRef[] {
  return blobs.map(({ name, hash, size }) => ({ name, hash, size }));
}

/** Build the row that follows `prev` in the chain (both backends call this under their lock). */
export function nextRow(
  prev: { seq: number; chainHash: string },
  r: NewRecord,
  p: ReturnType<typeof prepare>,
  createdAt: string,
): RawRow {
  const seq = prev.seq + 1;
  const id = `ev-${seq}`;
  const blobs = blobRefs(p.blobs);
  const chain = chainHash(prev.chainHash, {
    seq,
    id,
    runId: r.runId,
    kind: r.kind,
    createdAt,
    author: r.author,
    contentHash: p.contentHash,
    blobs,
  });
  return {
    seq,
    id,
    run_id: r.runId,
    kind: r.kind,
    created_at: createdAt,
    author: r.author,
    content: p.content,
    blobs: JSON.stringify(blobs),
    content_hash: p.contentHash,
    prev_hash: prev.chainHash,
    chain_hash: chain,
  };
}

/** A stored row, as both backends read it (column names in snake case). */
export interface RawRow {
  seq: number | string;
  id: string;
  run_id: string;
  kind: string;
  created_at: string;
  author: string;
  content: string;
  blobs: string;
  content_hash: string;
  prev_hash: string;
  chain_hash: string;
}

/**
 * Parse a stored row's JSON columns. golive only ever writes canonical JSON, but the database
 * can be written by anyone with SQL access: a row that does not parse is reported as `why`,
 * never thrown, so one bad row cannot take down every reader of the store.
 */
export function readRow(row: RawRow): { content: unknown; blobs: BlobRef[]; why?: string } {
  const why: string[] = [];
  let content: unknown = null;
  try {
    content = JSON.parse(row.content) as unknown;
  } catch {
    why.push('content is not JSON');
  }
  let blobs: BlobRef[] = [];
  try {
    const parsed = JSON.parse(row.blobs) as unknown;
    if (Array.isArray(parsed)) blobs = parsed as BlobRef[];
    else why.push('the blob list is not a JSON array');
  } catch {
    why.push('the blob list is not JSON');
  }
  if (!isRecordKind(row.kind)) why.push(`kind "${row.kind.slice(0, 40)}" is not a record kind`);
  return why.length ? { content, blobs, why: why.join('; ') } : { content, blobs };
}

export function toRecord(row: RawRow): EvidenceRecord {
  const { content, blobs, why } = readRow(row);
  const rec: EvidenceRecord = {
    seq: Number(row.seq),
    id: row.id,
    runId: row.run_id,
    kind: row.kind as EvidenceRecord['kind'],
    createdAt: row.created_at,
    author: row.author,
    content,
    blobs,
    contentHash: row.content_hash,
    prevHash: row.prev_hash,
    chainHash: row.chain_hash,
  };
  if (why) rec.malformed = why;
  return rec;
}

/**
 * Version 1 of the store's tables in both SQL dialects (they differ only in type names): the
 * records, the content-addressed blobs and the one-row chain head. Append-only triggers are
 * dialect-specific and stay with each store.
 */
export function coreTablesSql(t: { integer: string; bytes: string }): string {
  return `
      CREATE TABLE records (
        seq ${t.integer} PRIMARY KEY, id TEXT NOT NULL UNIQUE, run_id TEXT NOT NULL,
        kind TEXT NOT NULL, created_at TEXT NOT NULL, author TEXT NOT NULL,
        content TEXT NOT NULL, blobs TEXT NOT NULL, content_hash TEXT NOT NULL,
        prev_hash TEXT NOT NULL, chain_hash TEXT NOT NULL);
      CREATE INDEX records_run ON records(run_id, seq);
      CREATE TABLE blobs (hash TEXT PRIMARY KEY, size ${t.integer} NOT NULL, data ${t.bytes} NOT NULL);
      CREATE TABLE chain_head (one ${t.integer} PRIMARY KEY CHECK (one = 1),
        seq ${t.integer} NOT NULL, id TEXT NOT NULL, chain_hash TEXT NOT NULL);
      INSERT INTO chain_head VALUES (1, 0, '', '${GENESIS_HASH}');`;
}
