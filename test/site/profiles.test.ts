/**
 * Site profiles (docs/site.md, Profiles): real HL7 v2 over MLLP to a started site in each
 * profile, FHIR read back over HTTP. Checks how each profile represents the same facts, the
 * search semantics a client relies on (identifier by value, `:of-type`, ignored parameters left
 * out of Bundle.link[self]), the CapabilityStatement per profile, and that every resource the
 * minimal profile serves is valid R4.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Hl7Message } from '../../src/hl7/index.js';
import { FORWARD_APP, NOTIFY_APP, PROFILE_NAMES, type ProfileName } from '../../src/site/index.js';
import { problems } from './fhir-validator.js';
import {
  adt,
  downstream,
  onCleanup,
  order,
  oru,
  patientWithOrder,
  testSite,
  uid,
  until,
  type TestSite,
} from './helpers.js';
import { results } from './portable-probes.js';
import { sterilizationStory } from './stories.js';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const typed = (code: string) => ({ coding: [{ system: V2_0203, code }] });

type Ident = { system?: string; value?: string; type?: unknown; assigner?: unknown };
type R = Record<string, unknown> & { id: string; identifier?: Ident[] };
type Bundle = {
  total?: number;
  link?: { relation: string; url: string }[];
  entry?: { resource: R }[];
};
type Capability = {
  rest: {
    resource: { type: string; searchParam?: { name: string; type: string }[] }[];
  }[];
};

const selfLink = (b: Bundle) => b.link!.find((l) => l.relation === 'self')!.url;
const selfKeys = (b: Bundle) => [...new URL(selfLink(b)).searchParams.keys()];

/** One order with a specimen and two results (a numeric with a range, a text with none). */
async function story(t: TestSite) {
  const specimen = uid('S');
  const { person, placer } = await patientWithOrder(t, { specimen, priority: 'S' });
  const ack = await t.send(
    oru(person, { placer, specimen }, [
      { value: '4.1', range: '3.5-5.1' },
      { code: '8251-1^Comment^LN', type: 'TX', value: 'see note', units: '', range: 'negative' },
    ]),
  );
  expect(ack.code).toBe('AA');
  const [patient] = await t.search<R>(`/Patient?identifier=${person.mrn}`);
  const [sr] = await t.search<R>(`/ServiceRequest?identifier=${placer}`);
  const [sp] = await t.search<R>(`/Specimen?accession=${specimen}`);
  const obs = await t.search<R>(`/Observation?based-on=ServiceRequest/${sr!.id}`);
  return { person, placer, specimen, patient: patient!, sr: sr!, sp: sp!, obs };
}

beforeAll(() => {
  problems({ resourceType: 'Basic', code: { text: 'warm up' } });
}, 60_000);

describe('how each profile represents the same facts', () => {
  it('standard: systems on identifiers, Observation identifiers, DiagnosticReport, range text', async () => {
    const t = await testSite({ profile: 'standard' });
    const s = await story(t);
    expect(s.patient.identifier).toEqual([
      { type: typed('MR'), system: 'urn:golive:mrn:RGH', value: s.person.mrn },
    ]);
    expect(s.sr.identifier).toEqual([
      { type: typed('PLAC'), system: 'urn:golive:placer', value: s.placer },
      { type: typed('FILL'), system: 'urn:golive:filler', value: `F${s.placer}` },
    ]);
    expect(s.sp.accessionIdentifier).toEqual({
      system: 'urn:golive:accession',
      value: s.specimen,
    });
    const k = s.obs.find((o) => JSON.stringify(o.code).includes('2823-3'))!;
    expect(k.identifier).toEqual([{ system: 'urn:golive:obs', value: `F${s.placer}/2823-3/` }]);
    expect((k.referenceRange as { text?: string }[])[0]!.text).toBe('3.5-5.1');
    const reports = await t.search<R>(`/DiagnosticReport?based-on=ServiceRequest/${s.sr.id}`);
    expect(reports).toHaveLength(1);
    expect((reports[0]!.result as unknown[]).length).toBe(2);
  });

  it('minimal: identifiers typed by v2-0203 without system, no Observation identifier, no report, low/high only', async () => {
    const t = await testSite({ profile: 'minimal' });
    const s = await story(t);
    expect(s.patient.identifier).toEqual([
      { type: typed('MR'), value: s.person.mrn, assigner: { display: 'RGH' } },
    ]);
    expect(s.sr.identifier).toEqual([
      { type: typed('PLAC'), value: s.placer },
      { type: typed('FILL'), value: `F${s.placer}` },
    ]);
    expect(s.sr.requester).toEqual({ identifier: { type: typed('PRN'), value: 'DOC1' } });
    expect(s.sr.priority).toBe('stat');
    expect(s.sp.accessionIdentifier).toEqual({ type: typed('ACSN'), value: s.specimen });
    expect(s.obs).toHaveLength(2);
    for (const o of s.obs) {
      expect(o.identifier).toBeUndefined();
      expect(o.basedOn).toEqual([{ reference: `ServiceRequest/${s.sr.id}` }]);
      expect(o.specimen).toEqual({ reference: `Specimen/${s.sp.id}` });
    }
    const k = s.obs.find((o) => JSON.stringify(o.code).includes('2823-3'))!;
    expect(k.referenceRange).toEqual([
      {
        low: { value: 3.5, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
        high: { value: 5.1, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
      },
    ]);
    // A range with no bounds has nothing structured to say: no referenceRange (R4 obs-3).
    const note = s.obs.find((o) => JSON.stringify(o.code).includes('8251-1'))!;
    expect(note.referenceRange).toBeUndefined();
    // No DiagnosticReport: not served at all, as an unsupported type.
    for (const path of [
      `/DiagnosticReport?based-on=ServiceRequest/${s.sr.id}`,
      '/DiagnosticReport/any',
    ]) {
      const r = await t.get<{ resourceType: string; issue: { code: string }[] }>(path);
      expect([path, r.status, r.body.resourceType, r.body.issue[0]!.code]).toEqual([
        path,
        404,
        'OperationOutcome',
        'not-supported',
      ]);
    }
    // The order still completes on a final result, with no report to say so.
    await t.send(oru(s.person, { placer: s.placer, status: 'F' }, [{ value: '4.2', status: 'C' }]));
    expect((await t.search<R>(`/ServiceRequest?identifier=${s.placer}`))[0]!.status).toBe(
      'completed',
    );
    expect((await results(t, s.placer))[0]!.status).toBe('corrected');
  });

  it('minimal: identity rules still hold with typed identifiers (merge retires, A47 marks old)', async () => {
    const t = await testSite({ profile: 'minimal' });
    const a = await patientWithOrder(t);
    const b = await patientWithOrder(t);
    await t.send(oru(a.person, { placer: a.placer }, [{}]));
    expect((await t.send(adt('A40', b.person, { mrg: a.person.mrn }))).code).toBe('AA');
    const later = await t.send(adt('A08', a.person));
    expect(later.code).toBe('AE');
    expect(later.errors[0]!.message).toBe(
      `MRN ${a.person.mrn} was retired (merged into ${b.person.mrn})`,
    );
    const next = uid('N');
    expect((await t.send(adt('A47', { mrn: next }, { mrg: b.person.mrn }))).code).toBe('AA');
    const [p] = await t.search<R>(`/Patient?identifier=${next}`);
    expect(p!.identifier).toEqual([
      { type: typed('MR'), value: b.person.mrn, assigner: { display: 'RGH' }, use: 'old' },
      { use: 'usual', type: typed('MR'), value: next, assigner: { display: 'RGH' } },
    ]);
    // An MRN from another authority is another patient, even with the same value.
    const other = await t.send(adt('A08', { mrn: next, authority: 'OTHER' }));
    expect(other.code).toBe('AE');
    expect(other.errors[0]!.message).toBe(`unknown patient ${next}`);
  });

  it('minimal: a correction after a restart updates the same Observation (the result key is kept in the data file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-site-'));
    onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
    const t = await testSite({ profile: 'minimal', dataFile: join(dir, 'site.db') });
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '4.0' }]));
    const [before] = await results(t, placer);
    await t.site.restart();
    // The restart closed the sender's connection: it resends (same MSH-10), as a sender does.
    const sent = await t.client.send(oru(person, { placer }, [{ value: '4.4', status: 'C' }]), {
      retries: 3,
    });
    expect(sent.ackCode).toBe('AA');
    const after = await results(t, placer);
    expect(after.map((o) => [o.status, o.valueQuantity?.value])).toEqual([['corrected', 4.4]]);
    expect(after[0]!.id).toBe(before!.id);
    expect(t.site.status()).toMatchObject({ profile: 'minimal' });
  });

  it('minimal: every resource served is valid R4 (the same story as validation.test.ts, no report)', async () => {
    const d = await downstream();
    const t = await testSite({ profile: 'minimal', downstream: d.listener.address });
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
        {
          code: '1751-7^Albumin^LN',
          type: 'SN',
          value: '<^0.5',
          units: 'g/dL^g/dL^UCUM',
          range: '<5',
        },
        { code: '5778-6^Color^LN', type: 'CWE', value: 'YEL^Yellow^L', units: '', range: '' },
        { code: '8251-1^Comment^LN', type: 'TX', value: 'H\\T\\E café', units: '', range: 'n/a' },
      ]),
    );
    await t.send(oru(b.person, { placer: b.placer }, [{ value: '4.0', status: 'P' }]));
    await t.send(oru(b.person, { placer: b.placer }, [{ value: '', status: 'W' }]));
    await t.send(adt('A40', a.person, { mrg: b.person.mrn }));
    await t.send(order(a.person, { control: 'CA', placer: a.placer }));
    await t.send(adt('A47', { mrn: uid('N') }, { mrg: a.person.mrn }));
    await sterilizationStory(t, 'fail');
    await until(async () =>
      (await t.search<{ sent?: string }>('/Communication')).some((c) => c.sent),
    );
    let checked = 0;
    for (const type of [
      'Patient',
      'ServiceRequest',
      'Specimen',
      'Observation',
      'Communication',
      'Device',
      'Procedure',
      'List',
      'AuditEvent',
    ]) {
      const r = await t.get<Bundle>(`/${type}?_count=500`);
      expect([type, problems(r.body)]).toEqual([type, []]);
      expect([type, (r.body.entry ?? []).length > 0]).toEqual([type, true]);
      for (const e of r.body.entry ?? []) {
        expect([type, e.resource.id, problems(e.resource)]).toEqual([type, e.resource.id, []]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
    for (const path of ['/metadata', '/DiagnosticReport', '/AuditEvent?date=ge2026-01-01']) {
      expect([path, problems((await t.get(path)).body)]).toEqual([path, []]);
    }
  }, 60_000);
});

describe('search semantics', () => {
  for (const profile of PROFILE_NAMES) {
    it(`${profile}: identifier by value alone, system|value, and :of-type (v2-0203)`, async () => {
      const t = await testSite({ profile });
      const s = await story(t);
      const count = async (q: string) => (await t.search(q)).length;
      expect(await count(`/ServiceRequest?identifier=${s.placer}`)).toBe(1);
      expect(await count(`/ServiceRequest?identifier=F${s.placer}`)).toBe(1);
      const system = profile === 'standard' ? 'urn:golive:placer' : '';
      // `|value` is "no system" (R4 search.html#token): true only where the site writes none.
      expect(await count(`/ServiceRequest?identifier=${system}|${s.placer}`)).toBe(1);
      expect(await count(`/ServiceRequest?identifier=|${s.placer}`)).toBe(
        profile === 'minimal' ? 1 : 0,
      );
      const ofType = (code: string, v: string) =>
        `identifier:of-type=${encodeURIComponent(`${V2_0203}|${code}|${v}`)}`;
      expect(await count(`/ServiceRequest?${ofType('PLAC', s.placer)}`)).toBe(1);
      expect(await count(`/ServiceRequest?${ofType('FILL', `F${s.placer}`)}`)).toBe(1);
      // The placer number is not a filler number: the type must match too.
      expect(await count(`/ServiceRequest?${ofType('FILL', s.placer)}`)).toBe(0);
      expect(await count(`/ServiceRequest?${ofType('PLAC', s.placer)}&status=completed`)).toBe(1);
      const typedMrn = await count(`/Patient?${ofType('MR', s.person.mrn)}`);
      expect(typedMrn).toBe(1);
      if (profile === 'minimal')
        expect(
          await count(
            `/Specimen?accession:of-type=${encodeURIComponent(`${V2_0203}|ACSN|${s.specimen}`)}`,
          ),
        ).toBe(1);
      // All three parts are required; a modifier a parameter does not have is refused.
      for (const q of [
        `/ServiceRequest?identifier:of-type=${s.placer}`,
        `/ServiceRequest?identifier:of-type=${encodeURIComponent(`${V2_0203}||${s.placer}`)}`,
        `/ServiceRequest?status:of-type=x|y|z`,
        `/ServiceRequest?identifier:text=${s.placer}`,
      ]) {
        const r = await t.get<{ resourceType: string }>(q);
        expect([q, r.status, r.body.resourceType]).toEqual([q, 400, 'OperationOutcome']);
      }
    });

    it(`${profile}: results by based-on, subject/patient + code + date, _lastUpdated`, async () => {
      const t = await testSite({ profile });
      const before = new Date(Date.now() - 1000).toISOString();
      const s = await story(t);
      const count = async (q: string) => (await t.search(q)).length;
      const pid = s.patient.id;
      expect(await count(`/Observation?based-on=ServiceRequest/${s.sr.id}`)).toBe(2);
      expect(await count(`/Observation?based-on=${s.sr.id}&code=2823-3`)).toBe(1);
      const code = encodeURIComponent('http://loinc.org|2823-3');
      expect(
        await count(`/Observation?subject=Patient/${pid}&code=${code}&date=ge2026-03-27`),
      ).toBe(1);
      expect(await count(`/Observation?patient=${pid}&code=2823-3&date=lt2026-03-27`)).toBe(0);
      expect(
        await count(
          `/Observation?patient=Patient/${pid}&code=2823-3&date=2026-03-27T14:15:00%2B01:00`,
        ),
      ).toBe(1);
      expect(await count(`/Observation?patient=${pid}&_lastUpdated=ge${before}`)).toBe(2);
      expect(await count(`/Observation?patient=${pid}&_lastUpdated=lt${before}`)).toBe(0);
      // A final result completes the order (R4 request-status).
      expect(await count(`/ServiceRequest?patient=${pid}&status=completed`)).toBe(1);
      expect(await count(`/ServiceRequest?patient=${pid}&status=active,revoked`)).toBe(0);
      expect(await count(`/ServiceRequest?identifier=${s.placer}&patient=${pid}`)).toBe(1);
    });

    it(`${profile}: critical notification as a Communication, found by based-on, subject, patient, sent`, async () => {
      const d = await downstream();
      const t = await testSite({ profile, downstream: d.listener.address });
      const { person, placer } = await patientWithOrder(t);
      await t.send(oru(person, { placer }, [{ value: '1.9', flags: 'LL' }]));
      const [sr] = await t.search<R>(`/ServiceRequest?identifier=${placer}`);
      const pid = (sr!.subject as { reference: string }).reference.split('/')[1]!;
      const raised = await until(async () =>
        (await t.search<R>(`/Communication?based-on=ServiceRequest/${sr!.id}`)).find((c) => c.sent),
      );
      for (const q of [
        `/Communication?subject=Patient/${pid}`,
        `/Communication?patient=${pid}`,
        `/Communication?patient=${pid}&sent=ge2000-01-01`,
        `/Communication?based-on=${sr!.id}&sent=le2999-01-01`,
      ])
        expect([q, (await t.search<R>(q)).map((c) => c.id)]).toEqual([q, [raised.id]]);
      expect(await t.search(`/Communication?patient=${pid}&sent=lt2000-01-01`)).toEqual([]);
      // A later result's forward is delivered after anything queued before it (one ordered
      // queue), so once it is in, every message the critical result caused is in too.
      const marker = uid('P');
      const m = await patientWithOrder(t, { placer: marker });
      await t.send(oru(m.person, { placer: marker }, [{ value: '4.0' }]));
      await until(() => d.got.some((g) => g.get('OBR-2') === marker));
      const to = (g: Hl7Message) => g.get('MSH-5');
      const notified = d.got.filter((g) => to(g) === NOTIFY_APP && g.get('OBR-2') === placer);
      const forwarded = d.got.filter((g) => to(g) === FORWARD_APP && g.get('OBR-2') === placer);
      expect(forwarded).toHaveLength(1);
      if (profile === 'minimal') {
        expect(notified).toHaveLength(0);
        expect(raised.status).toBe('completed');
        expect(raised.identifier).toBeUndefined();
        expect(raised.received).toBeUndefined();
        expect((raised.recipient as { identifier: unknown }[])[0]!.identifier).toEqual({
          type: typed('PRN'),
          value: 'DOC1',
        });
      } else {
        expect(notified).toHaveLength(1);
        const acked = await until(async () =>
          (await t.search<R>(`/Communication?based-on=ServiceRequest/${sr!.id}`)).find(
            (c) => c.received,
          ),
        );
        expect(acked.status).toBe('completed');
      }
    });
  }

  it('minimal: AuditEvent date is ignored and left out of the self link; _lastUpdated applies', async () => {
    const t = await testSite({ profile: 'minimal' });
    await patientWithOrder(t);
    const future = 'ge2999-01-01';
    const r = await t.get<Bundle>(`/AuditEvent?date=${future}&action=C`);
    expect(r.status).toBe(200);
    // Not applied: records from today are returned, and the self link says what was applied.
    expect(r.body.entry!.length).toBeGreaterThan(0);
    expect(selfKeys(r.body)).toEqual(['action', '_count', '_offset']);
    const both = await t.get<Bundle>(`/AuditEvent?date=${future}&_lastUpdated=${future}`);
    expect(both.body.entry ?? []).toEqual([]);
    expect(selfKeys(both.body)).toEqual(['_lastUpdated', '_count', '_offset']);
    // A client that wants to know can ask for strict handling (R4 search.html#errors).
    const strict = await t.get<{ resourceType: string }>(`/AuditEvent?date=${future}`, {
      prefer: 'handling=strict',
    });
    expect([strict.status, strict.body.resourceType]).toEqual([400, 'OperationOutcome']);
  });

  it('standard: AuditEvent date applies and stays in the self link; unknown parameters are refused', async () => {
    const t = await testSite({ profile: 'standard' });
    await patientWithOrder(t);
    const r = await t.get<Bundle>('/AuditEvent?date=ge2999-01-01');
    expect(r.body.entry ?? []).toEqual([]);
    expect(selfKeys(r.body)).toEqual(['date', '_count', '_offset']);
    expect((await t.get('/Observation?foo=bar')).status).toBe(400);
    const lenient = await t.get<Bundle>('/Observation?foo=bar', { prefer: 'handling=lenient' });
    expect(lenient.status).toBe(200);
    expect(selfKeys(lenient.body)).toEqual(['_count', '_offset']);
  });

  it('minimal: paging follows next links; every page keeps what was applied and drops what was not', async () => {
    const t = await testSite({ profile: 'minimal' });
    const { person, placer } = await patientWithOrder(t);
    await t.send(
      oru(
        person,
        { placer },
        [1, 2, 3, 4, 5].map((i) => ({ code: `C${i}^Test ${i}^L`, value: String(i) })),
      ),
    );
    const [sr] = await t.search<R>(`/ServiceRequest?identifier=${placer}`);
    let url: string | undefined =
      `/Observation?based-on=ServiceRequest/${sr!.id}&unknown-thing=1&_count=2`;
    const seen: string[] = [];
    let pages = 0;
    while (url) {
      const page: { status: number; body: Bundle } = await t.get<Bundle>(url);
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(5);
      for (const l of page.body.link!) {
        const keys = [...new URL(l.url).searchParams.keys()];
        expect([l.relation, keys]).toEqual([l.relation, ['based-on', '_count', '_offset']]);
      }
      seen.push(...(page.body.entry ?? []).map((e) => e.resource.id));
      url = page.body.link!.find((l) => l.relation === 'next')?.url;
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
  });
});

describe('CapabilityStatement per profile', () => {
  const capability = async (t: TestSite) => (await t.get<Capability>('/metadata')).body;
  const params = (c: Capability, type: string) =>
    c.rest[0]!.resource.find((r) => r.type === type)?.searchParam?.map((p) => p.name) ?? [];

  it('states the resource types and search parameters each profile serves', async () => {
    const std = await capability(await testSite({ profile: 'standard' }));
    const min = await capability(await testSite({ profile: 'minimal' }));
    const types = (c: Capability) => c.rest[0]!.resource.map((r) => r.type);
    expect(types(std)).toContain('DiagnosticReport');
    expect(types(min)).not.toContain('DiagnosticReport');
    expect(types(min)).toEqual(types(std).filter((x) => x !== 'DiagnosticReport'));
    expect(params(std, 'AuditEvent')).toContain('date');
    expect(params(min, 'AuditEvent')).not.toContain('date');
    for (const c of [std, min]) {
      expect(params(c, 'AuditEvent')).toContain('_lastUpdated');
      expect(params(c, 'Observation')).toEqual(
        expect.arrayContaining(['based-on', 'subject', 'patient', 'code', 'date', '_lastUpdated']),
      );
      expect(params(c, 'ServiceRequest')).toEqual(
        expect.arrayContaining(['identifier', 'patient', 'status']),
      );
      expect(params(c, 'Communication')).toEqual(
        expect.arrayContaining(['based-on', 'subject', 'patient', 'sent']),
      );
      expect(problems(c)).toEqual([]);
    }
  });

  const sample: Record<string, string> = {
    token: 'x',
    reference: 'Patient/x',
    date: 'ge2020-01-01',
    string: 'x',
  };

  for (const profile of PROFILE_NAMES) {
    it(`${profile}: every parameter it states is applied (kept in the self link), on every type`, async () => {
      const t = await testSite({ profile });
      const c = await capability(t);
      let tried = 0;
      for (const r of c.rest[0]!.resource) {
        for (const p of r.searchParam ?? []) {
          const q = `/${r.type}?${p.name}=${encodeURIComponent(sample[p.type]!)}`;
          const res = await t.get<Bundle>(q);
          expect([q, res.status, selfKeys(res.body)[0]]).toEqual([q, 200, p.name]);
          tried++;
        }
      }
      expect(tried).toBeGreaterThan(60);
    });
  }

  it('a parameter or type it does not state is not applied: minimal ignores it, standard refuses it', async () => {
    const outcome = async (profile: ProfileName) => {
      const t = await testSite({ profile });
      const r = await t.get<Bundle>('/Observation?not-a-param=1');
      return [r.status, r.status === 200 ? selfKeys(r.body) : undefined];
    };
    expect(await outcome('minimal')).toEqual([200, ['_count', '_offset']]);
    expect(await outcome('standard')).toEqual([400, undefined]);
  });
});

describe('profile option', () => {
  it('defaults to standard and rejects an unknown profile with a dot-path message', async () => {
    const t = await testSite();
    expect(t.site.options.profile).toBe('standard');
    await expect(testSite({ profile: 'rich' as ProfileName })).rejects.toMatchObject({
      code: 'E_SITE_CONFIG',
      message: expect.stringContaining('profile'),
    });
  });
});
