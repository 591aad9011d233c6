/**
 * AuditEvent for every read and write (R4 auditevent.html; the IHE BALP shape: type rest or
 * DICOM import, subtype the interaction, agent who/where, source observer, entity what).
 */
import { isoWithOffset, type Coding, type Resource } from '../fhir/index.js';

export interface AuditInput {
  kind: 'rest' | 'message' | 'system';
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  /** 0 success, 4 minor failure, 8 serious failure (R4 audit-event-outcome). */
  outcome: '0' | '4' | '8';
  outcomeDesc?: string;
  who: string;
  address?: string;
  subtype: Coding[];
  /** References (`Type/id`) read, returned, created or updated. */
  entities: string[];
  /** Patients the interaction is about that no entity names (a patient-scoped search). */
  patients?: string[];
  /**
   * The FHIR type acted on: recorded as an entity of that type when nothing else names it (a
   * refused create, a read of an unknown id), so the record still says what was attempted.
   */
  resourceType?: string;
  /** MSH-10 of the message concerned. */
  messageId?: string;
  /** The search as requested (`[base]/Type?params`), kept whatever it matched. */
  query?: string;
}

const TYPES: Record<AuditInput['kind'], Coding> = {
  rest: {
    system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
    code: 'rest',
    display: 'RESTful Operation',
  },
  message: {
    system: 'http://dicom.nema.org/resources/ontology/DCM',
    code: '110107',
    display: 'Import',
  },
  system: {
    system: 'http://dicom.nema.org/resources/ontology/DCM',
    code: '110100',
    display: 'Application Activity',
  },
};

export const INTERACTION = 'http://hl7.org/fhir/restful-interaction';

export function messageSubtype(code: string, trigger: string): Coding[] {
  return [
    { system: 'http://terminology.hl7.org/CodeSystem/v2-0003', code: trigger || 'unknown' },
    { system: 'urn:golive:hl7v2-message-type', code: `${code}^${trigger}` },
  ];
}

const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';

/**
 * One entity per object (R4 AuditEvent.entity): a patient is a Person in the Patient role
 * (object-role 1), anything else a System Object in the Domain Resource role (4), as the IHE
 * BALP profiles record them.
 */
function objectEntity(reference: string): Record<string, unknown> {
  const patient = reference.startsWith('Patient/');
  return {
    what: { reference },
    type: patient
      ? { system: ENTITY_TYPE, code: '1', display: 'Person' }
      : { system: ENTITY_TYPE, code: '2', display: 'System Object' },
    role: patient
      ? { system: OBJECT_ROLE, code: '1', display: 'Patient' }
      : { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
  };
}

function entities(a: AuditInput): Record<string, unknown>[] {
  const refs = [...new Set([...a.entities, ...(a.patients ?? [])])];
  const out = refs.map(objectEntity);
  const typeNamed = refs.some((r) => r.startsWith(`${a.resourceType}/`));
  if (a.resourceType && !typeNamed && a.query === undefined) {
    // audit-entity-type is extensible and includes the FHIR resource types (R4 valueset).
    out.push({ type: { system: 'http://hl7.org/fhir/resource-types', code: a.resourceType } });
  }
  if (a.messageId !== undefined) {
    out.push({
      what: { identifier: { system: 'urn:golive:msh-10', value: a.messageId } },
      type: { system: 'urn:golive:audit-entity-type', code: 'message' },
    });
  }
  if (a.query !== undefined) {
    // The search itself, whatever it found (R4 entity.query is base64Binary; IHE BALP query
    // entity: System Object in the Query role, 24).
    out.push({
      type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '24', display: 'Query' },
      query: Buffer.from(a.query, 'utf8').toString('base64'),
    });
  }
  return out;
}

export function auditEvent(a: AuditInput, now: number, offsetMinutes: number): Resource {
  const entity = entities(a);
  return {
    resourceType: 'AuditEvent',
    type: TYPES[a.kind],
    subtype: a.subtype,
    action: a.action,
    recorded: isoWithOffset(now, offsetMinutes),
    outcome: a.outcome,
    ...(a.outcomeDesc ? { outcomeDesc: a.outcomeDesc } : {}),
    agent: [
      {
        who: { identifier: { system: 'urn:golive:user', value: a.who }, display: a.who },
        altId: a.who,
        requestor: true,
        ...(a.address ? { network: { address: a.address, type: '2' } } : {}),
      },
    ],
    source: {
      site: 'golive-site',
      observer: { display: 'golive reference site' },
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '4',
          display: 'Application Server',
        },
      ],
    },
    ...(entity.length > 0 ? { entity } : {}),
  };
}
