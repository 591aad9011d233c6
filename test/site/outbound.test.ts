import { describe, expect, it } from 'vitest';
import { downstream, oru, patientWithOrder, testSite, until } from './helpers.js';
import { startMllpListener } from '../../src/transports/mllp/index.js';

type Comm = {
  id: string;
  status: string;
  sent?: string;
  received?: string;
  about: { reference: string }[];
  identifier: { value: string }[];
  payload: { contentString: string }[];
};

describe('MLLP outbound and critical notifications', () => {
  it('forwards every accepted result with the current MRN, in order', async () => {
    const d = await downstream();
    const t = await testSite({ downstream: d.listener.address });
    const { person, placer } = await patientWithOrder(t);
    for (const v of ['4.0', '4.1', '4.2'])
      await t.send(oru(person, { placer }, [{ value: v, status: 'C' }]));
    await until(() => d.got.length >= 3);
    expect(d.got.map((m) => m.get('OBX-5'))).toEqual(['4.0', '4.1', '4.2']);
    expect(d.got[0]!.get('MSH-5')).toBe('DOWNSTREAM-EHR');
    expect(d.got[0]!.get('PID-3.1')).toBe(person.mrn);
    expect(d.got.map((m) => m.get('MSH-10'))).toEqual(['GLR1', 'GLR2', 'GLR3']);
  });

  it('queues while the downstream is down and delivers the backlog in order when it comes back', async () => {
    const d = await downstream();
    const port = d.listener.address.port;
    await d.listener.close(0);
    const t = await testSite({
      downstream: { host: '127.0.0.1', port },
      outbound: { retryMinMs: 20, retryMaxMs: 100 },
    });
    const { person, placer } = await patientWithOrder(t);
    for (let i = 0; i < 5; i++)
      await t.send(oru(person, { placer }, [{ value: String(i), status: 'C' }]));
    expect((t.site.status().outbound as { queued: number }).queued).toBe(5);
    const got: string[] = [];
    const back = await startMllpListener({
      port,
      handler: (m) => void got.push(m.message!.get('OBX-5')!),
    });
    try {
      await until(() => got.length >= 5);
      expect(got).toEqual(['0', '1', '2', '3', '4']);
    } finally {
      await back.close(0);
    }
  });

  it('a critical value raises a Communication, sends a notification, and records the acknowledgement', async () => {
    const d = await downstream();
    const t = await testSite({ downstream: d.listener.address });
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '7.9', flags: 'HH' }]));
    const note = await until(() => d.got.find((m) => m.get('MSH-5') === 'CRITICAL-NOTIFY'));
    expect(note.get('OBR-2')).toBe(placer);
    expect(note.get('OBX-5')).toBe('7.9');
    expect(note.get('NTE-3')).toContain('CRITICAL VALUE: 2823-3 7.9 mmol/L HH');
    const c = await until(async () =>
      (
        await t.search<Comm>(
          `/Communication?based-on=${(await t.search<{ id: string }>(`/ServiceRequest?identifier=${placer}`))[0]!.id}`,
        )
      ).find((x) => x.status === 'completed'),
    );
    expect(c.identifier[0]!.value).toBe(note.get('MSH-10'));
    expect(Date.parse(c.received!)).toBeGreaterThanOrEqual(Date.parse(c.sent!));
    const [obs] = await t.search<{ id: string }>(
      `/Observation?identifier=urn:golive:obs|F${placer}/2823-3/`,
    );
    expect(c.about[0]!.reference).toBe(`Observation/${obs!.id}`);
  });

  it('configured critical ranges; the delay is measured on the injected clock; normal values raise nothing', async () => {
    let now = Date.parse('2026-03-27T13:00:00Z');
    const t = await testSite({
      clock: () => now,
      criticalDelayMs: 1000,
      criticalRanges: [{ code: '2823-3', low: 2.8, high: 6.2 }],
    });
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '4.0' }]));
    const low = await patientWithOrder(t);
    now += 1000;
    await t.send(oru(low.person, { placer: low.placer }, [{ value: '2.1' }]));
    const filedAt = now;
    now += 30_000;
    const c = await until(async () =>
      (await t.search<Comm>('/Communication')).find((x) => x.status === 'completed'),
    );
    expect(Date.parse(c.sent!) - filedAt).toBe(30_000);
    expect((await t.search<Comm>('/Communication')).length).toBe(1);
  });
});
