/**
 * What test/compliance/audit-match.test.ts checks on the official R4 AuditEvent examples from the
 * shared corpora, checked on AuditEvents written here in the same shapes (agent.who by
 * identifier, source.observer by identifier or display, a versioned entity reference, a base64
 * query entity, a DICOM login event), so a fresh clone without ../shared/corpora tests it too.
 */
import { describe, expect, it } from 'vitest';
import { actionsFromExchanges } from '../../src/compliance/audit/actions.js';
import { verifyAuditTrail } from '../../src/compliance/audit/match.js';
import { recordFromAuditEvent } from '../../src/compliance/audit/records.js';
import { httpExchange } from './audit-fixtures.js';

const NOW = new Date('2026-02-27T15:00:00Z');

const agents = [
  {
    type: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
          code: 'humanuser',
        },
      ],
    },
    who: { identifier: { value: 'u42' } },
    altId: 'nurse-42',
    name: 'A. Nurse',
    requestor: true,
  },
  {
    type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110153' }] },
    who: { identifier: { system: 'urn:oid:1.2.3', value: '1.2.3' } },
    requestor: false,
    network: { address: 'ws1.syn.example', type: '1' },
  },
];
const source = (observer: Record<string, unknown>) => ({
  site: 'Syn',
  observer,
  type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '3' }],
});

const vreadEvent = {
  resourceType: 'AuditEvent',
  id: 'syn-rest',
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'vread' }],
  action: 'R',
  recorded: '2026-02-27T14:00:01Z',
  outcome: '0',
  agent: agents,
  source: source({ identifier: { value: 'ehr.syn.example' } }),
  entity: [
    {
      what: { reference: 'Patient/syn1/_history/3' },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2' },
    },
  ],
};
const searchEvent = {
  ...vreadEvent,
  id: 'syn-search',
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'search' }],
  action: 'E',
  recorded: '2026-02-27T14:10:01Z',
  source: source({ display: 'ehr.syn.example' }),
  entity: [
    {
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24' },
      query: Buffer.from('http://ehr.syn.example/fhir/Encounter?participant=77').toString('base64'),
    },
  ],
};
const loginEvent = {
  ...vreadEvent,
  id: 'syn-login',
  type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114' },
  subtype: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110122' }],
  action: 'E',
  recorded: '2026-02-27T13:59:30Z',
  entity: undefined,
};

const verify = (x: ReturnType<typeof httpExchange>, event: Record<string, unknown>) =>
  verifyAuditTrail(
    actionsFromExchanges([x]).actions,
    [recordFromAuditEvent(event, { file: String(event.id) })],
    { now: NOW },
  );

describe('AuditEvents in the shapes of the official R4 examples', () => {
  it('reads each without error and keeps the zone information', () => {
    for (const e of [vreadEvent, searchEvent, loginEvent]) {
      const r = recordFromAuditEvent(e, { file: e.id });
      expect(r.time, e.id).toBeTypeOf('number');
      expect(r.hasZone, e.id).toBe(true);
      expect(r.source, e.id).toBeTruthy();
    }
  });

  it('matches a vread to a record naming the versioned patient, complete', () => {
    const x = httpExchange('v', 'GET', 'Patient/syn1/_history/3', '2026-02-27T14:00:00.900Z', {
      user: 'u42',
    });
    const r = verify(x, vreadEvent);
    expect(r.findings).toEqual([]);
    expect(r.measurements.audit_coverage_pct).toBe(100);
  });

  it('matches a search through the base64 query entity (action E)', () => {
    const x = httpExchange('s', 'GET', 'Encounter?participant=77', '2026-02-27T14:10:00.950Z', {
      user: 'u42',
    });
    expect(verify(x, searchEvent).findings).toEqual([]);
  });

  it('does not take a login event as the audit of a patient read', () => {
    const x = httpExchange('v', 'GET', 'Patient/syn1', '2026-02-27T13:59:30Z', { user: 'u42' });
    expect(verify(x, loginEvent).findings.map((f) => f.rule)).toEqual(['audit.missing']);
  });
});
