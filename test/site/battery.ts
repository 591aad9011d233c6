/**
 * A battery of probes, one per clinical rule: each runs a short story against a site and
 * returns what it observed. The fault tests compare a faulty site's answers with the fault-free
 * site's, so a fault must change exactly the probes it names and nothing else.
 */
import { adt, order, oru, patientWithOrder, until, uid, type TestSite } from './helpers.js';
import { sterilizationStory } from './stories.js';

type Obs = {
  status: string;
  valueQuantity?: { value: number; code?: string };
  interpretation?: unknown[];
  effectiveDateTime?: string;
  valueString?: string;
  subject?: { reference: string };
};
type Res = {
  id: string;
  status?: string;
  priority?: string;
  active?: boolean;
  name?: { family: string }[];
  sent?: string;
};

const obs = async (t: TestSite, placer: string, code = '2823-3') =>
  t.search<Obs>(`/Observation?identifier=urn:golive:obs|F${placer}/${code}/`);

export type Probe = (t: TestSite) => Promise<unknown>;

export const PROBES: Record<string, Probe> = {
  async correction(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '4.0' }]));
    await t.send(oru(person, { placer }, [{ value: '4.4', status: 'C' }]));
    return (await obs(t, placer)).map((o) => [o.status, o.valueQuantity?.value]);
  },
  async retraction(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '4.0' }]));
    await t.send(oru(person, { placer }, [{ value: '', status: 'D' }]));
    return (await obs(t, placer)).map((o) => o.status);
  },
  async latePrelim(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '4.0' }]));
    await t.send(oru(person, { placer }, [{ value: '3.1', status: 'P' }]));
    return (await obs(t, placer)).map((o) => [o.status, o.valueQuantity?.value]);
  },
  async merge(t) {
    const a = await patientWithOrder(t);
    const b = await patientWithOrder(t);
    await t.send(oru(a.person, { placer: a.placer }, [{}]));
    await t.send(adt('A40', b.person, { mrg: a.person.mrn }));
    const [old] = await t.search<Res>(`/Patient?identifier=${a.person.mrn}`);
    const [surv] = await t.search<Res>(`/Patient?identifier=${b.person.mrn}`);
    const later = await t.send(adt('A08', a.person));
    return [old!.active, later.code, (await t.search(`/Observation?patient=${surv!.id}`)).length];
  },
  async identityUpdate(t) {
    const person = { mrn: uid('M'), family: 'Before' };
    await t.send(adt('A04', person));
    await t.send(adt('A08', { ...person, family: 'After' }));
    return (await t.search<Res>(`/Patient?identifier=${person.mrn}`))[0]!.name![0]!.family;
  },
  async identifierChange(t) {
    const person = { mrn: uid('M') };
    await t.send(adt('A04', person));
    const next = uid('N');
    await t.send(adt('A47', { mrn: next }, { mrg: person.mrn }));
    return (await t.search(`/Patient?identifier=${next}`)).length;
  },
  async tz(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ time: '20260329013000+0100' }]));
    return (await obs(t, placer))[0]!.effectiveDateTime;
  },
  async unit(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '4.1' }]));
    const [o] = await obs(t, placer);
    return [o!.valueQuantity?.value, o!.valueQuantity?.code];
  },
  async flags(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '5.6', flags: 'H' }]));
    return (await obs(t, placer))[0]!.interpretation?.length ?? 0;
  },
  async escape(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(
      oru(person, { placer }, [
        { code: '8251-1^Comment^LN', type: 'TX', value: 'H\\T\\E \\F\\ café', units: '' },
      ]),
    );
    return (await obs(t, placer, '8251-1'))[0]!.valueString;
  },
  async cancel(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(order(person, { control: 'CA', placer }));
    const late = await t.send(oru(person, { placer }, [{}]));
    return [(await t.search<Res>(`/ServiceRequest?identifier=${placer}`))[0]!.status, late.code];
  },
  async reentry(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(order(person, { control: 'XO', placer, code: '2951-2^Sodium^LN' }));
    return (await t.search(`/ServiceRequest?identifier=${placer}&status=active`)).length;
  },
  async relabel(t) {
    const s1 = uid('S');
    const s2 = uid('S');
    const { person, placer } = await patientWithOrder(t, { specimen: s1 });
    await t.send(oru(person, { placer, specimen: s1 }, [{}]));
    await t.send(order(person, { control: 'XO', placer, specimen: s2 }));
    await t.send(
      oru(person, { placer, specimen: s2 }, [{ code: '2951-2^Sodium^LN', value: '140' }]),
    );
    const [sp] = await t.search<Res>(`/Specimen?accession=${s2}`);
    return (await t.search(`/Observation?specimen=Specimen/${sp!.id}`)).length;
  },
  async stability(t) {
    const s = uid('S');
    await patientWithOrder(t, {
      specimen: s,
      collected: '20260327060000+0100',
      received: '20260327150000+0100',
    });
    return (await t.search<Res>(`/Specimen?accession=${s}`))[0]!.status;
  },
  async priority(t) {
    const { placer } = await patientWithOrder(t, { priority: 'S' });
    return (await t.search<Res>(`/ServiceRequest?identifier=${placer}`))[0]!.priority;
  },
  async critical(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '1.9', flags: 'LL' }]));
    const [sr] = await t.search<Res>(`/ServiceRequest?identifier=${placer}`);
    const based = `/Communication?based-on=ServiceRequest/${sr!.id}`;
    const filed = (await t.search(based)).length;
    // Raised promptly (criticalDelayMs 0) or not; 2 s is far beyond the fault-free delay.
    const sent = await until(async () => (await t.search<Res>(based))[0]?.sent, 2000).then(
      () => true,
      () => false,
    );
    return [filed, sent];
  },
  async unknownOrder(t) {
    const { person } = await patientWithOrder(t);
    return (await t.send(oru(person, { placer: uid('P') }, [{}]))).code;
  },
  async duplicate(t) {
    const { person, placer } = await patientWithOrder(t);
    const msg = oru(person, { placer }, [{}]);
    await t.send(msg);
    const again = await t.send(msg);
    return [again.code, (await obs(t, placer)).length];
  },
  async cycle(t) {
    const s = await sterilizationStory(t, 'fail');
    return (await t.get<Res>(`/Device/${s.t1.id}`)).body.status;
  },
  async auditRead(t) {
    const { person } = await patientWithOrder(t);
    const [p] = await t.search<Res>(`/Patient?identifier=${person.mrn}`);
    await t.get(`/Patient/${p!.id}`);
    return (await t.search(`/AuditEvent?entity=Patient/${p!.id}&action=R`)).length;
  },
  async restart(t) {
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '4.2' }]));
    await t.site.restart();
    return (await obs(t, placer)).length;
  },
};

/** Run every probe in order (restart last) and return what each observed. */
export async function runBattery(t: TestSite): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, probe] of Object.entries(PROBES)) out[name] = await probe(t);
  return out;
}
