import { describe, expect, it } from 'vitest';
import { adt, order, oru, patientWithOrder, testSite, uid } from './helpers.js';

type SR = {
  id: string;
  status: string;
  subject: { reference: string };
  priority: string;
  code: { coding: { code: string }[] };
  identifier: { system: string; value: string }[];
  specimen?: { reference: string }[];
};
type Sp = {
  id: string;
  status: string;
  accessionIdentifier: { value: string };
  identifier: { value: string; use?: string }[];
  condition?: { text: string }[];
};

describe('orders inbound', () => {
  it('NW (OML and ORM) files an active ServiceRequest with placer/filler identifiers and priority', async () => {
    const t = await testSite();
    const { placer } = await patientWithOrder(t, { priority: 'S' });
    const [sr] = await t.search<SR>(`/ServiceRequest?identifier=urn:golive:placer|${placer}`);
    expect(sr).toMatchObject({ status: 'active', intent: 'order', priority: 'stat' });
    expect(sr!.identifier.find((i) => i.system === 'urn:golive:filler')!.value).toBe(`F${placer}`);
    const orm = await patientWithOrder(t, { type: 'ORM', filler: uid('F') });
    const [o2] = await t.search<SR>(`/ServiceRequest?identifier=${orm.placer}`);
    expect(o2!.priority).toBe('routine');
    expect(await t.search(`/ServiceRequest?priority=stat&identifier=${placer}`)).toHaveLength(1);
  });

  it('NW for an unknown patient is AE 204; CA of an unknown order is AE 204; other ORC-1 is AE 103', async () => {
    const t = await testSite();
    const r = await t.send(order({ mrn: uid('M') }, { placer: uid('P') }));
    expect([r.code, r.errors[0]!.code, r.errors[0]!.location]).toEqual(['AE', '204', 'PID-3']);
    const person = { mrn: uid('M') };
    await t.send(adt('A04', person));
    const ca = await t.send(order(person, { control: 'CA', placer: uid('P') }));
    expect([ca.code, ca.errors[0]!.code]).toEqual(['AE', '204']);
    const sc = await t.send(order(person, { control: 'ZZ', placer: uid('P') }));
    expect([sc.code, sc.errors[0]!.code]).toEqual(['AE', '103']);
  });

  it('CA revokes the order and a later result is refused with AE 206', async () => {
    const t = await testSite();
    const { person, placer } = await patientWithOrder(t);
    expect((await t.send(order(person, { control: 'CA', placer }))).code).toBe('AA');
    const [sr] = await t.search<SR>(`/ServiceRequest?identifier=${placer}`);
    expect(sr!.status).toBe('revoked');
    const r = await t.send(oru(person, { placer }, [{ value: '4.0' }]));
    expect([r.code, r.errors[0]!.code]).toEqual(['AE', '206']);
    expect(r.errors[0]!.message).toContain('was cancelled');
    expect(await t.search(`/Observation?based-on=ServiceRequest/${sr!.id}`)).toHaveLength(0);
  });

  it('XO changes the order in place: exactly one active order with the new details', async () => {
    const t = await testSite();
    const { person, placer } = await patientWithOrder(t);
    expect(
      (
        await t.send(
          order(person, { control: 'XO', placer, code: '2951-2^Sodium^LN', priority: 'S' }),
        )
      ).code,
    ).toBe('AA');
    const all = await t.search<SR>(`/ServiceRequest?identifier=${placer}`);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: 'active', priority: 'stat' });
    expect(all[0]!.code.coding[0]!.code).toBe('2951-2');
    // Cancel and re-enter under a new number: the first is revoked, one is active.
    const next = uid('P');
    await t.send(order(person, { control: 'CA', placer }));
    await t.send(order(person, { placer: next }));
    const active = await t.search<SR>(
      `/ServiceRequest?status=active&patient=${(await t.search<SR>(`/ServiceRequest?identifier=${next}`))[0]!.subject.reference}`,
    );
    expect(active).toHaveLength(1);
  });

  it('a specimen relabel keeps results before and after on the one specimen', async () => {
    const t = await testSite();
    const s1 = uid('S');
    const s2 = uid('S');
    const { person, placer } = await patientWithOrder(t, { specimen: s1 });
    await t.send(
      oru(person, { placer, specimen: s1 }, [{ code: '2823-3^Potassium^LN', value: '4.0' }]),
    );
    expect((await t.send(order(person, { control: 'XO', placer, specimen: s2 }))).code).toBe('AA');
    await t.send(
      oru(person, { placer, specimen: s2 }, [{ code: '2951-2^Sodium^LN', value: '140' }]),
    );
    const specimens = await t.search<Sp>(`/Specimen?identifier=${s1}`);
    expect(specimens).toHaveLength(1);
    const sp = specimens[0]!;
    expect(sp.accessionIdentifier.value).toBe(s2);
    expect(sp.identifier.find((i) => i.value === s1)!.use).toBe('old');
    expect(await t.search(`/Observation?specimen=Specimen/${sp.id}`)).toHaveLength(2);
    const [sr] = await t.search<SR>(`/ServiceRequest?identifier=${placer}`);
    expect(sr!.specimen![0]!.reference).toBe(`Specimen/${sp.id}`);
  });

  it('flags a specimen received beyond its stability window (AA with a W ERR), not within it', async () => {
    const t = await testSite({ stabilityWindowMs: 4 * 3600_000 });
    const late = uid('S');
    const r = await patientWithOrder(t, {
      specimen: late,
      collected: '20260327080000+0100',
      received: '20260327150000+0100',
    });
    const res = await t.send(
      oru(
        r.person,
        {
          placer: r.placer,
          specimen: late,
          collected: '20260327080000+0100',
          received: '20260327150000+0100',
        },
        [{}],
      ),
    );
    expect(res.code).toBe('AA');
    expect(res.errors[0]).toMatchObject({ code: '207', severity: 'W' });
    const [sp] = await t.search<Sp>(`/Specimen?accession=${late}`);
    expect(sp!.status).toBe('unsatisfactory');
    expect(sp!.condition![0]!.text).toMatch(/received after 420 min, beyond the 240 min/);
    const ok = uid('S');
    await patientWithOrder(t, {
      specimen: ok,
      collected: '20260327080000+0100',
      received: '20260327090000+0100',
    });
    const [sp2] = await t.search<Sp>(`/Specimen?accession=${ok}`);
    expect(sp2!.status).toBe('available');
  });
});
