import { describe, expect, it } from 'vitest';
import { adt, oru, patientWithOrder, testSite } from './helpers.js';

describe('site smoke', () => {
  it('registers, orders, files a result and serves it over FHIR', async () => {
    const t = await testSite();
    const { person, placer } = await patientWithOrder(t);
    const r = await t.send(oru(person, { placer }, [{ value: '4.10' }]));
    expect(r.code).toBe('AA');
    const pats = await t.search<{ id: string }>(
      `/Patient?identifier=urn:golive:mrn:RGH|${person.mrn}`,
    );
    expect(pats).toHaveLength(1);
    const res = await t.get(`/Observation?patient=Patient/${pats[0]!.id}`);
    expect(res.status).toBe(200);
    console.log(JSON.stringify(res.body, null, 1).slice(0, 3000));
    void adt;
  });
});
