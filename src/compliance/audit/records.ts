/**
 * Audit records, normalised from a FHIR R4 AuditEvent (hl7.org/fhir/R4/auditevent.html, the
 * FHIR form of the IHE ATNA / RFC 3881 audit message) or from a CSV export row. Only what the
 * matcher and the completeness rules need is kept: who, what, when, where, outcome, action.
 */
import type { Location } from '../../core/index.js';
import { parseWhen } from '../../inputs/index.js';
import {
  FHIR_TYPE,
  identKeys,
  normalizeReference,
  refKey,
  searchFromText,
  searchKeys,
  typeKey,
} from './keys.js';

/** One AuditEvent.entity, reduced to what matching and the IHE BALP patterns look at. */
export interface AuditEntity {
  /** entity.what.reference, normalised (`Observation/abc`, `_history` dropped). */
  ref?: string;
  /** entity.what.identifier.value. */
  ident?: string;
  /** entity.type: audit-entity-type (1 Person, 2 System Object...) or a FHIR resource type. */
  type?: string;
  /** entity.role: object-role (1 Patient, 4 Domain Resource, 24 Query...). */
  role?: string;
  /** The query text: entity.query decoded (base64Binary), else entity.description. */
  query?: string;
  /** Which element held it: BALP puts the raw request in `query`, a cleaned one in `description`. */
  queryFrom?: 'query' | 'description';
}

/** One AuditEvent.agent. */
export interface AuditAgent {
  /** What the agent is called: who.reference (and its id), who.identifier.value, who.display, altId, name. */
  names: string[];
  requestor: boolean;
  /** agent.type codes (DICOM 110153 Source Role ID, 110152 Destination Role ID; v3 IRCP, AUT...). */
  types: string[];
  /** agent.network.address. */
  network?: string;
}

export interface AuditRecord {
  at: Location;
  /** A FHIR AuditEvent (judged against IHE BALP too) or a row of a CSV export. */
  form: 'AuditEvent' | 'csv';
  id?: string;
  recorded?: string;
  time?: number;
  hasZone: boolean;
  /** AuditEvent.action: C R U D E (audit-event-action). */
  action?: string;
  /** AuditEvent.type code (1..1 in R4). */
  type?: string;
  /** AuditEvent.type system (BALP: http://terminology.hl7.org/CodeSystem/audit-event-type). */
  typeSystem?: string;
  /** AuditEvent.subtype codes, lower case (restful-interaction codes, message types...). */
  subtypes: string[];
  /** Identities of the requesting agent(s). */
  users: string[];
  /** True when some agent is flagged requestor (R4 agent.requestor). */
  requestorFlagged: boolean;
  agents: AuditAgent[];
  entities: AuditEntity[];
  /** Match keys from entity.what (references, identifiers) and queries. */
  keys: Set<string>;
  /** Patients the record names (`Patient/1`), in a patient entity or any entity.what. */
  patients: string[];
  /** AuditEvent.source.observer (or site): where the event was recorded. */
  source?: string;
  /** agent.network.address of every agent: where, as BALP records it. */
  networks: string[];
  /** 0 success, 4 minor failure, 8 serious failure, 12 major failure (audit-event-outcome). */
  outcome?: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
const objs = (v: unknown): Json[] =>
  arr(v)
    .map(obj)
    .filter((o): o is Json => o !== undefined);

function referenceNames(ref: Json | undefined): string[] {
  if (!ref) return [];
  const out: string[] = [];
  const r = str(ref.reference);
  if (r) out.push(r, r.split('/').pop()!);
  const ident = str(obj(ref.identifier)?.value);
  if (ident) out.push(ident);
  const display = str(ref.display);
  if (display) out.push(display);
  return out;
}

/**
 * entity.query is base64Binary (R4). A server that wrote the query as plain text (not valid
 * base64) still said what was asked: that text is used when decoding gives no readable text.
 */
function decodeQuery(value: string): string {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const readable = !decoded.includes('\uFFFD') && /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/.test(decoded);
  return readable || !/[?=]/.test(value) ? decoded : value;
}

/**
 * What a logged query names: the query itself, the type searched and the patient it is scoped
 * to, read the same way as golive's own searches (keys.ts), so the two compare after the same
 * normalisation.
 */
function queryKeys(text: string): string[] {
  const spec = searchFromText(text);
  if (!spec) return [];
  const { query, context } = searchKeys(spec);
  return query ? [query, ...context] : context;
}

function entityOf(e: Json): AuditEntity {
  const what = obj(e.what);
  const raw = str(what?.reference);
  const ref = raw ? normalizeReference(raw) : undefined;
  const q = str(e.query);
  const description = str(e.description);
  return {
    ...(ref ? { ref } : {}),
    ...(str(obj(what?.identifier)?.value) ? { ident: str(obj(what?.identifier)?.value) } : {}),
    ...(str(obj(e.type)?.code) ? { type: str(obj(e.type)?.code) } : {}),
    ...(str(obj(e.role)?.code) ? { role: str(obj(e.role)?.code) } : {}),
    ...(q
      ? { query: decodeQuery(q), queryFrom: 'query' as const }
      : description && searchFromText(description)?.type
        ? { query: description, queryFrom: 'description' as const }
        : {}),
  };
}

function entityKeys(e: AuditEntity): string[] {
  const keys: string[] = [];
  if (e.ref) keys.push(refKey(e.ref), typeKey(e.ref.split('/')[0]!));
  if (e.ident) keys.push(...identKeys(e.ident));
  // entity.type from the resource-types code system names the FHIR type of the entity.
  if (e.type && FHIR_TYPE.test(e.type)) keys.push(typeKey(e.type));
  if (e.query) keys.push(...queryKeys(e.query));
  return keys;
}

function agentOf(a: Json): AuditAgent {
  const network = str(obj(a.network)?.address);
  return {
    names: [
      ...referenceNames(obj(a.who)),
      ...[str(a.altId), str(a.name)].filter((s): s is string => s !== undefined),
    ],
    requestor: a.requestor === true,
    types: objs(obj(a.type)?.coding)
      .map((c) => str(c.code))
      .filter((c): c is string => c !== undefined),
    ...(network ? { network } : {}),
  };
}

/** Normalise one AuditEvent (already known to be an object with resourceType AuditEvent). */
export function recordFromAuditEvent(ev: Json, at: Location): AuditRecord {
  const recorded = str(ev.recorded);
  const when = recorded ? parseWhen(recorded) : undefined;
  const agents = objs(ev.agent).map(agentOf);
  // R4 agent.requestor: the initiator. BALP flags the user agent; with none flagged (an app
  // acting on its own), every agent may be the "who".
  const requestors = agents.filter((a) => a.requestor);
  const users = (requestors.length > 0 ? requestors : agents).flatMap((a) => a.names);
  const src = obj(ev.source);
  const observer = referenceNames(obj(src?.observer))[0] ?? str(src?.site);
  const entities = objs(ev.entity).map(entityOf);
  const type = obj(ev.type);
  return {
    at,
    form: 'AuditEvent',
    id: str(ev.id),
    recorded,
    time: when?.ms,
    hasZone: when?.hasZone ?? false,
    action: str(ev.action)?.toUpperCase(),
    type: str(type?.code),
    typeSystem: str(type?.system),
    subtypes: objs(ev.subtype)
      .map((s) => str(s.code)?.toLowerCase())
      .filter((s): s is string => s !== undefined),
    users: [...new Set(users)],
    requestorFlagged: requestors.length > 0,
    agents,
    entities,
    keys: new Set(entities.flatMap(entityKeys)),
    patients: [...new Set(entities.flatMap((e) => (e.ref?.startsWith('Patient/') ? [e.ref] : [])))],
    source: observer,
    networks: agents.flatMap((a) => (a.network ? [a.network] : [])),
    outcome: str(ev.outcome),
  };
}

/** Columns of the CSV audit export (docs/compliance.md#audit-trail). */
export interface AuditCsvRow {
  time?: string;
  user?: string;
  action?: string;
  object_type?: string;
  object_id?: string;
  patient?: string;
  source?: string;
  outcome?: string;
  message_control_id?: string;
  subtype?: string;
  type?: string;
  id?: string;
}

const ACTION_WORDS: Record<string, string> = {
  create: 'C',
  read: 'R',
  view: 'R',
  update: 'U',
  delete: 'D',
  execute: 'E',
};
const OUTCOME_WORDS: Record<string, string> = {
  success: '0',
  ok: '0',
  minor: '4',
  failure: '8',
  failed: '8',
  error: '8',
  major: '12',
};

export function recordFromCsv(r: AuditCsvRow, at: Location): AuditRecord {
  const when = r.time ? parseWhen(r.time) : undefined;
  const keys: string[] = [];
  if (r.object_type) keys.push(typeKey(r.object_type));
  if (r.object_id) {
    if (r.object_type && /^[A-Z][A-Za-z]+$/.test(r.object_type))
      keys.push(refKey(`${r.object_type}/${r.object_id}`));
    keys.push(...identKeys(r.object_id));
  }
  if (r.patient)
    keys.push(
      refKey(r.patient.includes('/') ? r.patient : `Patient/${r.patient}`),
      ...identKeys(r.patient),
    );
  if (r.message_control_id) keys.push(...identKeys(r.message_control_id));
  const action = r.action?.trim();
  const outcome = r.outcome?.trim().toLowerCase();
  const patient = r.patient
    ? r.patient.includes('/')
      ? normalizeReference(r.patient)
      : `Patient/${r.patient}`
    : undefined;
  return {
    at,
    form: 'csv',
    id: r.id,
    recorded: r.time,
    time: when?.ms,
    hasZone: when?.hasZone ?? false,
    action: action ? (ACTION_WORDS[action.toLowerCase()] ?? action.toUpperCase()) : undefined,
    // A CSV export has no separate event type column; the action word stands in for it.
    type: r.type ?? action,
    subtypes: r.subtype ? [r.subtype.toLowerCase()] : [],
    users: r.user ? [r.user] : [],
    requestorFlagged: r.user !== undefined,
    agents: r.user ? [{ names: [r.user], requestor: true, types: [] }] : [],
    entities: [],
    keys: new Set(keys),
    patients: patient?.startsWith('Patient/') ? [patient] : [],
    source: r.source,
    networks: [],
    outcome: outcome ? (OUTCOME_WORDS[outcome] ?? outcome) : undefined,
  };
}
