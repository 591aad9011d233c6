/**
 * The MLLP hot path (docs/decisions/010-mllp-hot-path.md) keeps the semantics of the full path:
 * decoding, bytes on the wire, ACK bytes, several ACK frames per message, lazy parsing,
 * deadline timer, duplicate control ids, garbage and late ACKs.
 */
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Hl7Message,
  MessageSplitter,
  buildAck,
  decodeMessage,
  encodeMessage,
  formatDtm,
  type RawMessage,
} from '../../src/hl7/index.js';
import {
  MllpClient,
  MllpFramer,
  decodeFrame,
  frame,
  startMllpListener,
  type IncomingMessage,
  type ListenerEvent,
  type MllpListenerOptions,
} from '../../src/transports/mllp/index.js';
import { listFiles, needCorpus } from '../helpers/corpora.js';
import { generatedMessages, syntheticFiles } from '../helpers/synthetic-hl7.js';

const HL7 = needCorpus(
  'hl7v2',
  "the listener's default ACK on others' real messages (synthetic: the test beside it, on every synthetic and generated message)",
);

const msg = (id: string, extra = '') =>
  `MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||ORU^R01|${id}|P|2.5.1${extra}\rPID|1||MRN1^^^RGH^MR\r`;

const ack = (text: string, code: 'AA' | 'AE' | 'CA' = 'AA') =>
  buildAck(Hl7Message.parse(text), { code, controlId: 'A', timestamp: formatDtm(0) }).toString();

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Last registered first: clients close before the servers that wait for them.
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function listener(opts: Partial<MllpListenerOptions> = {}) {
  const l = await startMllpListener({ port: 0, ...opts });
  cleanup.push(() => l.close(200));
  return l;
}

/** A raw peer: write bytes, collect the frames (and the reads) that come back. */
async function rawPeer(port: number) {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  const frames: string[] = [];
  let reads = 0;
  const f = new MllpFramer({ onFrame: (b) => frames.push(b.toString('utf8')) });
  sock.on('data', (d) => {
    reads++;
    f.push(d);
  });
  cleanup.push(async () => void sock.destroy());
  const waitFrames = async (n: number, ms = 5000) => {
    const end = Date.now() + ms;
    while (frames.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    return frames;
  };
  return { sock, frames, waitFrames, reads: () => reads };
}

/** A scripted receiver: `reply` decides what to write back for each frame received. */
async function receiver(reply: (text: string, n: number, s: net.Socket) => void) {
  const got: Buffer[] = [];
  const server = net.createServer((s) => {
    const f = new MllpFramer({
      onFrame: (b) => {
        got.push(Buffer.from(b));
        reply(b.toString('latin1'), got.length, s);
      },
    });
    s.on('data', (d) => f.push(d));
    s.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => server.close(() => r())));
  const port = (server.address() as net.AddressInfo).port;
  const client = (o: Partial<ConstructorParameters<typeof MllpClient>[0]> = {}) => {
    const c = new MllpClient({ host: '127.0.0.1', port, ...o });
    cleanup.push(() => c.close());
    return c;
  };
  return { got, client };
}

describe('decodeFrame', () => {
  it('property: gives exactly what decodeMessage gives, for any bytes', () => {
    const headers = fc.constantFrom(
      '',
      'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5\r',
      'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5||||||8859/1\r',
      'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5||||||UNICODE UTF-8\r',
      'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5||||||ASCII\r',
      'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5||||||UNICODE UTF-16\r',
      'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5||||||NOPE\r',
      '\uFEFFMSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5\r',
    );
    fc.assert(
      fc.property(headers, fc.uint8Array({ maxLength: 80 }), fc.boolean(), (h, tail, ascii) => {
        const body = ascii ? tail.map((b) => b & 0x7f) : tail;
        const bytes = Buffer.concat([Buffer.from(h, 'utf8'), Buffer.from(body)]);
        expect(decodeFrame(bytes)).toEqual(decodeMessage(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('client on the wire', () => {
  it('sends exactly frame(encodeMessage(text)) whatever the charset, BOM or odd characters', async () => {
    const texts = [
      msg('W1'),
      msg('W2', '|||||8859/1') + 'PID|1||1||M\u00fcller\r',
      msg('W3', '|||||UNICODE UTF-8') + 'PID|1||1||\u5f20\u4f1f\r',
      msg('W4') + 'NTE|1||caf\u00e9 \ud83d\ude00 lone \ud800 surrogate\r',
      '\uFEFF' + msg('W5', '|||||8859/1') + 'NTE|1||\u00e9\r',
      msg('W6', '|||||8859/15') + 'NTE|1||\u20ac\r',
      msg('W7', '|||||ASCII'),
      'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|W8|P|2.5||||||  \r',
    ];
    const r = await receiver((text, _n, s) =>
      s.write(frame(ack(decodeMessage(Buffer.from(text, 'latin1')).text))),
    );
    const c = r.client();
    for (const t of texts) {
      const res = await c.send(t);
      expect(res.status, t).toBe('acked');
    }
    expect(r.got.map((b) => b.toString('hex'))).toEqual(
      texts.map((t) => Buffer.from(encodeMessage(t)).toString('hex')),
    );
  });

  it('retries resend the same bytes with the same MSH-10', async () => {
    const r = await receiver(() => {});
    const c = r.client({ ackTimeoutMs: 40, retries: 2 });
    const text = msg('R1', '|||||8859/1') + 'PID|1||1||M\u00fcller\r';
    const res = await c.send(text);
    expect(res).toMatchObject({ status: 'timeout', attempts: 3, controlId: 'R1' });
    expect(new Set(r.got.map((b) => b.toString('hex'))).size).toBe(1);
    expect(r.got).toHaveLength(3);
  });
});

describe('client matching and deadlines', () => {
  it('two sends with the same MSH-10 in flight are answered oldest first', async () => {
    const r = await receiver((text, n, s) => {
      const code = n === 1 ? 'AE' : 'AA';
      s.write(frame(ack(text, code)));
    });
    const c = r.client();
    const [a, b] = await Promise.all([c.send(msg('D1')), c.send(msg('D1'))]);
    expect(a).toMatchObject({ status: 'acked', ackCode: 'AE' });
    expect(b).toMatchObject({ status: 'acked', ackCode: 'AA' });
    expect(c.stray).toHaveLength(0);
  });

  it('each send keeps its own ACK timeout; a late ACK is never credited (stray)', async () => {
    const held: { text: string; s: net.Socket }[] = [];
    const r = await receiver((text, _n, s) => held.push({ text, s }));
    const c = r.client();
    const slow = c.send(msg('S1'), { ackTimeoutMs: 60_000 });
    let slowSettled = false;
    void slow.then(() => (slowSettled = true));
    const fast = await c.send(msg('S2'), { ackTimeoutMs: 60 });
    // S2's own short timeout ended it while S1 still waits on its long one (order, not speed).
    expect(fast.status).toBe('timeout');
    expect(slowSettled).toBe(false);
    // Now answer both: S1 is still waiting, S2 has timed out.
    for (const h of held) h.s.write(frame(ack(h.text)));
    expect(await slow).toMatchObject({ status: 'acked', ackCode: 'AA', controlId: 'S1' });
    // S2's late ACK arrives after S1's (same connection, in order): wait until it is read.
    for (let i = 0; i < 200 && c.stray.length === 0; i++)
      await new Promise((res) => setTimeout(res, 10));
    expect(c.stray).toHaveLength(1);
    expect(Hl7Message.parse(c.stray[0]!).get('MSA-2')).toBe('S2');
  });

  it('a garbage ACK answers the oldest in flight; the others are still matched', async () => {
    const r = await receiver((text, n, s) => {
      if (n === 3) {
        s.write(frame('GARBAGE'));
        s.write(frame(ack(msg('G2'))));
        s.write(frame(ack(msg('G3'))));
      }
      void text;
    });
    const c = r.client();
    const results = await Promise.all(['G1', 'G2', 'G3'].map((id) => c.send(msg(id))));
    expect(results.map((x) => x.status)).toEqual(['invalid-ack', 'acked', 'acked']);
    expect(results[0]!.ackText).toBe('GARBAGE');
  });

  it('a reset fails everything in flight as reset, never timeout', async () => {
    const r = await receiver((_t, n, s) => {
      if (n === 3) s.destroy();
    });
    const c = r.client({ ackTimeoutMs: 5000 });
    const results = await Promise.all(['X1', 'X2', 'X3'].map((id) => c.send(msg(id))));
    expect(results.map((x) => x.status)).toEqual(['reset', 'reset', 'reset']);
  });

  it('an ACK whose MSA-2 needs unescaping and repetitions is read like parseAck', async () => {
    const r = await receiver((_t, _n, s) =>
      s.write(frame('MSH|^~\\&|A|B|C|D|||ACK|1|P|2.5\rMSA|AE~AA|E\\T\\1~x|msg\r')),
    );
    const c = r.client();
    const res = await c.send(msg('E&1'));
    expect(res).toMatchObject({ status: 'acked', ackCode: 'AE' });
  });

  it('many in flight from one tick are all written and matched', async () => {
    const l = await listener();
    const c = new MllpClient({ host: '127.0.0.1', port: l.address.port });
    cleanup.push(() => c.close());
    await c.connect();
    const ids = Array.from({ length: 500 }, (_, i) => `P${i}`);
    const results = await Promise.all(ids.map((id) => c.send(msg(id))));
    expect(results.every((x) => x.status === 'acked' && x.ackCode === 'AA')).toBe(true);
    expect(results.map((x) => x.controlId)).toEqual(ids);
    expect(c.stray).toHaveLength(0);
  });
});

describe('listener ACKs', () => {
  it.skipIf(HL7.skip)(
    'the default ACK equals buildAck of the parsed message, for every corpus message',
    async () => {
      const now = Date.UTC(2026, 2, 27, 13, 30, 0);
      const l = await listener({ now: () => now });
      const peer = await rawPeer(l.address.port);
      const texts: string[] = [];
      for (const file of listFiles(HL7.path, '.hl7')) {
        const s = new MessageSplitter({
          onMessage: (m: RawMessage) => texts.push(decodeMessage(m.bytes).text),
        });
        s.push(new Uint8Array(readFileSync(file)));
        s.end();
      }
      expect(texts.length).toBeGreaterThan(150);
      peer.sock.write(Buffer.concat(texts.map((t) => frame(t))));
      const frames = await peer.waitFrames(texts.length, 15_000);
      expect(frames).toHaveLength(texts.length);
      texts.forEach((t, i) => {
        const got = frames[i]!;
        // MSH-10 of the ACK comes from a process-wide counter: take it from what was sent.
        const controlId = Hl7Message.parse(got).getRaw('MSH-10')!;
        const want = buildAck(Hl7Message.parse(t), {
          code: 'AA',
          controlId,
          timestamp: formatDtm(now),
        }).toString();
        expect(got).toBe(want);
      });
    },
  );

  it('the default ACK equals buildAck of the parsed message, for every synthetic and generated message', async () => {
    const now = Date.UTC(2026, 2, 27, 13, 30, 0);
    const l = await listener({ now: () => now });
    const peer = await rawPeer(l.address.port);
    const texts: string[] = [];
    const s = new MessageSplitter({
      onMessage: (m: RawMessage) => texts.push(decodeMessage(m.bytes).text),
    });
    // BOM, LF/CRLF, custom delimiters, escapes, repetitions, Z-segments, non-ASCII.
    for (const f of syntheticFiles()) s.push(new TextEncoder().encode(f.text));
    s.end();
    texts.push(...generatedMessages(150, 11));
    expect(texts.length).toBeGreaterThan(150);
    peer.sock.write(Buffer.concat(texts.map((t) => frame(t))));
    const frames = await peer.waitFrames(texts.length, 15_000);
    expect(frames).toHaveLength(texts.length);
    texts.forEach((t, i) => {
      const got = frames[i]!;
      const controlId = Hl7Message.parse(got).getRaw('MSH-10')!;
      const want = buildAck(Hl7Message.parse(t), {
        code: 'AA',
        controlId,
        timestamp: formatDtm(now),
      }).toString();
      expect(got).toBe(want);
    });
  });

  it('a handler may return several ACKs: each is its own frame, in order, in one write', async () => {
    const l = await listener({
      handler: (m) => [ack(m.text, 'CA'), ack(m.text, 'AA')],
    });
    const peer = await rawPeer(l.address.port);
    peer.sock.write(frame(msg('M1', '|||AL|AL')));
    const frames = await peer.waitFrames(2);
    expect(frames.map((f) => Hl7Message.parse(f).get('MSA-1'))).toEqual(['CA', 'AA']);
    expect(peer.reads()).toBe(1);
    // And the client in enhanced mode waits past the CA for the application ACK.
    const c = new MllpClient({ host: '127.0.0.1', port: l.address.port });
    cleanup.push(() => c.close());
    const res = await c.send(msg('M2', '|||AL|AL'));
    expect(res).toMatchObject({ status: 'acked', ackCode: 'AA' });
    expect(res.acks).toHaveLength(2);
  });

  it('an empty list or undefined from the handler gets the listener ACK', async () => {
    let n = 0;
    const l = await listener({ handler: () => (n++ % 2 ? [] : undefined), ackCode: 'AE' });
    const peer = await rawPeer(l.address.port);
    peer.sock.write(Buffer.concat([frame(msg('E1')), frame(msg('E2'))]));
    const frames = await peer.waitFrames(2);
    expect(frames.map((f) => Hl7Message.parse(f).get('MSA-1'))).toEqual(['AE', 'AE']);
    expect(frames.map((f) => Hl7Message.parse(f).get('MSA-2'))).toEqual(['E1', 'E2']);
  });

  it('keeps per-connection order with asynchronous handlers of any speed', async () => {
    const seen: number[] = [];
    const l = await listener({
      handler: async (m) => {
        const id = Number(m.message!.get('MSH-10')!.slice(1));
        if (id % 3 === 0) await new Promise((r) => setTimeout(r, 20 - id));
        seen.push(id);
        return id % 4 === 0 ? undefined : ack(m.text);
      },
    });
    const peer = await rawPeer(l.address.port);
    const ids = Array.from({ length: 12 }, (_, i) => `Q${i}`);
    const wire = Buffer.concat(ids.map((id) => frame(msg(id))));
    for (let i = 0; i < wire.length; i += 50) peer.sock.write(wire.subarray(i, i + 50));
    const frames = await peer.waitFrames(ids.length);
    expect(frames.map((f) => Hl7Message.parse(f).get('MSA-2'))).toEqual(ids);
    expect(seen).toEqual(ids.map((_, i) => i));
  });

  it('a handler that throws or rejects gets AE with ERR 207 and an event', async () => {
    const events: ListenerEvent[] = [];
    let n = 0;
    const l = await listener({
      handler: (m) => {
        n++;
        if (n === 1) throw new Error('boom');
        if (n === 2) return Promise.reject(new Error('late boom'));
        return ack(m.text);
      },
    });
    l.on('event', (e: ListenerEvent) => events.push(e));
    const peer = await rawPeer(l.address.port);
    peer.sock.write(Buffer.concat(['H1', 'H2', 'H3'].map((id) => frame(msg(id)))));
    const frames = (await peer.waitFrames(3)).map((f) => Hl7Message.parse(f));
    expect(frames.map((f) => f.get('MSA-1'))).toEqual(['AE', 'AE', 'AA']);
    expect(frames[0]!.get('ERR-3.1')).toBe('207');
    expect(events.filter((e) => e.type === 'handler-error').map((e) => e.detail)).toEqual([
      'boom',
      'late boom',
    ]);
  });

  it('parses on demand: message and parseError are there for whoever reads them', async () => {
    const got: IncomingMessage[] = [];
    const l = await listener({
      handler: (m) => {
        got.push(m);
        return undefined;
      },
    });
    const peer = await rawPeer(l.address.port);
    peer.sock.write(Buffer.concat([frame(msg('L1')), frame('not hl7 at all')]));
    const frames = await peer.waitFrames(2);
    expect(got[0]!.message!.get('PID-3.1')).toBe('MRN1');
    expect(got[0]!.parseError).toBeUndefined();
    expect(got[1]!.message).toBeUndefined();
    expect(got[1]!.parseError?.code).toBe('E_HL7_PARSE');
    expect(Hl7Message.parse(frames[1]!).get('MSA-1')).toBe('AR');
    expect(got.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('a message whose MSH-2 cannot head an ACK is still answered (AR), and the connection serves on', async () => {
    // Parses (the encoding characters run into the next line), but "^~" alone cannot.
    const odd = 'MSH|^~\rPID|1|x\r';
    expect(() => Hl7Message.parse(odd)).not.toThrow();
    const l = await listener();
    const peer = await rawPeer(l.address.port);
    peer.sock.write(Buffer.concat([frame(odd), frame(msg('AFTER'))]));
    const frames = await peer.waitFrames(2);
    expect(Hl7Message.parse(frames[0]!).get('MSA-1')).toBe('AR');
    expect(Hl7Message.parse(frames[1]!).get('MSA-2')).toBe('AFTER');
  });

  it('the idle deadline runs only while a partial frame is held', async () => {
    const events: string[] = [];
    const l = await listener({ idleTimeoutMs: 80 });
    l.on('event', (e: ListenerEvent) => events.push(e.type));
    const peer = await rawPeer(l.address.port);
    // Whole frames with pauses longer than the deadline: the connection stays.
    peer.sock.write(frame(msg('I1')));
    await new Promise((r) => setTimeout(r, 200));
    peer.sock.write(frame(msg('I2')));
    await peer.waitFrames(2);
    expect(events).not.toContain('idle-partial');
    // Bytes keep a partial frame alive; silence then closes it.
    peer.sock.write('\x0bMSH|^~\\&|');
    await new Promise((r) => setTimeout(r, 50));
    peer.sock.write('A|B');
    await new Promise((r) => peer.sock.once('close', r));
    expect(events).toContain('idle-partial');
  });
});
