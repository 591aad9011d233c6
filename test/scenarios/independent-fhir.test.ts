/**
 * golive's lookups and capability probe against a FHIR search engine written by others:
 * @medplum/fhir-router 4.5 (FhirRouter + MemoryRepository) behind a plain HTTP adapter
 * (test/helpers/medplum-fhir-server.ts). "Built for sites we did not write": the lookups were
 * written against the FHIR R4 search page (https://hl7.org/fhir/R4/search.html) and tested
 * against the embedded site; here another team's reading of the same page answers them.
 *
 * The data is what a minimal, standards-conformant receiver stores for lab work (synthetic
 * values only): identifiers without `system`, typed by v2-0203 (Identifier.system is 0..1),
 * Observations without identifiers linked to their order by `basedOn`, one result linked to
 * nothing but its patient, a Communication for a critical result. Medplum's engine matches a
 * token on value alone, `based-on`, `subject`, `code` (with comma OR), `status`; it never
 * matches `identifier:of-type`, leaves `_include` out silently, writes no `Bundle.link`, and
 * has no CapabilityStatement (decision 012): the tests below pin what golive makes of that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type GoliveConfig } from '../../src/config/index.js';
import { FhirClient, type FhirResource } from '../../src/fhir/client.js';
import { describeTrace, find, V2_0203, type FindSpec } from '../../src/scenarios/lookups.js';
import {
  hooksFromConfig,
  loadBuiltinScenarios,
  loadScenarioText,
  probeCapabilities,
  runScenarios,
  type ProbeData,
  type Target,
} from '../../src/scenarios/index.js';
import type { ScenarioData } from '../../src/core/index.js';
import { startMedplumFhirServer, type MedplumFhirServer } from '../helpers/medplum-fhir-server.js';

const LOINC = 'http://loinc.org';
const K = '2823-3'; // potassium
const NA = '2951-2'; // sodium
const GLU = '2345-7'; // glucose
const HB = '718-7'; // hemoglobin

const typed = (code: string, value: string) => ({
  // No system: the receiver says what the value is only by its v2-0203 type.
  type: { coding: [{ system: V2_0203, code }] },
  value,
});
const ref = (r: FhirResource) => ({ reference: `${r.resourceType}/${r.id}` });
const loinc = (code: string) => ({ coding: [{ system: LOINC, code }] });

let server: MedplumFhirServer;
let client: FhirClient;
/** Label of each stored resource by `Type/id`, so assertions read as the data set below. */
const label = new Map<string, string>();
const stored = new Map<string, FhirResource>();

async function create(name: string, resource: FhirResource): Promise<FhirResource> {
  const res = await client.create(resource);
  expect(res.status, `${name}: ${res.text}`).toBe(201);
  const r = res.body as FhirResource;
  label.set(`${r.resourceType}/${r.id}`, name);
  stored.set(name, r);
  return r;
}

const observation = (code: string, patient: FhirResource, order?: FhirResource) => ({
  resourceType: 'Observation',
  status: 'final',
  code: loinc(code),
  subject: ref(patient),
  ...(order ? { basedOn: [ref(order)] } : {}),
});

beforeAll(async () => {
  server = await startMedplumFhirServer();
  client = new FhirClient({ baseUrl: server.baseUrl, retries: 0 });
  const pa = await create('patient A', {
    resourceType: 'Patient',
    identifier: [typed('MR', 'MIND0001')],
    name: [{ family: 'Zzindependent', given: ['Alex'] }],
  });
  const pb = await create('patient B', {
    resourceType: 'Patient',
    identifier: [typed('MR', 'MIND0002')],
    name: [{ family: 'Zzindependent', given: ['Sam'] }],
  });
  const order = (placer: string, patient: FhirResource, code = K) => ({
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    identifier: [typed('PLAC', placer)],
    code: loinc(code),
    subject: ref(patient),
  });
  const sr1 = await create('order 1', order('PIND0001', pa));
  const sr2 = await create('order 2', order('PIND0002', pa));
  const sr3 = await create('order 3', order('PIND0003', pb, HB));
  // The second order is completed by an update (PUT), as a receiver closes an order.
  const upd = await client.update({ ...sr2, status: 'completed' });
  expect(upd.status).toBe(200);
  await create('potassium of order 1', observation(K, pa, sr1));
  await create('sodium of order 1', observation(NA, pa, sr1));
  // Same patient, same code, another order: never one of order 1's results.
  await create('potassium of order 2', observation(K, pa, sr2));
  // Linked to nothing but its patient: only subject + code can see it.
  await create('unlinked glucose', observation(GLU, pa));
  // A receiver that lists results only in a DiagnosticReport (no basedOn on the Observation).
  const hb = await create('hemoglobin of order 3', observation(HB, pb));
  await create('report of order 3', {
    resourceType: 'DiagnosticReport',
    status: 'final',
    code: loinc(HB),
    subject: ref(pb),
    basedOn: [ref(sr3)],
    result: [ref(hb)],
  });
  // A result for an order number the receiver never held, filed under a patient with no order
  // link (as a receiver that guessed would file it).
  await create('potassium of an unknown order', observation(K, pb));
  await create('critical potassium call', {
    resourceType: 'Communication',
    status: 'completed',
    subject: ref(pa),
    about: [ref(stored.get('potassium of order 1')!)],
    payload: [{ contentString: 'Critical potassium phoned to the ward (synthetic)' }],
  });
  await create('review task for B', {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    for: ref(pb),
    focus: ref(hb),
  });
});

afterAll(async () => {
  await server?.close();
});

function config(lookups: Partial<GoliveConfig['target']['lookups']> = {}): GoliveConfig {
  const c = defaultConfig();
  c.target.lookups = { ...c.target.lookups, ...lookups };
  return c;
}

async function look(spec: FindSpec, c = config()) {
  const r = await find(spec, client, c, (s) => s, new Map());
  const names = r.resources.map((x) => label.get(`${x.resourceType}/${x.id}`) ?? '?').sort();
  const trace = Object.fromEntries(
    r.trace.map((t) => [t.strategy, t.unsupported ?? (t.found as number)]),
  );
  return { r, names, trace };
}

describe('find with the default target.lookups on an independent FHIR engine', () => {
  it('finds the patient by MRN, by identifier value alone', async () => {
    const { r, names, trace } = await look({ patient: 'MIND0001' });
    expect(names).toEqual(['patient A']);
    expect(trace).toEqual({ identifier: 1 });
    expect(r.trace[0]!.query).toBe('Patient?identifier=MIND0001');
    expect(r.blind).toBe(false);
    // A value nobody holds: asked and answered, so an honest "nothing", not blindness.
    const none = await look({ patient: 'MIND9999' });
    expect(none.names).toEqual([]);
    expect(none.r.blind).toBe(false);
  });

  it('finds the order by placer number', async () => {
    const { names, trace } = await look({ order: 'PIND0001' });
    expect(names).toEqual(['order 1']);
    expect(trace).toEqual({ identifier: 1 });
  });

  it("finds an order's results by basedOn, without and with a code", async () => {
    const all = await look({ results: { order: 'PIND0001' } });
    expect(all.names).toEqual(['potassium of order 1', 'sodium of order 1']);
    // Without a code, subject + code cannot ask: the unlinked glucose is not claimed.
    expect(all.trace).toEqual({
      'order by identifier': 1,
      'based-on': 2,
      report: 0,
      'subject-code': 'needs a code to search by subject',
    });
    expect(all.r.blind).toBe(false);

    const k = await look({ results: { order: 'PIND0001', code: K } });
    expect(k.names).toEqual(['potassium of order 1']);
    // The server's subject+code answer holds order 2's potassium too; the client-side check
    // of basedOn leaves it out (same patient and code, another order).
    expect(k.trace).toMatchObject({ 'based-on': 1, 'subject-code': 1 });
    const asked = k.r.trace.find((t) => t.strategy === 'subject-code')!.query!;
    const raw = await client.searchAll('Observation', asked.slice('Observation?'.length));
    expect((raw.body as { total?: number }).total).toBe(2);

    const other = await look({ results: { order: 'PIND0002', code: K } });
    expect(other.names).toEqual(['potassium of order 2']);
  });

  it('unites several codes (token OR with a comma, search.html#combining)', async () => {
    const { names, trace } = await look({ results: { order: 'PIND0001', code: [K, NA, GLU] } });
    // The unlinked glucose of the same patient counts for the order by subject + code
    // (the documented heuristic of target.lookups.results: subject-code).
    expect(names).toEqual(['potassium of order 1', 'sodium of order 1', 'unlinked glucose']);
    expect(trace).toMatchObject({ 'based-on': 2, report: 0, 'subject-code': 3 });
  });

  it('sees a result linked to nothing but its patient only through subject + code', async () => {
    const d = await look({ results: { order: 'PIND0001', code: GLU } });
    expect(d.names).toEqual(['unlinked glucose']);
    expect(d.trace).toMatchObject({ 'based-on': 0, report: 0, 'subject-code': 1 });
    const basedOnly = await look(
      { results: { order: 'PIND0001', code: GLU } },
      config({ results: ['based-on'] }),
    );
    expect(basedOnly.names).toEqual([]);
    const byPatient = await look({ results: { patient: 'MIND0001', code: GLU } });
    expect(byPatient.names).toEqual(['unlinked glucose']);
  });

  it('reads what a DiagnosticReport lists when the server leaves _include out', async () => {
    const d = await look({ results: { order: 'PIND0003' } });
    expect(d.names).toEqual(['hemoglobin of order 3']);
    expect(d.trace).toMatchObject({ 'based-on': 0, report: 1 });
    // _include answered 200 without the Observation, so golive read the listed result itself.
    const hb = stored.get('hemoglobin of order 3')!;
    expect(server.seen).toContainEqual({ method: 'GET', url: `Observation/${hb.id}`, status: 200 });
    const report = await look({ report: { order: 'PIND0003' } });
    expect(report.names).toEqual(['report of order 3']);
  });

  it("lists a patient's orders, with and without a status", async () => {
    expect((await look({ orders: { patient: 'MIND0001' } })).names).toEqual(['order 1', 'order 2']);
    const active = await look({ orders: { patient: 'MIND0001', status: 'active' } });
    expect(active.names).toEqual(['order 1']);
    expect(active.trace).toEqual({ 'patient by identifier': 1, subject: 1 });
    const done = await look({ orders: { patient: 'MIND0001', status: 'completed' } });
    expect(done.names).toEqual(['order 2']);
  });

  it("finds a patient's notifications, and only theirs", async () => {
    const a = await look({ notifications: { patient: 'MIND0001' } });
    expect(a.names).toEqual(['critical potassium call']);
    expect(a.trace).toEqual({ 'patient by identifier': 1, communication: 1, flag: 0, task: 0 });
    const b = await look({ notifications: { patient: 'MIND0002' } });
    expect(b.names).toEqual(['review task for B']);
    expect(b.trace).toMatchObject({ communication: 0, task: 1 });
  });
});

describe('strategies this engine cannot answer never turn into a find', () => {
  it('identifier:of-type is asked and finds nothing: reported as 0, never as the patient', async () => {
    const only = await look({ patient: 'MIND0001' }, config({ patient: ['identifier-type'] }));
    expect(only.names).toEqual([]);
    expect(only.r.trace).toEqual([
      {
        strategy: 'identifier-type',
        query: `Patient?identifier:of-type=${encodeURIComponent(`${V2_0203}|MR|MIND0001`)}`,
        found: 0,
      },
    ]);
    // The engine answered 200 with no self link: golive cannot tell "not understood" from
    // "not there" (search.html#errors), so this is not `blind`; a positive control is what
    // shows it (below, a whole scenario).
    expect(only.r.blind).toBe(false);
    expect(describeTrace(only.r)).toBe('identifier-type: 0');
    const both = await look(
      { patient: 'MIND0001' },
      config({ patient: ['identifier', 'identifier-type'] }),
    );
    expect(both.names).toEqual(['patient A']);
    expect(both.trace).toEqual({ identifier: 1, 'identifier-type': 0 });
  });

  it('an order found only by :of-type is reported missing, and its results are not guessed', async () => {
    const d = await look(
      { results: { order: 'PIND0001', code: K } },
      config({ order: ['identifier-type'] }),
    );
    expect(d.names).toEqual([]);
    expect(d.r.missing).toBe('order PIND0001 was not found');
    expect(d.trace).toEqual({ 'order by identifier-type': 0 });
  });

  it('strategies that cannot ask say why (none left: blind); a system it does not use finds 0', async () => {
    const noCode = await look(
      { results: { order: 'PIND0001' } },
      config({ results: ['subject-code', 'identifier'] }),
    );
    expect(noCode.names).toEqual([]);
    expect(noCode.trace).toEqual({
      'order by identifier': 1,
      'subject-code': 'needs a code to search by subject',
      identifier: 'no target.lookups.observationIdentifier configured',
    });
    expect(noCode.r.blind).toBe(true);
    // identifier-system asks with the system of site.identifiers (a golive convention this
    // receiver does not use): `system|value` must match both (search.html#token), so 0.
    const bySystem = await look(
      { patient: 'MIND0001' },
      config({ patient: ['identifier-system'] }),
    );
    expect(bySystem.r.trace).toEqual([
      {
        strategy: 'identifier-system',
        query: `Patient?identifier=${encodeURIComponent('urn:golive:mrn:RGH|MIND0001')}`,
        found: 0,
      },
    ]);
    expect(bySystem.names).toEqual([]);
  });

  it('a report-only lookup on a receiver that links by basedOn finds nothing, honestly', async () => {
    // DiagnosticReport is a type this engine serves; none was filed for order 1.
    const d = await look(
      { results: { order: 'PIND0001', code: K } },
      config({ results: ['report'] }),
    );
    expect(d.names).toEqual([]);
    expect(d.trace).toEqual({ 'order by identifier': 1, report: 0 });
    expect(d.r.blind).toBe(false);
  });

  it('a result for an order the receiver does not hold: the find says the order is missing', async () => {
    const d = await look({ results: { order: 'PIND0404', code: K } });
    expect(d.names).toEqual([]);
    expect(d.r.missing).toBe('order PIND0404 was not found');
    // What the receiver filed is there to see, by patient.
    const byPatient = await look({ results: { patient: 'MIND0002', code: K } });
    expect(byPatient.names).toEqual(['potassium of an unknown order']);
  });
});

/** A control, then a negative check: the shape of order.cancel and order.unknown. */
const SCENARIO = `id: independent.control
title: A control result, then nothing for the other order
domain: workflow
criteria: [workflow.exceptions]
severity: major
action: fix the receiver
variables:
  placer: PIND0001
  other: PIND0002
steps:
  - type: expect-fhir
    title: 'Control: the potassium of order 1 is seen'
    find: { results: { order: '{{placer}}', code: ${K} } }
    control: true
    assert:
      - path: entry.resource
        exists: true
        fail: the control result was not found
  - type: expect-fhir
    title: No potassium is filed for order 2
    find: { results: { order: '{{other}}', code: ${K} } }
    assert:
      - path: entry.resource
        exists: false
        fail: a potassium was filed for order 2
`;

describe('expect-fhir steps on the independent engine: no vacuous pass', () => {
  async function run(lookups: Partial<GoliveConfig['target']['lookups']>) {
    const c = config(lookups);
    c.scenarios.timeouts.fhir = 300;
    const target: Target = {
      name: 'medplum fhir-router',
      fhir: new FhirClient({ baseUrl: server.baseUrl, retries: 0 }),
      control: hooksFromConfig(undefined),
    };
    const r = await runScenarios({
      config: c,
      scenarios: [loadScenarioText(SCENARIO, 'independent.yaml')],
      target,
    });
    const res = r.results[0]!;
    return { outcome: res.outcome, steps: (res.data as ScenarioData).steps };
  }

  it('with the default lookups the control holds and the negative check sees order 2', async () => {
    const { outcome, steps } = await run({});
    expect(steps.map((s) => s.outcome)).toEqual(['pass', 'fail']);
    expect(outcome).toBe('fail');
    expect(steps[1]!.message).toMatch(/a potassium was filed for order 2/);
  });

  it.each([
    ['results only by DiagnosticReport', { results: ['report' as const] }],
    ['orders only by :of-type', { order: ['identifier-type' as const] }],
  ])('with %s the control is inconclusive and the check is not run', async (_, lookups) => {
    const { outcome, steps } = await run(lookups);
    expect(steps.map((s) => s.outcome)).toEqual(['error', 'skip']);
    expect(outcome).toBe('error');
    expect(steps[0]!.message).toMatch(/the control did not hold.*inconclusive/);
  });
});

describe('golive probe on the independent engine', () => {
  it('says there is no CapabilityStatement, still probes every search, and what each did', async () => {
    const builtins = loadBuiltinScenarios();
    const c = config({
      patient: ['identifier', 'identifier-type'],
      order: ['identifier', 'identifier-type'],
    });
    const before = server.seen.length;
    const r = await probeCapabilities({ config: c, client, scenarios: builtins });
    const d = r.data as ProbeData;
    expect(d.fhir).toMatchObject({
      baseUrl: server.baseUrl,
      capabilityStatement: false,
      types: [],
      problem: 'GET metadata did not return a CapabilityStatement',
    });
    expect(r.summary).toMatch(/^no CapabilityStatement \(GET metadata did not return/);
    // `GET metadata` is routed as a search of a type named "metadata": 200, a Bundle.
    expect(server.seen[before]).toEqual({ method: 'GET', url: 'metadata', status: 200 });
    expect(r.outcome).toBe('pass');
    const by = (lookup: string, strategy: string) =>
      d.searches.find((s) => s.lookup === lookup && s.strategy === strategy)!;
    // Nothing can be ruled out without a statement: every configured strategy was asked.
    expect(d.searches.map((s) => `${s.lookup} ${s.strategy}`).sort()).toEqual(
      [
        'audit _lastUpdated',
        'audit date',
        'notification communication',
        'notification flag',
        'notification task',
        'order identifier',
        'order identifier-type',
        'order subject',
        'patient identifier',
        'patient identifier-type',
        'results based-on',
        'results report',
        'results subject-code',
        'specimen accession',
        'specimen identifier',
      ].sort(),
    );
    // One more request per resource type: a parameter no server knows. This engine answers it
    // 200 too, so it never says when it ignores a parameter (search.html#errors).
    const types = new Set(d.searches.map((s) => s.query.split('?')[0]));
    expect(r.exchanges).toHaveLength(d.searches.length + 1 + types.size);
    // Every search answers 200 with a Bundle and no self link, and the server ignores unknown
    // parameters silently: no answer can confirm the parameters were applied. That includes
    // :of-type, which this engine never matches; the scenarios' positive controls catch it.
    for (const s of d.searches) {
      expect(s.support, s.query).toBe('unconfirmed');
      expect(s.detail).toMatch(/also answers 200 to a parameter it cannot know/);
    }
    expect(by('patient', 'identifier-type').query).toMatch(/^Patient\?identifier:of-type=/);
    expect(d.coverage).toHaveLength(builtins.length);
    expect(d.coverage.filter((x) => !x.exercisable)).toEqual([]);
    expect(d.coverage.find((x) => x.scenario === 'baseline.order-result')!.why).toMatch(
      /based-on \(unconfirmed\)/,
    );
  });
});
