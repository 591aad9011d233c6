import { describe, expect, it } from 'vitest';
import { Hl7Message, parseAck } from '../../src/hl7/index.js';
import { adt, oru, patientWithOrder, rawExchange, testSite, uid } from './helpers.js';

type Pat = {
  id: string;
  active?: boolean;
  name?: { family?: string }[];
  link?: { type: string; other: { reference: string } }[];
  identifier?: { system: string; value: string; use?: string }[];
};
const MRN = 'urn:golive:mrn:RGH';

describe('ADT inbound', () => {
  it('A04 registers with the MRN system; A01 and A08 update; A08 for an unknown MRN is AE 204', async () => {
    const t = await testSite();
    const mrn = uid('M');
    expect((await t.send(adt('A04', { mrn, family: 'Original' }))).code).toBe('AA');
    let [p] = await t.search<Pat>(`/Patient?identifier=${MRN}|${mrn}`);
    expect(p!.identifier![0]).toMatchObject({ system: MRN, value: mrn });
    expect(p!.name![0]!.family).toBe('Original');
    expect((await t.send(adt('A08', { mrn, family: 'Corrected' }))).code).toBe('AA');
    [p] = await t.search<Pat>(`/Patient?identifier=${MRN}|${mrn}`);
    expect(p!.name![0]!.family).toBe('Corrected');
    expect((await t.send(adt('A01', { mrn, family: 'Again' }))).code).toBe('AA');
    expect(await t.search(`/Patient?identifier=${MRN}|${mrn}`)).toHaveLength(1);
    const r = await t.send(adt('A08', { mrn: uid('M') }));
    expect(r.code).toBe('AE');
    expect(r.errors[0]).toMatchObject({ code: '204', location: 'PID-3' });
    expect(r.errors[0]!.message).toMatch(/unknown patient/);
  });

  it('A40 moves everything to the survivor, links both, and retires the old MRN', async () => {
    const t = await testSite();
    const a = await patientWithOrder(t);
    const b = await patientWithOrder(t);
    await t.send(oru(a.person, { placer: a.placer }, [{ value: '4.0' }]));
    await t.send(oru(b.person, { placer: b.placer }, [{ value: '4.2' }]));
    const r = await t.send(adt('A40', b.person, { mrg: a.person.mrn }));
    expect(r.code).toBe('AA');
    const [survivor] = await t.search<Pat>(`/Patient?identifier=${MRN}|${b.person.mrn}`);
    const [old] = await t.search<Pat>(`/Patient?identifier=${MRN}|${a.person.mrn}`);
    expect(old!.active).toBe(false);
    expect(old!.link).toEqual([
      { type: 'replaced-by', other: { reference: `Patient/${survivor!.id}` } },
    ]);
    expect(survivor!.link![0]).toMatchObject({
      type: 'replaces',
      other: { reference: `Patient/${old!.id}` },
    });
    expect(await t.search(`/Observation?patient=${survivor!.id}`)).toHaveLength(2);
    expect(await t.search(`/ServiceRequest?patient=${survivor!.id}`)).toHaveLength(2);
    expect(await t.search(`/Observation?patient=${old!.id}`)).toHaveLength(0);
    // Later messages naming the retired MRN are refused; no patient is created.
    for (const msg of [
      adt('A08', a.person),
      adt('A04', a.person),
      oru(a.person, { placer: a.placer }, [{ value: '5' }]),
    ]) {
      const x = await t.send(msg);
      expect(x.code).toBe('AE');
      expect(x.errors[0]!.message).toContain(
        `MRN ${a.person.mrn} was retired (merged into ${b.person.mrn})`,
      );
    }
    expect(await t.search(`/Patient?identifier=${a.person.mrn}`)).toHaveLength(1);
    // Merging an unknown prior patient is refused.
    expect((await t.send(adt('A40', b.person, { mrg: uid('M') }))).errors[0]!.code).toBe('204');
  });

  it('A47 changes the identifier; the old one is kept as old and refused afterwards', async () => {
    const t = await testSite();
    const { person, placer } = await patientWithOrder(t);
    const next = uid('N');
    expect((await t.send(adt('A47', { ...person, mrn: next }, { mrg: person.mrn }))).code).toBe(
      'AA',
    );
    const [p] = await t.search<Pat>(`/Patient?identifier=${MRN}|${next}`);
    expect(p!.identifier!.find((i) => i.value === person.mrn)!.use).toBe('old');
    const ok = await t.send(oru({ ...person, mrn: next }, { placer }, [{ value: '4.4' }]));
    expect(ok.code).toBe('AA');
    const refused = await t.send(oru(person, { placer }, [{ value: '4.4' }]));
    expect(refused.errors[0]!.message).toContain(`changed to ${next}`);
  });

  it('refuses with the right AR/AE and ERR for bad headers and missing fields', async () => {
    const t = await testSite();
    const cases: [string, string, string, string][] = [
      [`MSH|^~\\&|A|B|C|D|20260101||ZZZ^Z01|${uid()}|P|2.5.1\r`, 'AR', '200', 'MSH-9'],
      [
        `MSH|^~\\&|A|B|C|D|20260101||ADT^A99|${uid()}|P|2.5.1\rPID|1||1^^^RGH\r`,
        'AR',
        '201',
        'MSH-9',
      ],
      [
        `MSH|^~\\&|A|B|C|D|20260101||ADT^A04|${uid()}|P|3.0\rPID|1||1^^^RGH\r`,
        'AR',
        '203',
        'MSH-12',
      ],
      [`MSH|^~\\&|A|B|C|D|20260101||ADT^A04|${uid()}|P|2.5.1\rPID|1||\r`, 'AE', '101', 'PID-3'],
    ];
    for (const [msg, code, err, loc] of cases) {
      const r = await t.send(msg);
      expect([r.code, r.errors[0]?.code, r.errors[0]?.location]).toEqual([code, err, loc]);
    }
    // No MSH-10, and not HL7 at all: answered over a raw socket; the site keeps serving.
    const acks = await rawExchange(t.site.mllp.port, [
      'MSH|^~\\&|A|B|C|D|20260101||ADT^A04||P|2.5.1\rPID|1||1^^^RGH\r',
      'this is not HL7',
    ]);
    expect(acks.map((a) => parseAck(Hl7Message.parse(a)))).toMatchObject([
      { code: 'AE', errors: [{ code: '101', location: 'MSH-10' }] },
      { code: 'AR', errors: [{ code: '100' }] },
    ]);
    expect((await t.send(adt('A04', { mrn: uid('M') }))).code).toBe('AA');
  });

  it('a duplicate MSH-10 from the same sender is filed once and the original ACK replayed', async () => {
    const t = await testSite();
    const { person, placer } = await patientWithOrder(t);
    const msg = oru(person, { placer }, [{ value: '4.3' }]);
    const first = await t.send(msg);
    const second = await t.send(msg);
    expect(second.code).toBe('AA');
    expect(second.text).toBe(first.text);
    expect(
      await t.search(`/Observation?identifier=urn:golive:obs|F${placer}/2823-3/`),
    ).toHaveLength(1);
  });

  it('enhanced mode sends a commit ACK then the application ACK', async () => {
    const t = await testSite();
    const r = await t.send(adt('A04', { mrn: uid('M') }, { extra: '|||AL|AL' }));
    expect(r.acks.map((a) => parseAck(Hl7Message.parse(a)).code)).toEqual(['CA', 'AA']);
    const bad = await t.send(adt('A08', { mrn: uid('M') }, { extra: '|||AL|AL' }));
    expect(bad.acks.map((a) => parseAck(Hl7Message.parse(a)).code)).toEqual(['CA', 'AE']);
    const er = await t.send(adt('A04', { mrn: uid('M') }, { extra: '|||NE|ER' }));
    expect(er.acks.map((a) => parseAck(Hl7Message.parse(a)).code)).toEqual(['CA']);
    const rej = await t.client.send(
      `MSH|^~\\&|A|B|C|D|20260101||ZZZ^Z01|${uid()}|P|2.5.1|||AL|AL\r`,
    );
    expect(rej.ackCode).toBe('CR');
  });
});

describe('MLLP bad input', () => {
  it('an oversized frame is rejected (AR) and the site keeps serving', async () => {
    const t = await testSite({ maxFrameBytes: 4096 });
    const big = `MSH|^~\\&|A|B|C|D|20260101||ADT^A04|${uid()}|P|2.5.1\rPID|1||1^^^RGH\rNTE|1||${'x'.repeat(10_000)}\r`;
    const [ack] = await rawExchange(t.site.mllp.port, [big]);
    expect(parseAck(Hl7Message.parse(ack!)).code).toBe('AR');
    expect((await t.send(adt('A04', { mrn: uid('M') }))).code).toBe('AA');
  });
});
