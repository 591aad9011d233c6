/**
 * FHIR search over the store (R4 search.html): token, reference, date and string parameters,
 * comma = OR, repeated parameter = AND. Handling of an unknown parameter (search.html#errors):
 * strict answers 400, lenient ignores it and reports it as ignored so the caller leaves it out
 * of Bundle.link[self]. An unsupported modifier is always refused (search.html#modifiers: a
 * server SHALL reject a parameter with a modifier it does not support). The parameters and
 * types served depend on the site profile (docs/site.md, Profiles).
 */
import {
  dateRange,
  type Coding,
  type Identifier,
  type Reference,
  type Resource,
} from '../fhir/index.js';
import type { SiteProfile } from './profile.js';
import type { Store } from './store.js';

type Kind = 'token' | 'reference' | 'date' | 'string';
interface ParamDef {
  kind: Kind;
  get: (r: Resource) => unknown[];
  /** For `patient`: the reference must point to a Patient. */
  targetType?: string;
  /** The values are Identifiers: the token modifier `:of-type` applies. */
  identifier?: boolean;
}

const arr = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const at =
  (...path: string[]) =>
  (r: Resource): unknown[] => {
    let cur: unknown[] = [r];
    for (const p of path) cur = cur.flatMap((c) => arr((c as Record<string, unknown>)?.[p]));
    return cur;
  };

const subject = at('subject');
const common: Record<string, ParamDef> = {
  _id: { kind: 'token', get: (r) => [r.id] },
  _lastUpdated: { kind: 'date', get: at('meta', 'lastUpdated') },
  identifier: {
    kind: 'token',
    get: (r) => [...arr(r.identifier), ...arr(r.accessionIdentifier)],
    identifier: true,
  },
};
const clinical: Record<string, ParamDef> = {
  patient: { kind: 'reference', get: subject, targetType: 'Patient' },
  subject: { kind: 'reference', get: subject },
  status: { kind: 'token', get: at('status') },
};

export const SEARCH_PARAMS: Record<string, Record<string, ParamDef>> = {
  Patient: {
    family: { kind: 'string', get: at('name', 'family') },
    given: { kind: 'string', get: at('name', 'given') },
    name: { kind: 'string', get: (r) => [...at('name', 'family')(r), ...at('name', 'given')(r)] },
    birthdate: { kind: 'date', get: at('birthDate') },
    gender: { kind: 'token', get: at('gender') },
    active: { kind: 'token', get: (r) => [String(r.active ?? true)] },
    link: { kind: 'reference', get: at('link', 'other') },
  },
  ServiceRequest: {
    ...clinical,
    code: { kind: 'token', get: at('code') },
    priority: { kind: 'token', get: at('priority') },
    authored: { kind: 'date', get: at('authoredOn') },
    specimen: { kind: 'reference', get: at('specimen') },
  },
  Specimen: {
    ...clinical,
    accession: { kind: 'token', get: at('accessionIdentifier'), identifier: true },
    collected: { kind: 'date', get: at('collection', 'collectedDateTime') },
  },
  Observation: {
    ...clinical,
    code: { kind: 'token', get: at('code') },
    category: { kind: 'token', get: at('category') },
    date: { kind: 'date', get: at('effectiveDateTime') },
    'based-on': { kind: 'reference', get: at('basedOn') },
    specimen: { kind: 'reference', get: at('specimen') },
    device: { kind: 'reference', get: at('device') },
    focus: { kind: 'reference', get: at('focus') },
  },
  DiagnosticReport: {
    ...clinical,
    code: { kind: 'token', get: at('code') },
    date: { kind: 'date', get: at('effectiveDateTime') },
    'based-on': { kind: 'reference', get: at('basedOn') },
    result: { kind: 'reference', get: at('result') },
    specimen: { kind: 'reference', get: at('specimen') },
  },
  Communication: {
    ...clinical,
    category: { kind: 'token', get: at('category') },
    'based-on': { kind: 'reference', get: at('basedOn') },
    sent: { kind: 'date', get: at('sent') },
    received: { kind: 'date', get: at('received') },
  },
  Device: {
    status: { kind: 'token', get: at('status') },
    type: { kind: 'token', get: at('type') },
  },
  Procedure: {
    ...clinical,
    code: { kind: 'token', get: at('code') },
    date: {
      kind: 'date',
      get: (r) => [...at('performedDateTime')(r), ...at('performedPeriod')(r)],
    },
  },
  List: {
    ...clinical,
    code: { kind: 'token', get: at('code') },
    source: { kind: 'reference', get: at('source') },
    item: { kind: 'reference', get: at('entry', 'item') },
  },
  AuditEvent: {
    date: { kind: 'date', get: at('recorded') },
    action: { kind: 'token', get: at('action') },
    outcome: { kind: 'token', get: at('outcome') },
    subtype: { kind: 'token', get: at('subtype') },
    type: { kind: 'token', get: at('type') },
    entity: { kind: 'reference', get: at('entity', 'what') },
    'entity-identifier': {
      kind: 'token',
      get: at('entity', 'what', 'identifier'),
      identifier: true,
    },
    altid: { kind: 'token', get: at('agent', 'altId') },
    'agent-name': { kind: 'string', get: at('agent', 'who', 'display') },
    address: { kind: 'string', get: at('agent', 'network', 'address') },
    site: { kind: 'token', get: at('source', 'site') },
  },
};

export const RESOURCE_TYPES = Object.keys(SEARCH_PARAMS);

/** The resource types a profile serves (`minimal` files no DiagnosticReport). */
export function resourceTypesFor(rules: SiteProfile): string[] {
  return RESOURCE_TYPES.filter((t) => rules.diagnosticReport || t !== 'DiagnosticReport');
}

/** Every search parameter of a type in a profile, the common ones included. */
export function paramsFor(rules: SiteProfile, type: string): Record<string, ParamDef> {
  const all: Record<string, ParamDef> = { ...common, ...SEARCH_PARAMS[type] };
  for (const name of rules.unsupportedParams[type] ?? []) delete all[name];
  return all;
}

/** Parameters that shape the result, not the match. */
const RESULT_PARAMS = new Set(['_count', '_offset', '_sort', '_total', '_format']);

export class SearchError extends Error {}

function tokens(v: unknown): { system?: string; code: string }[] {
  if (typeof v === 'string' || typeof v === 'boolean') return [{ code: String(v) }];
  if (!v || typeof v !== 'object') return [];
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.coding)) return (o.coding as Coding[]).flatMap((c) => tokens(c));
  if ('value' in o && typeof (o as Identifier).value === 'string')
    return [{ system: (o as Identifier).system, code: (o as Identifier).value! }];
  if (typeof o.code === 'string') return [{ system: o.system as string | undefined, code: o.code }];
  return [];
}

function matchToken(values: unknown[], q: string): boolean {
  const bar = q.indexOf('|');
  const sys = bar === -1 ? undefined : q.slice(0, bar);
  const code = bar === -1 ? q : q.slice(bar + 1);
  return values.flatMap(tokens).some((t) => {
    if (sys !== undefined && sys !== '' && t.system !== sys) return false;
    if (sys === '' && t.system) return false;
    return code === '' ? sys !== undefined : t.code === code;
  });
}

/**
 * `identifier:of-type=[system]|[code]|[value]` (R4 search.html#token, modifier of-type): an
 * Identifier whose type has a coding system|code and whose value is value. All three parts
 * are required.
 */
function matchOfType(values: unknown[], q: string): boolean {
  const first = q.indexOf('|');
  const second = first === -1 ? -1 : q.indexOf('|', first + 1);
  if (second === -1) throw new SearchError(`":of-type" wants system|code|value, got "${q}"`);
  const [sys, code, value] = [q.slice(0, first), q.slice(first + 1, second), q.slice(second + 1)];
  if (!sys || !code || !value)
    throw new SearchError(`":of-type" wants system|code|value with all three parts, got "${q}"`);
  return values.some((v) => {
    const i = v as Identifier;
    return i?.value === value && !!i.type?.coding?.some((c) => c.system === sys && c.code === code);
  });
}

function refTail(s: string): string {
  const parts = s.split('/').filter(Boolean);
  return parts.slice(-2).join('/');
}

function matchRef(values: unknown[], q: string, targetType?: string): boolean {
  const want = q.includes('/') ? refTail(q) : undefined;
  return values.some((v) => {
    const ref = (v as Reference)?.reference;
    if (!ref) return false;
    const [type, id] = refTail(ref).split('/');
    if (targetType && type !== targetType) return false;
    return want ? `${type}/${id}` === want : id === q;
  });
}

const PREFIXES = ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb'];

function matchDate(values: unknown[], q: string): boolean {
  const prefix = PREFIXES.includes(q.slice(0, 2)) ? q.slice(0, 2) : 'eq';
  // A '+' in a query string arrives as a space when the client did not encode it.
  const text = (PREFIXES.includes(q.slice(0, 2)) ? q.slice(2) : q).replace(' ', '+');
  const p = dateRange(text);
  if (!p) throw new SearchError(`"${q}" is not a valid date`);
  return values.some((v) => {
    const r =
      typeof v === 'string'
        ? dateRange(v)
        : v && typeof v === 'object'
          ? periodRange(v as { start?: string; end?: string })
          : undefined;
    if (!r) return false;
    switch (prefix) {
      case 'ne':
        return !(r.start >= p.start && r.end <= p.end);
      case 'lt':
        return r.start < p.start;
      case 'gt':
        return r.end > p.end;
      case 'le':
        return r.start < p.end;
      case 'ge':
        return r.end > p.start;
      case 'sa':
        return r.start >= p.end;
      case 'eb':
        return r.end <= p.start;
      default:
        return r.start >= p.start && r.end <= p.end;
    }
  });
}

function periodRange(p: { start?: string; end?: string }) {
  const s = p.start ? dateRange(p.start) : undefined;
  const e = p.end ? dateRange(p.end) : undefined;
  if (!s && !e) return undefined;
  return { start: s?.start ?? -8.64e15, end: e?.end ?? 8.64e15 };
}

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

function matchString(values: unknown[], q: string, modifier?: string): boolean {
  return values.some((v) => {
    if (typeof v !== 'string') return false;
    if (modifier === 'exact') return v === q;
    if (modifier === 'contains') return fold(v).includes(fold(q));
    return fold(v).startsWith(fold(q));
  });
}

export type Query = Record<string, string | string[] | undefined>;

export interface SearchOptions {
  rules: SiteProfile;
  handling: 'strict' | 'lenient';
}

export interface SearchResult {
  /** The matching resources, sorted by meta.lastUpdated then id. */
  resources: Resource[];
  /** Query keys (name or name:modifier) not applied (lenient handling only). */
  ignored: string[];
}

function supportsModifier(def: ParamDef, modifier: string): boolean {
  if (def.kind === 'string') return modifier === 'exact' || modifier === 'contains';
  return def.identifier === true && modifier === 'of-type';
}

/** Search one type. Throws SearchError on a bad query (or an unknown parameter when strict). */
export function search(store: Store, type: string, query: Query, o: SearchOptions): SearchResult {
  const defs = paramsFor(o.rules, type);
  const tests: ((r: Resource) => boolean)[] = [];
  const ignored: string[] = [];
  let candidates: Resource[] | undefined;
  for (const [rawKey, rawVal] of Object.entries(query)) {
    if (RESULT_PARAMS.has(rawKey)) continue;
    const [name, modifier] = rawKey.split(':') as [string, string | undefined];
    const def = defs[name];
    if (!def) {
      if (o.handling === 'lenient') {
        ignored.push(rawKey);
        continue;
      }
      throw new SearchError(`unknown search parameter "${name}" for ${type}`);
    }
    if (modifier && !supportsModifier(def, modifier))
      throw new SearchError(`modifier ":${modifier}" is not supported on "${name}"`);
    for (const v of arr(rawVal) as string[]) {
      if (v === '') throw new SearchError(`search parameter "${name}" has an empty value`);
      const alts = v.split(',');
      const one = (r: Resource, a: string) => {
        const values = def.get(r);
        if (modifier === 'of-type') return matchOfType(values, a);
        if (def.kind === 'token') return matchToken(values, a);
        if (def.kind === 'reference') return matchRef(values, a, def.targetType);
        if (def.kind === 'date') return matchDate(values, a);
        return matchString(values, a, modifier);
      };
      // Narrow with an index when a single value allows it; the index answers that test exactly.
      const a = alts[0]!;
      if (
        !candidates &&
        !modifier &&
        alts.length === 1 &&
        name === 'identifier' &&
        !a.startsWith('|') &&
        !a.endsWith('|')
      ) {
        const key = a.includes('|') ? a : `*|${a}`;
        candidates = [...(store.idsByIdentifierKey(type, key) ?? [])].map((id) =>
          store.get(type, id)!,
        );
        continue;
      }
      if (
        !candidates &&
        alts.length === 1 &&
        (name === 'patient' || (name === 'subject' && a.includes('/')))
      ) {
        const target = a.includes('/') ? refTail(a) : `Patient/${a}`;
        candidates =
          name === 'patient' && !target.startsWith('Patient/') ? [] : store.bySubject(type, target);
        continue;
      }
      tests.push((r) => alts.some((x) => one(r, x)));
    }
  }
  const pool = candidates ?? store.all(type);
  // Validate value syntax (dates, of-type) even when nothing is there to compare against.
  if (pool.length === 0) for (const t of tests) t({ resourceType: type });
  const out = pool.filter((r) => tests.every((t) => t(r)));
  const desc = query._sort === '-_lastUpdated';
  if (query._sort !== undefined && query._sort !== '_lastUpdated' && !desc)
    throw new SearchError(
      `_sort "${String(query._sort)}" is not supported (use _lastUpdated or -_lastUpdated)`,
    );
  out.sort((a, b) => {
    const c =
      a.meta!.lastUpdated! < b.meta!.lastUpdated!
        ? -1
        : a.meta!.lastUpdated! > b.meta!.lastUpdated!
          ? 1
          : a.id! < b.id!
            ? -1
            : 1;
    return desc ? -c : c;
  });
  return { resources: out, ignored };
}
