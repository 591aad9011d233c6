import { describe, expect, it } from 'vitest';
import { oru, patientWithOrder, testSite } from './helpers.js';

type Bundle = {
  total: number;
  link: { relation: string; url: string }[];
  entry?: { resource: { id: string } }[];
};
type OO = { resourceType: string; issue: { code: string; diagnostics: string }[] };
type AE = {
  action: string;
  outcome: string;
  recorded: string;
  subtype: { code: string }[];
  agent: { altId: string; who: { display: string } }[];
  entity?: {
    what?: { reference?: string; identifier?: { value: string } };
    type?: { code: string };
  }[];
};

describe('FHIR API', () => {
  it('searches with tokens, references, dates and _lastUpdated, and pages with links', async () => {
    const t = await testSite();
    const { person, placer } = await patientWithOrder(t);
    const values = ['4.0', '4.1', '4.2', '4.3', '4.4'];
    const codes = ['2823-3', '2951-2', '2075-0', '6298-4', '1963-8'];
    await t.send(
      oru(
        person,
        { placer },
        values.map((value, i) => ({
          value,
          code: `${codes[i]}^T${i}^LN`,
          time: `2026032${i + 1}100000+0100`,
        })),
      ),
    );
    const [p] = await t.search<{ id: string }>(`/Patient?identifier=${person.mrn}`);
    const page1 = (await t.get<Bundle>(`/Observation?patient=Patient/${p!.id}&_count=2`)).body;
    expect(page1.total).toBe(5);
    expect(page1.entry).toHaveLength(2);
    const next = page1.link.find((l) => l.relation === 'next')!.url;
    const page2 = (await t.get<Bundle>(next)).body;
    expect(page2.entry).toHaveLength(2);
    expect(page2.link.some((l) => l.relation === 'previous')).toBe(true);
    const page3 = (await t.get<Bundle>(page2.link.find((l) => l.relation === 'next')!.url)).body;
    expect(page3.entry).toHaveLength(1);
    expect(page3.link.some((l) => l.relation === 'next')).toBe(false);
    const ids = new Set(
      [...page1.entry!, ...page2.entry!, ...page3.entry!].map((e) => e.resource.id),
    );
    expect(ids.size).toBe(5);
    const q = (s: string) => t.search(`/Observation?subject=Patient/${p!.id}&${s}`);
    expect(await q('code=http://loinc.org|2951-2')).toHaveLength(1);
    expect(await q('code=2951-2,2075-0')).toHaveLength(2);
    expect(await q('status=final')).toHaveLength(5);
    expect(await q('date=2026-03-23')).toHaveLength(1);
    expect(await q('date=ge2026-03-23&date=lt2026-03-25')).toHaveLength(2);
    expect(await q(`date=gt2026-03-24T09:00:00%2B01:00`)).toHaveLength(2);
    expect(await q('_lastUpdated=gt2000-01-01')).toHaveLength(5);
    expect(await q('_lastUpdated=lt2000-01-01')).toHaveLength(0);
    expect(await t.search(`/Patient?family=testper`)).not.toHaveLength(0);
  });

  it('answers bad requests with OperationOutcome and the right status, and keeps serving', async () => {
    const t = await testSite({ maxBodyBytes: 2048 });
    const cases: [string, number, string][] = [
      ['/Observation?colour=red', 400, 'invalid'],
      ['/Observation?date=yesterday', 400, 'invalid'],
      ['/Observation?code:below=x', 400, 'invalid'],
      ['/Observation?_count=-1', 400, 'invalid'],
      ['/Observation/nope', 404, 'not-found'],
      ['/Banana', 404, 'not-supported'],
    ];
    for (const [path, status, code] of cases) {
      const r = await t.get<OO>(path);
      expect([path, r.status, r.body.resourceType, r.body.issue[0]!.code]).toEqual([
        path,
        status,
        'OperationOutcome',
        code,
      ]);
    }
    const big = { resourceType: 'Device', note: [{ text: 'x'.repeat(4000) }] };
    expect((await t.post<OO>('/Device', big)).status).toBe(413);
    expect((await t.post<OO>('/Device', '{not json')).status).toBe(400);
    expect(
      (await t.post<OO>('/Device', '<xml/>', 'POST', { 'content-type': 'application/xml' })).status,
    ).toBe(415);
    expect((await t.post<OO>('/Patient', { resourceType: 'Patient' })).status).toBe(405);
    expect((await t.post<OO>('/Device', { resourceType: 'Patient' })).status).toBe(400);
    expect(
      (await t.post<OO>('/Device/a1', { resourceType: 'Device', id: 'b2' }, 'PUT')).status,
    ).toBe(400);
    const bad = await t.post<OO>('/Observation', {
      resourceType: 'Observation',
      status: 'done',
      code: { text: 'x' },
    });
    expect([bad.status, bad.body.issue[0]!.code]).toEqual([422, 'code-invalid']);
    expect((await t.get('/metadata')).status).toBe(200);
  });

  it('audits every read, search, write and message with who, what, when, outcome', async () => {
    const t = await testSite();
    const { person, placer } = await patientWithOrder(t);
    const msgId = 'AUDITMSG1';
    await t.send(oru(person, { placer, id: msgId }, [{ value: '4.0' }]));
    const [p] = await t.search<{ id: string }>(`/Patient?identifier=${person.mrn}`);
    await t.get(`/Patient/${p!.id}`, { 'x-golive-user': 'nurse.jo' });
    await t.get(`/Patient/${p!.id}`, {
      authorization: `Basic ${Buffer.from('dr.lee:pw').toString('base64')}`,
    });
    await t.get(`/Patient/missing`, { 'x-golive-user': 'nurse.jo' });
    const dev = await t.post<{ id: string }>(
      '/Device',
      { resourceType: 'Device', status: 'active' },
      'POST',
      { 'x-golive-user': 'tech.sam' },
    );
    const reads = await t.search<AE>(`/AuditEvent?entity=Patient/${p!.id}&action=R`);
    expect(reads.map((a) => a.agent[0]!.altId).sort()).toEqual(['dr.lee', 'nurse.jo']);
    expect(reads[0]!.recorded).toMatch(/[+-]\d\d:\d\d$/);
    const failed = await t.search<AE>(`/AuditEvent?entity=Patient/missing`);
    expect(failed[0]!.outcome).toBe('4');
    const created = await t.search<AE>(
      `/AuditEvent?entity=Device/${dev.body.id}&action=C&altid=tech.sam`,
    );
    expect(created[0]!.subtype[0]!.code).toBe('create');
    const msg = await t.search<AE>(`/AuditEvent?entity-identifier=${msgId}`);
    expect(msg).toHaveLength(1);
    expect(msg[0]).toMatchObject({ action: 'C', outcome: '0', agent: [{ altId: 'TESTAPP' }] });
    expect(msg[0]!.subtype.map((s) => s.code)).toEqual(['R01', 'ORU^R01']);
    expect(msg[0]!.entity!.some((e) => e.what?.reference?.startsWith('Observation/'))).toBe(true);
    expect(msg[0]!.entity!.find((e) => e.type?.code === 'message')!.what!.identifier!.value).toBe(
      msgId,
    );
    const searches = await t.search<AE>(`/AuditEvent?action=E&subtype=search-type`);
    expect(searches.length).toBeGreaterThan(0);
  });

  it('control API: pause refuses MLLP and answers 503, resume restores, restart without a data file empties', async () => {
    const t = await testSite();
    await patientWithOrder(t);
    expect((await t.post('/control/pause', undefined)).status).toBe(200);
    expect((await t.client.send(oru(undefined, { placer: 'x' }, [{}]))).status).toMatch(
      /refused|reset/,
    );
    expect((await t.get('/Patient')).status).toBe(503);
    expect((await t.post('/control/resume', undefined)).status).toBe(200);
    expect((await t.search('/Patient')).length).toBe(1);
    const st = await t.get<{ counts: Record<string, number> }>('/control/status');
    expect(st.body.counts.Patient).toBe(1);
    await t.post('/control/restart', undefined);
    expect(await t.search('/Patient')).toHaveLength(0);
  });
});
