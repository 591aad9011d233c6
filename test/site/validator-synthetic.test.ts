/**
 * What test/site/validation.test.ts checks on official R4 examples from the shared corpora (the
 * validator set-up accepts valid resources and catches real errors), checked on resources written
 * here, so a fresh clone without ../shared/corpora tests the validator too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { medplumProblems, problems, schemaProblems } from './fhir-validator.js';

type Json = Record<string, unknown>;

const loinc = (code: string, display: string) => ({
  coding: [{ system: 'http://loinc.org', code, display }],
});

/** Minimal valid R4 resources of the kinds the official examples cover. */
const observation = (): Json => ({
  resourceType: 'Observation',
  id: 'syn-obs',
  status: 'final',
  code: loinc('2345-7', 'Glucose'),
  subject: { reference: 'Patient/syn-pat' },
  effectiveDateTime: '2026-03-09T10:00:00Z',
  valueQuantity: {
    value: 6.3,
    unit: 'mmol/L',
    system: 'http://unitsofmeasure.org',
    code: 'mmol/L',
  },
});
const patient = (): Json => ({
  resourceType: 'Patient',
  id: 'syn-pat',
  identifier: [{ system: 'urn:golive:mrn:SYN', value: 'S12345' }],
  name: [{ family: 'Doe', given: ['Jane'] }],
  gender: 'female',
  birthDate: '1980-01-01',
});
const report = (): Json => ({
  resourceType: 'DiagnosticReport',
  id: 'syn-rep',
  status: 'final',
  code: loinc('58410-2', 'CBC panel'),
  subject: { reference: 'Patient/syn-pat' },
  result: [{ reference: 'Observation/syn-obs' }],
});
const procedure = (): Json => ({
  resourceType: 'Procedure',
  id: 'syn-proc',
  status: 'completed',
  code: { text: 'Appendectomy' },
  subject: { reference: 'Patient/syn-pat' },
});
const serviceRequest = (): Json => ({
  resourceType: 'ServiceRequest',
  id: 'syn-sr',
  status: 'active',
  intent: 'order',
  code: loinc('2345-7', 'Glucose'),
  subject: { reference: 'Patient/syn-pat' },
});
const specimen = (): Json => ({
  resourceType: 'Specimen',
  id: 'syn-spec',
  status: 'available',
  subject: { reference: 'Patient/syn-pat' },
  collection: { collectedDateTime: '2026-03-09T09:00:00Z' },
});
const device = (): Json => ({
  resourceType: 'Device',
  id: 'syn-dev',
  status: 'active',
  deviceName: [{ name: 'Analyzer 1', type: 'user-friendly-name' }],
});
const communication = (): Json => ({
  resourceType: 'Communication',
  id: 'syn-comm',
  status: 'completed',
  subject: { reference: 'Patient/syn-pat' },
  payload: [{ contentString: 'Critical potassium phoned to ward' }],
});
const auditEvent = (): Json => ({
  resourceType: 'AuditEvent',
  id: 'syn-audit',
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
  action: 'R',
  recorded: '2026-03-09T10:00:00Z',
  agent: [{ who: { display: 'nurse 1' }, requestor: true }],
  source: { observer: { display: 'syn EHR' } },
  entity: [{ what: { reference: 'Patient/syn-pat' } }],
});

beforeAll(() => {
  problems({ resourceType: 'Basic', code: { text: 'warm up' } });
}, 60_000);

describe('the validator setup on synthetic R4 resources', () => {
  it('accepts valid resources', () => {
    for (const r of [
      observation(),
      patient(),
      report(),
      procedure(),
      serviceRequest(),
      specimen(),
      device(),
      communication(),
      auditEvent(),
    ])
      expect([r.resourceType, problems(r)]).toEqual([r.resourceType, []]);
  });

  it('the JSON schema rejects a status outside its required binding (medplum alone does not)', () => {
    const obs = { ...observation(), status: 'done' };
    expect(schemaProblems(obs).length).toBeGreaterThan(0);
    expect(medplumProblems(obs)).toEqual([]);
    expect(schemaProblems({ ...report(), status: 'done' }).length).toBeGreaterThan(0);
    expect(schemaProblems({ ...patient(), gender: 'M' }).length).toBeGreaterThan(0);
  });

  it('medplum rejects missing required elements, wrong types and broken invariants', () => {
    const noCode = observation();
    delete noCode.code;
    expect(medplumProblems(noCode).length).toBeGreaterThan(0);
    const badValue = observation();
    (badValue.valueQuantity as Json).value = 'six';
    expect(problems(badValue).length).toBeGreaterThan(0);
    const noSubject = procedure();
    delete noSubject.subject;
    expect(medplumProblems(noSubject).length).toBeGreaterThan(0);
    expect(problems({ ...patient(), birthDate: '1974-13-45' }).length).toBeGreaterThan(0);
  });
});
