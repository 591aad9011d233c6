import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { needCorpus } from '../helpers/corpora.js';
import { medplumProblems, problems, schemaProblems } from './fhir-validator.js';
import { adt, downstream, order, oru, patientWithOrder, testSite, uid, until } from './helpers.js';
import { sterilizationStory } from './stories.js';

const R4 = needCorpus(
  'fhir-r4',
  'the validator set-up on official R4 examples (synthetic: test/site/validator-synthetic.test.ts)',
);
const example = (name: string) =>
  JSON.parse(readFileSync(join(R4.path, name), 'utf8')) as Record<string, unknown>;

beforeAll(() => {
  problems({ resourceType: 'Basic', code: { text: 'warm up' } });
}, 60_000);

describe.skipIf(R4.skip)('the validator setup catches real errors in official R4 examples', () => {
  const examples = [
    'Observation-f001.json',
    'Patient-example.json',
    'DiagnosticReport-f201.json',
    'Communication-example.json',
    'Device-example.json',
    'Procedure-example.json',
    'AuditEvent-example.json',
    'ServiceRequest-example.json',
    'Specimen-101.json',
  ];

  it('accepts the official examples as published', () => {
    for (const name of examples) expect([name, problems(example(name))]).toEqual([name, []]);
  });

  it('the JSON schema rejects a status outside its required binding (medplum alone does not)', () => {
    const obs = { ...example('Observation-f001.json'), status: 'done' };
    expect(schemaProblems(obs).length).toBeGreaterThan(0);
    expect(medplumProblems(obs)).toEqual([]);
    const report = { ...example('DiagnosticReport-f201.json'), status: 'done' };
    expect(schemaProblems(report).length).toBeGreaterThan(0);
    const patient = { ...example('Patient-example.json'), gender: 'M' };
    expect(schemaProblems(patient).length).toBeGreaterThan(0);
  });

  it('medplum rejects missing required elements, wrong types and broken invariants', () => {
    const noCode = example('Observation-f001.json');
    delete noCode.code;
    expect(medplumProblems(noCode).length).toBeGreaterThan(0);
    const badValue = example('Observation-f001.json');
    (badValue.valueQuantity as Record<string, unknown>).value = 'six';
    expect(problems(badValue).length).toBeGreaterThan(0);
    const noSubject = example('Procedure-example.json');
    delete noSubject.subject;
    expect(medplumProblems(noSubject).length).toBeGreaterThan(0);
    const badTime = { ...example('Patient-example.json'), birthDate: '1974-13-45' };
    expect(problems(badTime).length).toBeGreaterThan(0);
  });
});

describe('every resource the site serves is valid R4', () => {
  it('validates patients, orders, specimens, results, reports, notifications, devices, procedures, lists, audit events, bundles and outcomes', async () => {
    const d = await downstream();
    const t = await testSite({ downstream: d.listener.address });
    const a = await patientWithOrder(t, {
      priority: 'S',
      specimen: uid('S'),
      collected: '20260327060000+0100',
      received: '20260327150000+0100',
    });
    const b = await patientWithOrder(t);
    await t.send(
      oru(a.person, { placer: a.placer }, [
        { value: '7.90', flags: 'HH', range: '3.5-5.1' },
        { code: '1751-7^Albumin^LN', type: 'SN', value: '<^0.5', units: 'g/dL^g/dL^UCUM' },
        { code: '5778-6^Color^LN', type: 'CWE', value: 'YEL^Yellow^L', units: '' },
        { code: '8251-1^Comment^LN', type: 'TX', value: 'H\\T\\E café', units: '' },
        { code: '33914-3^Ratio^LN', type: 'SN', value: '^1^:^128', units: '' },
        { code: '2160-0^Range^LN', type: 'SN', value: '^10^-^20', units: 'mg/dL^mg/dL^UCUM' },
      ]),
    );
    await t.send(oru(b.person, { placer: b.placer }, [{ value: '4.0', status: 'P' }]));
    await t.send(oru(b.person, { placer: b.placer }, [{ value: '', status: 'W' }]));
    await t.send(adt('A40', a.person, { mrg: b.person.mrn }));
    await t.send(order(a.person, { control: 'CA', placer: a.placer }));
    await t.send(adt('A47', { mrn: uid('N') }, { mrg: a.person.mrn }));
    await sterilizationStory(t, 'fail');
    await until(async () =>
      (await t.search<{ status: string }>('/Communication')).some((c) => c.status === 'completed'),
    );
    const types = [
      'Patient',
      'ServiceRequest',
      'Specimen',
      'Observation',
      'DiagnosticReport',
      'Communication',
      'Device',
      'Procedure',
      'List',
      'AuditEvent',
    ];
    let checked = 0;
    for (const type of types) {
      const r = await t.get<{ entry?: { resource: unknown }[] }>(`/${type}?_count=500`);
      expect([type, problems(r.body)]).toEqual([type, []]);
      const entries = r.body.entry ?? [];
      expect([type, entries.length > 0]).toEqual([type, true]);
      for (const e of entries) {
        expect([type, problems(e.resource)]).toEqual([type, []]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
    for (const path of ['/metadata', '/Observation/none', '/Observation?bad=1']) {
      expect([path, problems((await t.get(path)).body)]).toEqual([path, []]);
    }
  }, 60_000);
});
