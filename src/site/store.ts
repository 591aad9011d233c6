/**
 * The site's state: FHIR resources in memory, indexed by identifier and subject, changed in
 * transactions. A message is filed all or nothing: `begin`, puts, then `commit` (which returns
 * the change set to persist) or `rollback` (which restores what was there). Stored objects are
 * never mutated in place: callers `clone` before editing, so the undo log stays true.
 */
import type { Identifier, Reference, Resource } from '../fhir/index.js';
import type { ChangeSet } from './db.js';

type Index = Map<string, Map<string, Set<string>>>;

function addTo(index: Index, type: string, key: string, id: string): void {
  let byKey = index.get(type);
  if (!byKey) index.set(type, (byKey = new Map()));
  let ids = byKey.get(key);
  if (!ids) byKey.set(key, (ids = new Set()));
  ids.add(id);
}

function removeFrom(index: Index, type: string, key: string, id: string): void {
  index.get(type)?.get(key)?.delete(id);
}

function identifierKeys(r: Resource): string[] {
  const ids = [...((r.identifier as Identifier[] | undefined) ?? [])];
  const acc = r.accessionIdentifier as Identifier | undefined;
  if (acc) ids.push(acc);
  const keys: string[] = [];
  for (const i of ids) {
    if (i.value === undefined) continue;
    keys.push(`${i.system ?? ''}|${i.value}`, `*|${i.value}`);
  }
  return keys;
}

function subjectKey(r: Resource): string | undefined {
  return (r.subject as Reference | undefined)?.reference;
}

function basedOnKeys(r: Resource): string[] {
  return ((r.basedOn as Reference[] | undefined) ?? []).flatMap((b) =>
    b.reference ? [b.reference] : [],
  );
}

export class Store {
  private readonly data = new Map<string, Map<string, Resource>>();
  private readonly ids: Index = new Map();
  private readonly subjects: Index = new Map();
  private readonly basedOn: Index = new Map();
  /** Duplicate detection: sender + MSH-10 -> the ACK text sent. */
  readonly dedup = new Map<string, string>();
  /** Small persistent counters and markers. */
  readonly meta = new Map<string, string>();
  private undo: { type: string; id: string; prev: Resource | undefined }[] | undefined;
  private changed = new Map<string, Resource>();
  private metaChanged: Record<string, string> = {};

  constructor(
    private readonly clock: () => number,
    private readonly newId: () => string,
  ) {}

  /** Load a persisted resource (no versioning, no change tracking). */
  load(r: Resource): void {
    this.index(r);
  }

  get<T extends Resource = Resource>(type: string, id: string): T | undefined {
    return this.data.get(type)?.get(id) as T | undefined;
  }

  /** Resolve `Type/id`. */
  resolve<T extends Resource = Resource>(reference: string | undefined): T | undefined {
    if (!reference) return undefined;
    const [type, id] = reference.split('/');
    return type && id ? this.get<T>(type, id) : undefined;
  }

  all<T extends Resource = Resource>(type: string): T[] {
    return [...(this.data.get(type)?.values() ?? [])] as T[];
  }

  count(type: string): number {
    return this.data.get(type)?.size ?? 0;
  }

  types(): string[] {
    return [...this.data.keys()];
  }

  /** Resources of `type` carrying identifier system|value (system undefined: any system). */
  byIdentifier<T extends Resource = Resource>(
    type: string,
    system: string | undefined,
    value: string,
  ): T[] {
    const key = system === undefined ? `*|${value}` : `${system}|${value}`;
    const ids = this.ids.get(type)?.get(key);
    return ids ? ([...ids].map((id) => this.get(type, id)).filter(Boolean) as T[]) : [];
  }

  /** Candidate ids by identifier key for search (undefined: the index cannot narrow). */
  idsByIdentifierKey(type: string, key: string): Set<string> | undefined {
    return this.ids.get(type)?.get(key);
  }

  bySubject<T extends Resource = Resource>(type: string, reference: string): T[] {
    const ids = this.subjects.get(type)?.get(reference);
    return ids ? ([...ids].map((id) => this.get(type, id)).filter(Boolean) as T[]) : [];
  }

  /** Resources of `type` whose basedOn includes `reference` (results of an order). */
  byBasedOn<T extends Resource = Resource>(type: string, reference: string): T[] {
    const ids = this.basedOn.get(type)?.get(reference);
    return ids ? ([...ids].map((id) => this.get(type, id)).filter(Boolean) as T[]) : [];
  }

  clone<T extends Resource>(r: T): T {
    return structuredClone(r);
  }

  begin(): void {
    if (this.undo) throw new Error('store: nested transaction');
    this.undo = [];
    this.changed = new Map();
    this.metaChanged = {};
  }

  get inTransaction(): boolean {
    return this.undo !== undefined;
  }

  /** Insert or replace; assigns id, meta.versionId and meta.lastUpdated. Returns the stored resource. */
  put<T extends Resource>(r: T): T {
    if (!this.undo) throw new Error('store: put outside a transaction');
    r.id ??= this.newId();
    const prev = this.get(r.resourceType, r.id);
    const version = prev ? Number(prev.meta?.versionId ?? '1') + 1 : 1;
    r.meta = {
      ...r.meta,
      versionId: String(version),
      lastUpdated: new Date(this.clock()).toISOString(),
    };
    this.undo.push({ type: r.resourceType, id: r.id, prev });
    if (prev) this.unindex(prev);
    this.index(r);
    this.changed.set(`${r.resourceType}/${r.id}`, r);
    return r;
  }

  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
    this.metaChanged[key] = value;
  }

  /** Next value of a persistent counter. */
  nextSeq(name: string): number {
    const n = Number(this.meta.get(name) ?? '0') + 1;
    this.setMeta(name, String(n));
    return n;
  }

  commit(extra: Omit<ChangeSet, 'resources' | 'meta'> = {}): ChangeSet {
    if (!this.undo) throw new Error('store: commit outside a transaction');
    this.undo = undefined;
    if (extra.dedup) this.dedup.set(extra.dedup.key, extra.dedup.ack);
    const resources = [...this.changed.values()].map((r) => ({
      type: r.resourceType,
      id: r.id!,
      json: JSON.stringify(r),
    }));
    this.changed = new Map();
    return { ...extra, resources, meta: this.metaChanged };
  }

  /** A savepoint inside the current transaction. */
  mark(): number {
    if (!this.undo) throw new Error('store: mark outside a transaction');
    return this.undo.length;
  }

  /** Undo every put made after `mark` (the transaction stays open). */
  rollbackTo(mark: number): void {
    const undo = this.undo ?? [];
    for (const u of undo.splice(mark).reverse()) {
      const cur = this.get(u.type, u.id);
      if (cur) this.unindex(cur);
      const key = `${u.type}/${u.id}`;
      if (u.prev) {
        this.index(u.prev);
        this.changed.set(key, u.prev);
      } else this.changed.delete(key);
    }
  }

  rollback(): void {
    this.rollbackTo(0);
    this.undo = undefined;
    this.changed = new Map();
    // Counters may have moved forward: harmless (they are unique, never dense).
  }

  private index(r: Resource): void {
    let byId = this.data.get(r.resourceType);
    if (!byId) this.data.set(r.resourceType, (byId = new Map()));
    byId.set(r.id!, r);
    for (const k of identifierKeys(r)) addTo(this.ids, r.resourceType, k, r.id!);
    const s = subjectKey(r);
    if (s) addTo(this.subjects, r.resourceType, s, r.id!);
    for (const b of basedOnKeys(r)) addTo(this.basedOn, r.resourceType, b, r.id!);
  }

  private unindex(r: Resource): void {
    this.data.get(r.resourceType)?.delete(r.id!);
    for (const k of identifierKeys(r)) removeFrom(this.ids, r.resourceType, k, r.id!);
    const s = subjectKey(r);
    if (s) removeFrom(this.subjects, r.resourceType, s, r.id!);
    for (const b of basedOnKeys(r)) removeFrom(this.basedOn, r.resourceType, b, r.id!);
  }
}
