/**
 * MSH-10 of the ACKs the listener builds itself comes from an id source given per listener
 * (`ackControlId`), never from process-wide state: two listeners in one process count apart.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Hl7Message } from '../../src/hl7/index.js';
import {
  MllpFramer,
  frame,
  startMllpListener,
  type MllpListener,
  type MllpListenerOptions,
} from '../../src/transports/mllp/index.js';

const NOW = Date.UTC(2026, 2, 27, 14, 30, 0);
const msg = (id: string) =>
  `MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||ORU^R01|${id}|P|2.5.1\rPID|1||MRN1^^^RGH^MR\r`;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function listener(opts: Partial<MllpListenerOptions>): Promise<MllpListener> {
  const l = await startMllpListener({ port: 0, now: () => NOW, ...opts });
  cleanup.push(() => l.close(200));
  return l;
}

/** Send `wire` on a new connection and resolve with the first `n` ACKs that come back. */
async function acks(l: MllpListener, wire: Buffer, n: number): Promise<Hl7Message[]> {
  const sock = net.connect(l.address.port, '127.0.0.1');
  cleanup.push(async () => void sock.destroy());
  return new Promise((resolve, reject) => {
    const got: Hl7Message[] = [];
    const f = new MllpFramer({
      onFrame: (b) => {
        got.push(Hl7Message.parse(b.toString('utf8')));
        if (got.length === n) resolve(got);
      },
    });
    sock.on('data', (d) => f.push(d));
    sock.on('error', reject);
    sock.on('close', () => reject(new Error(`closed after ${got.length} of ${n} ACKs`)));
    sock.write(wire);
  });
}

describe('ACK control ids (MSH-10)', () => {
  it('come from the injected source, for every ACK the listener builds', async () => {
    let n = 0;
    const l = await listener({
      ackControlId: (now) => `T${now === NOW ? 'now' : 'other'}-${++n}`,
      maxFrameBytes: 1024,
      handler: (m) => {
        if (m.message?.get('MSH-10') === 'FAIL') throw new Error('handler failed');
        return undefined; // the listener's own ACK
      },
    });
    const wire = Buffer.concat([
      frame(msg('A1')), // default ACK
      frame('not an HL7 message'), // AR: unreadable
      frame(msg('FAIL')), // AE: the handler threw
      frame(msg('X'.repeat(2000))), // AR: over the frame cap
      frame(msg('A2')),
    ]);
    const got = await acks(l, wire, 5);
    expect(got.map((a) => a.get('MSA-1'))).toEqual(['AA', 'AR', 'AE', 'AR', 'AA']);
    expect(got.map((a) => a.get('MSH-10'))).toEqual([
      'Tnow-1',
      'Tnow-2',
      'Tnow-3',
      'Tnow-4',
      'Tnow-5',
    ]);
    expect(got.map((a) => a.get('MSA-2'))).toEqual(['A1', undefined, 'FAIL', undefined, 'A2']);
  });

  it('default: ACK<now><n>, n counted by each listener on its own', async () => {
    const one = await listener({});
    const two = await listener({});
    const a = await acks(one, Buffer.concat([frame(msg('A1')), frame(msg('A2'))]), 2);
    const b = await acks(two, frame(msg('B1')), 1);
    const c = await acks(one, frame(msg('A3')), 1);
    expect(a.map((x) => x.get('MSH-10'))).toEqual([`ACK${NOW}1`, `ACK${NOW}2`]);
    // A second listener in the same process starts its own count: nothing is shared.
    expect(b.map((x) => x.get('MSH-10'))).toEqual([`ACK${NOW}1`]);
    expect(c.map((x) => x.get('MSH-10'))).toEqual([`ACK${NOW}3`]);
  });
});
