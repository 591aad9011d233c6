/**
 * A message whose header reads but whose body passes a parse cap (fields per segment or per
 * message, docs/decisions/013-bounded-readers.md): once something has parsed it (a handler,
 * a 'message' listener) the listener's own answer is AR with the parse error, never AA.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Hl7Message, MAX_SEGMENT_FIELDS } from '../../src/hl7/index.js';
import {
  MllpFramer,
  frame,
  startMllpListener,
  type IncomingMessage,
  type MllpListener,
} from '../../src/transports/mllp/index.js';

const msg = (id: string, extra = '') =>
  `MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||ORU^R01|${id}|P|2.5.1\rPID|1||MRN1^^^RGH^MR\r${extra}`;
const wide = `ZZZ${'|'.repeat(MAX_SEGMENT_FIELDS + 5)}\r`;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function exchange(l: MllpListener, payloads: string[]): Promise<Hl7Message[]> {
  cleanup.push(() => l.close(200));
  const sock = net.connect(l.address.port, '127.0.0.1');
  cleanup.push(async () => void sock.destroy());
  return new Promise((resolve, reject) => {
    const got: Hl7Message[] = [];
    const f = new MllpFramer({
      onFrame: (b) => {
        got.push(Hl7Message.parse(b.toString('utf8')));
        if (got.length === payloads.length) resolve(got);
      },
    });
    sock.on('data', (d) => f.push(d));
    sock.on('close', () => reject(new Error(`closed after ${got.length} ACKs`)));
    sock.write(Buffer.concat(payloads.map((p) => frame(p))));
  });
}

describe('listener answers to a message over the parse caps', () => {
  it('a handler that finds no message gets AR with the parse error for it', async () => {
    const seen: (string | undefined)[] = [];
    const l = await startMllpListener({
      port: 0,
      handler: (m: IncomingMessage) => {
        seen.push(m.parseError?.code);
        return undefined; // no message: the listener answers
      },
    });
    const acks = await exchange(l, [msg('OK1'), msg('WIDE', wide), msg('OK2')]);
    expect(seen).toEqual([undefined, 'E_HL7_PARSE', undefined]);
    expect(acks.map((a) => a.get('MSA-1'))).toEqual(['AA', 'AR', 'AA']);
    expect(acks[1]!.get('MSA-2')).toBe('WIDE');
    expect(acks[1]!.get('ERR-8')).toMatch(/has more than 10000 fields/);
  });

  it("so does a 'message' listener that reads the message (golive listen)", async () => {
    const l = await startMllpListener({ port: 0 });
    l.on('message', (m: IncomingMessage) => void m.message);
    const acks = await exchange(l, [msg('WIDE', wide)]);
    expect(acks.map((a) => a.get('MSA-1'))).toEqual(['AR']);
  });
});
