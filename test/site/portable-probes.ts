/**
 * The probe battery of battery.ts with every result lookup made by FHIR relations only
 * (order by identifier value, results by `based-on` + `code`), so it runs on every site profile:
 * the `minimal` profile gives Observations no identifier. The other probes already look things
 * up by identifier value, accession, `based-on`, `patient` or `entity`, which every profile serves.
 */
import { PROBES, type Probe } from './battery.js';
import { oru, patientWithOrder, type TestSite } from './helpers.js';

type Obs = {
  id: string;
  status: string;
  valueQuantity?: { value: number; code?: string };
  interpretation?: unknown[];
  effectiveDateTime?: string;
  valueString?: string;
};

/** The results of an order: its ServiceRequest(s) by placer number, then `based-on` + `code`. */
export async function results(t: TestSite, placer: string, code = '2823-3'): Promise<Obs[]> {
  const orders = await t.search<{ id: string }>(`/ServiceRequest?identifier=${placer}`);
  if (orders.length === 0) return [];
  const basedOn = orders.map((o) => `ServiceRequest/${o.id}`).join(',');
  return t.search<Obs>(`/Observation?based-on=${basedOn}&code=${code}`);
}

/** File one result on a fresh order and read its Observations back. */
const filed = (code?: string) => async (t: TestSite, x: Parameters<typeof oru>[2][number]) => {
  const { person, placer } = await patientWithOrder(t);
  await t.send(oru(person, { placer }, [x]));
  return results(t, placer, code);
};

export const PORTABLE_PROBES: Record<string, Probe> = {
  ...PROBES,
  async correction(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '4.0' }]));
    await t.send(oru(person, { placer }, [{ value: '4.4', status: 'C' }]));
    return (await results(t, placer)).map((o) => [o.status, o.valueQuantity?.value]);
  },
  async retraction(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '4.0' }]));
    await t.send(oru(person, { placer }, [{ value: '', status: 'D' }]));
    return (await results(t, placer)).map((o) => o.status);
  },
  async latePrelim(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '4.0' }]));
    await t.send(oru(person, { placer }, [{ value: '3.1', status: 'P' }]));
    return (await results(t, placer)).map((o) => [o.status, o.valueQuantity?.value]);
  },
  async tz(t) {
    return (await filed()(t, { time: '20260329013000+0100' }))[0]!.effectiveDateTime;
  },
  async unit(t) {
    const [o] = await filed()(t, { value: '4.1' });
    return [o!.valueQuantity?.value, o!.valueQuantity?.code];
  },
  async flags(t) {
    return (await filed()(t, { value: '5.6', flags: 'H' }))[0]!.interpretation?.length ?? 0;
  },
  async escape(t) {
    const [o] = await filed('8251-1')(t, {
      code: '8251-1^Comment^LN',
      type: 'TX',
      value: 'H\\T\\E \\F\\ café',
      units: '',
    });
    return o!.valueString;
  },
  async duplicate(t) {
    const { person, placer } = await patientWithOrder(t);
    const msg = oru(person, { placer }, [{}]);
    await t.send(msg);
    const again = await t.send(msg);
    return [again.code, (await results(t, placer)).length];
  },
  async restart(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '4.2' }]));
    await t.site.restart();
    return (await results(t, placer)).length;
  },
};

/** Run every portable probe in order (restart last) and return what each observed. */
export async function runPortableBattery(t: TestSite): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const names = Object.keys(PORTABLE_PROBES).filter((n) => n !== 'restart');
  for (const name of [...names, 'restart']) out[name] = await PORTABLE_PROBES[name]!(t);
  return out;
}
