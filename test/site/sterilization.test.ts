import { describe, expect, it } from 'vitest';
import { testSite } from './helpers.js';
import { sterilizationStory } from './stories.js';

type Dev = { id: string; status: string; safety?: { coding: { code: string }[] }[] };
type List = { entry?: { item: { reference: string } }[]; source: { reference: string } };
type Proc = { id: string; complication?: { coding: { code: string }[] }[] };

describe('sterilization cycles over FHIR', () => {
  it('a failed cycle flags the trays of the load and lists the procedures that used them', async () => {
    const t = await testSite();
    const s = await sterilizationStory(t, 'fail');
    expect(s.cycle.status).toBe(201);
    for (const tr of [s.t1, s.t2]) {
      const d = (await t.get<Dev>(`/Device/${tr.id}`)).body;
      expect(d.status).toBe('inactive');
      expect(d.safety![0]!.coding[0]!.code).toBe('failed-cycle');
    }
    expect((await t.get<Dev>(`/Device/${s.other.id}`)).body.status).toBe('active');
    const [list] = await t.search<List>(`/List?identifier=${s.cycleId}`);
    expect(list!.entry!.map((e) => e.item.reference)).toEqual([`Procedure/${s.used.id}`]);
    expect(list!.source.reference).toBe(`Device/${s.ster.id}`);
    expect(
      (await t.get<Proc>(`/Procedure/${s.used.id}`)).body.complication![0]!.coding[0]!.code,
    ).toBe('failed-cycle-exposure');
    expect((await t.get<Proc>(`/Procedure/${s.unrelated.id}`)).body.complication).toBeUndefined();
    expect(await t.search(`/Device?identifier=urn:golive:tray|${'x'}`)).toHaveLength(0);
    expect(await t.search(`/Device?status=inactive`)).toHaveLength(2);
  });

  it('a passed cycle changes nothing', async () => {
    const t = await testSite();
    const s = await sterilizationStory(t, 'pass');
    expect((await t.get<Dev>(`/Device/${s.t1.id}`)).body.status).toBe('active');
    expect(await t.search(`/List?identifier=${s.cycleId}`)).toHaveLength(0);
  });
});
