/**
 * IHE Basic Audit Log Patterns (BALP, IHE ITI; FHIR R4 AuditEvent profiles Read, Query, Create,
 * Update, Delete and their Patient* variants, profiles.ihe.net/ITI/BALP): the shape a record of
 * a FHIR RESTful interaction takes.
 * - type `rest` (http://terminology.hl7.org/CodeSystem/audit-event-type); subtype the
 *   interaction (http://hl7.org/fhir/restful-interaction: read|vread, search|search-type|
 *   search-system, create, update|patch, delete); action R, E, C, U, D.
 * - agents: the client and the server, each with who and network (DICOM 110153 Source Role ID /
 *   110152 Destination Role ID), and the user, requestor=true.
 * - source.observer: who recorded it.
 * - entities: the data object (type 2 System Object, role 4 Domain Resource, what = the
 *   resource); for a query, type 2 role 24 Query carrying the raw request base64 in `query`
 *   (a cleaned copy may be in `description`); and, when the subject is a patient, type 1
 *   Person role 1 Patient with what = Reference(Patient).
 * The matcher requires only the minimum a real server writes (complete.ts); what a matched
 * record lacks of the pattern is listed here, each gap saying what was expected and found.
 */
import type { ActionKind, AuditedAction } from './actions.js';
import { createdByUpdate, expectedInteractions, interactionOf } from './interactions.js';
import type { AuditAgent, AuditEntity, AuditRecord } from './records.js';

export const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';

/** BALP action code per interaction (Read R, Query E, Create C, Update U, Delete D). */
const BALP_ACTION: Partial<Record<ActionKind, string>> = {
  read: 'R',
  search: 'E',
  create: 'C',
  update: 'U',
  delete: 'D',
};

/** object-role codes BALP allows for the data entity (RestObjectRoles). */
const DATA_ROLES = ['4', '3', '20'];
/** DICOM agent types of the client and the server (Source / Destination Role ID). */
const NETWORK_ROLES = ['110153', '110152'];

const entityShape = (e: AuditEntity) => `type ${e.type ?? 'absent'}, role ${e.role ?? 'absent'}`;

function agentText(a: AuditAgent): string {
  const parts = [a.names[0] ?? '(no who)'];
  if (a.types.length) parts.push(`[${a.types.join(', ')}]`);
  if (a.network) parts.push(`at ${a.network}`);
  if (a.requestor) parts.push('(requestor)');
  return parts.join(' ');
}

function typeGaps(a: AuditedAction, r: AuditRecord): string[] {
  const out: string[] = [];
  const rest = r.type === 'rest' && (!r.typeSystem || r.typeSystem === AUDIT_EVENT_TYPE);
  if (!rest)
    out.push(
      `type: recorded ${r.type ? `${r.typeSystem ?? '(no system)'}#${r.type}` : 'none'}, expected audit-event-type#rest`,
    );
  const interactions = expectedInteractions(a);
  const sub = interactionOf(r);
  if (!sub || !interactions.includes(sub))
    out.push(
      `subtype: recorded ${r.subtypes.length ? r.subtypes.join(', ') : 'none'}, expected restful-interaction ${interactions.join(' or ')}`,
    );
  const action = createdByUpdate(a) ? ['U', 'C'] : [BALP_ACTION[a.kind]!];
  if (!r.action || !action.includes(r.action))
    out.push(`action: recorded ${r.action ?? 'none'}, expected ${action.join(' or ')}`);
  return out;
}

function agentGaps(a: AuditedAction, r: AuditRecord): string[] {
  const out: string[] = [];
  const found = r.agents.length ? r.agents.map(agentText).join('; ') : 'no agent';
  const networked = r.agents.filter(
    (g) => g.network && g.types.some((t) => NETWORK_ROLES.includes(t)),
  );
  if (networked.length < 2)
    out.push(
      `agents: expected the client and the server (DICOM 110153/110152) with network addresses, found ${found}`,
    );
  if (a.user && !r.agents.some((g) => g.requestor))
    out.push(`agents: no user agent with requestor=true (expected one naming "${a.user}")`);
  if (!r.source) out.push('source.observer: absent');
  return out;
}

function queryGaps(r: AuditRecord): string[] {
  const raw = r.entities.find((e) => e.queryFrom === 'query');
  if (!raw) {
    const cleaned = r.entities.some((e) => e.queryFrom === 'description');
    return [
      cleaned
        ? 'query entity: only a cleaned query in entity.description, expected the raw request base64 in entity.query'
        : 'query entity: none, expected type 2 (System Object), role 24 (Query) with the base64 query',
    ];
  }
  return raw.type === '2' && raw.role === '24'
    ? []
    : [`query entity: ${entityShape(raw)}, expected type 2 (System Object), role 24 (Query)`];
}

function dataGaps(a: AuditedAction, r: AuditRecord): string[] {
  const object = a.objects.find((k) => k.startsWith('ref:'))?.slice(4);
  if (!object) return []; // a refused create: no resource came to exist
  const named = r.entities.filter((e) => e.ref === object);
  if (named.length === 0) {
    const refs = r.entities.flatMap((e) => (e.ref ? [e.ref] : []));
    return [
      `data entity: none naming ${object} (found ${refs.length ? refs.join(', ') : 'no entity.what reference'})`,
    ];
  }
  const data = named.find((e) => e.type === '2' && DATA_ROLES.includes(e.role ?? ''));
  return data
    ? []
    : [
        `data entity ${object}: ${named.map(entityShape).join(' / ')}, expected type 2 (System Object), role 4 (Domain Resource)`,
      ];
}

function patientGaps(a: AuditedAction, r: AuditRecord): string[] {
  return a.patients.flatMap((p) => {
    const named = r.entities.filter((e) => e.ref === p);
    if (named.some((e) => e.type === '1' && e.role === '1')) return [];
    return [
      named.length
        ? `patient entity ${p}: ${named.map(entityShape).join(' / ')}, expected type 1 (Person), role 1 (Patient)`
        : `patient entity: none for ${p}, expected type 1 (Person), role 1 (Patient)`,
    ];
  });
}

/**
 * Where a matched AuditEvent departs from the BALP pattern of its interaction; empty when it
 * follows it, or when BALP has no pattern for the action (HL7 v2 messages, operations) or the
 * record is not an AuditEvent (a CSV export).
 */
export function balpGaps(a: AuditedAction, r: AuditRecord): string[] {
  if (r.form !== 'AuditEvent' || !BALP_ACTION[a.kind]) return [];
  return [
    ...typeGaps(a, r),
    ...agentGaps(a, r),
    ...(a.kind === 'search' ? queryGaps(r) : dataGaps(a, r)),
    ...patientGaps(a, r),
  ];
}
