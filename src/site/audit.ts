/**
 * AuditEvent for every read and write (R4 auditevent.html; the IHE BALP shape: type rest or
 * DICOM import, subtype the interaction, agent who/where, source observer, entity what).
 */
import { isoWithOffset, type Coding, type Resource } from '../fhir/resources.js';

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
  /** MSH-10 of the message concerned. */
  messageId?: string;
  /** The search query string. */
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

export function auditEvent(a: AuditInput, now: number, offsetMinutes: number): Resource {
  const entity: Record<string, unknown>[] = a.entities.map((reference) => ({
    what: { reference },
    type: {
      system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
      code: '2',
      display: 'System Object',
    },
  }));
  if (a.messageId !== undefined) {
    entity.push({
      what: { identifier: { system: 'urn:golive:msh-10', value: a.messageId } },
      type: { system: 'urn:golive:audit-entity-type', code: 'message' },
    });
  }
  if (a.query !== undefined) {
    entity.push({
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2' },
      query: Buffer.from(a.query, 'utf8').toString('base64'),
    });
  }
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
