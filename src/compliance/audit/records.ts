/**
 * Audit records, normalised from a FHIR R4 AuditEvent (hl7.org/fhir/R4/auditevent.html, the
 * FHIR form of the IHE ATNA / RFC 3881 audit message) or from a CSV export row. Only what the
 * matcher and the completeness rules need is kept: who, what, when, where, outcome, action.
 */
import type { Location } from '../../core/finding.js';
import { parseWhen } from '../common/fields.js';
import {
  identKeys,
  normalizeReference,
  refKey,
  searchFromText,
  searchKeys,
  typeKey,
} from './keys.js';

export interface AuditRecord {
  at: Location;
  id?: string;
  recorded?: string;
  time?: number;
  hasZone: boolean;
  /** AuditEvent.action: C R U D E (audit-event-action). */
  action?: string;
  /** AuditEvent.type code (1..1 in R4). */
  type?: string;
  /** AuditEvent.subtype codes, lower case (restful-interaction codes, message types...). */
  subtypes: string[];
  /** Identities of the requesting agent(s). */
  users: string[];
  /** True when some agent is flagged requestor (R4 agent.requestor). */
  requestorFlagged: boolean;
  /** Match keys from entity.what (references, identifiers) and queries. */
  keys: Set<string>;
  /** AuditEvent.source.observer (or site): where the event was recorded. */
  source?: string;
  /** 0 success, 4 minor failure, 8 serious failure, 12 major failure (audit-event-outcome). */
  outcome?: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

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
 * What a logged query names (entity.query is base64Binary, R4): the query itself, the type
 * searched and the patient it is scoped to, read the same way as golive's own searches.
 */
function queryKeys(b64: string): string[] {
  let text: string;
  try {
    text = Buffer.from(b64, 'base64').toString('utf8');
  } catch {
    return [];
  }
  const spec = searchFromText(text);
  if (!spec) return [];
  const { query, context } = searchKeys(spec);
  return query ? [query, ...context] : context;
}

function entityKeys(entity: Json): string[] {
  const keys: string[] = [];
  const what = obj(entity.what);
  const ref = str(what?.reference);
  const norm = ref ? normalizeReference(ref) : undefined;
  if (norm) keys.push(refKey(norm), typeKey(norm.split('/')[0]!));
  const ident = str(obj(what?.identifier)?.value);
  if (ident) keys.push(...identKeys(ident));
  const typeCode = str(obj(entity.type)?.code);
  // entity.type from the resource-types code system names the FHIR type of the entity.
  if (typeCode && /^[A-Z][A-Za-z]+$/.test(typeCode)) keys.push(typeKey(typeCode));
  const q = str(entity.query);
  if (q) keys.push(...queryKeys(q));
  return keys;
}

/** Normalise one AuditEvent (already known to be an object with resourceType AuditEvent). */
export function recordFromAuditEvent(ev: Json, at: Location): AuditRecord {
  const recorded = str(ev.recorded);
  const when = recorded ? parseWhen(recorded) : undefined;
  const agents = arr(ev.agent)
    .map(obj)
    .filter((a): a is Json => a !== undefined);
  const requestors = agents.filter((a) => a.requestor === true);
  const users = (requestors.length > 0 ? requestors : agents).flatMap((a) => [
    ...referenceNames(obj(a.who)),
    ...[str(a.altId), str(a.name)].filter((s): s is string => s !== undefined),
  ]);
  const src = obj(ev.source);
  const observer = referenceNames(obj(src?.observer))[0] ?? str(src?.site);
  return {
    at,
    id: str(ev.id),
    recorded,
    time: when?.ms,
    hasZone: when?.hasZone ?? false,
    action: str(ev.action)?.toUpperCase(),
    type: str(obj(ev.type)?.code),
    subtypes: arr(ev.subtype)
      .map((s) => str(obj(s)?.code)?.toLowerCase())
      .filter((s): s is string => s !== undefined),
    users: [...new Set(users)],
    requestorFlagged: requestors.length > 0,
    keys: new Set(
      arr(ev.entity)
        .map(obj)
        .filter((e): e is Json => e !== undefined)
        .flatMap(entityKeys),
    ),
    source: observer,
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
  return {
    at,
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
    keys: new Set(keys),
    source: r.source,
    outcome: outcome ? (OUTCOME_WORDS[outcome] ?? outcome) : undefined,
  };
}
