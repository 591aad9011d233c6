/**
 * The AuditEvents the reference site writes for FHIR interactions (R4 auditevent.html, IHE
 * BALP): a search is recorded as what was asked (entity.query, base64) and for whom (the
 * patient entity), whatever it found; refused interactions still name what was attempted.
 */
import { describe, expect, it } from 'vitest';
import { testSite, uid, type TestSite } from './helpers.js';

interface Entity {
  what?: { reference?: string };
  type?: { system?: string; code?: string };
  role?: { code?: string };
  query?: string;
}
interface AE {
  id: string;
  type: { code: string };
  subtype: { code: string }[];
  action: string;
  outcome: string;
  entity?: Entity[];
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

/** Audit records whose logged query contains `text`. */
async function byQuery(t: TestSite, text: string): Promise<AE[]> {
  const all = await t.search<AE>('/AuditEvent?action=E&_count=500');
  return all.filter((a) => a.entity?.some((e) => e.query && decode(e.query).includes(text)));
}

describe('audit records of searches', () => {
  it('record a search that found nothing: type rest, search-type, action E, the query and the patient', async () => {
    const t = await testSite();
    const patient = `Patient/${uid('nobody')}`;
    const r = await t.get<{ total?: number }>(`/Observation?patient=${patient}&code=2823-3`);
    expect(r.status).toBe(200);
    const [ev, ...more] = await byQuery(t, `patient=${patient}`);
    expect(more).toEqual([]);
    expect(ev).toMatchObject({ type: { code: 'rest' }, action: 'E', outcome: '0' });
    expect(ev!.subtype.map((s) => s.code)).toEqual(['search-type']);
    const q = ev!.entity!.find((e) => e.query)!;
    expect(decode(q.query!)).toBe(`${t.site.fhirBase}/Observation?patient=${patient}&code=2823-3`);
    expect(q.role?.code).toBe('24'); // object-role Query
    const who = ev!.entity!.find((e) => e.what?.reference === patient)!;
    expect(who.role?.code).toBe('1'); // object-role Patient
    expect(who.type?.code).toBe('1'); // audit-entity-type Person
  });

  it('name the patient of a subject search, not of a search by another reference', async () => {
    const t = await testSite();
    const id = uid('p');
    await t.get(`/Communication?subject=Patient/${id}`);
    await t.get(`/Observation?specimen=Specimen/${id}`);
    const [subject] = await byQuery(t, `subject=Patient/${id}`);
    expect(subject!.entity!.map((e) => e.what?.reference).filter(Boolean)).toEqual([
      `Patient/${id}`,
    ]);
    const [specimen] = await byQuery(t, `specimen=Specimen/${id}`);
    expect(specimen!.entity!.filter((e) => e.what)).toEqual([]);
  });

  it('record a refused search with its query and a failure outcome', async () => {
    const t = await testSite();
    const r = await t.get(`/Observation?colour=blue`);
    expect(r.status).toBe(400);
    const [ev] = await byQuery(t, 'colour=blue');
    expect(ev).toMatchObject({ action: 'E', outcome: '4' });
  });
});

describe('audit records of writes', () => {
  it('record an update that created the resource as C, a later update as U', async () => {
    const t = await testSite();
    const id = uid('DEV');
    const device = { resourceType: 'Device', id, status: 'active' };
    expect((await t.post(`/Device/${id}`, device, 'PUT')).status).toBe(201);
    expect((await t.post(`/Device/${id}`, { ...device, status: 'inactive' }, 'PUT')).status).toBe(
      200,
    );
    const evs = await t.search<AE>(`/AuditEvent?entity=Device/${id}`);
    expect(evs.map((e) => e.action).sort()).toEqual(['C', 'U']);
    for (const e of evs) expect(e.subtype.map((s) => s.code)).toEqual(['update']);
  });

  it('name the type of a refused create, and audit a refused delete', async () => {
    const t = await testSite();
    const bad = await t.post('/Device', { resourceType: 'Device', status: 'nonsense' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    const refused = (await t.search<AE>('/AuditEvent?action=C&outcome=4')).filter((e) =>
      e.entity?.some((x) => x.type?.code === 'Device'),
    );
    expect(refused).toHaveLength(1);
    expect(refused[0]!.entity![0]!.type?.system).toBe('http://hl7.org/fhir/resource-types');
    const id = uid('obs');
    expect((await t.post(`/Observation/${id}`, undefined, 'DELETE')).status).toBe(405);
    const del = await t.search<AE>(`/AuditEvent?entity=Observation/${id}&action=D`);
    expect(del).toHaveLength(1);
    expect(del[0]).toMatchObject({ outcome: '4', subtype: [{ code: 'delete' }] });
  });
});

describe('the no-audit-on-read fault', () => {
  it('drops the records of reads and searches, keeps those of writes', async () => {
    const t = await testSite({ faults: ['no-audit-on-read'] });
    const id = uid('DEV');
    await t.post(`/Device/${id}`, { resourceType: 'Device', id, status: 'active' }, 'PUT');
    await t.get(`/Device/${id}`);
    await t.get(`/Device?status=active`);
    const evs = await t.search<AE>(`/AuditEvent?_count=500`);
    expect(evs.map((e) => e.action)).toEqual(['C']);
  });
});
