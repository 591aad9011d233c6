import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Hl7Message, buildAck, formatDtm } from '../../src/hl7/index.js';
import {
  MllpClient,
  MllpFramer,
  frame,
  startMllpListener,
  type IncomingMessage,
  type MllpListener,
} from '../../src/transports/mllp/index.js';

const msg = (id: string, extra = '') =>
  `MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||ORU^R01|${id}|P|2.5.1${extra}\rPID|1||MRN1^^^RGH^MR\r`;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Last registered first: clients close before the servers that wait for them, pass or fail.
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A client closed after the test whatever happens in it (close is idempotent). */
function client(opts: ConstructorParameters<typeof MllpClient>[0]): MllpClient {
  const c = new MllpClient(opts);
  cleanup.push(() => c.close());
  return c;
}

async function listener(opts: Partial<Parameters<typeof startMllpListener>[0]> = {}) {
  const l = await startMllpListener({ port: 0, ...opts });
  cleanup.push(() => l.close(200));
  return l;
}

/** A raw TCP peer that lets a test write arbitrary bytes and collect the frames it gets back. */
async function rawPeer(l: MllpListener) {
  const sock = net.connect(l.address.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  const frames: string[] = [];
  const f = new MllpFramer({ onFrame: (b) => frames.push(b.toString('utf8')) });
  sock.on('data', (d) => f.push(d));
  cleanup.push(async () => void sock.destroy());
  const waitFrames = async (n: number, ms = 5000) => {
    const end = Date.now() + ms;
    while (frames.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    return frames;
  };
  return { sock, frames, waitFrames };
}

describe('framer', () => {
  it('property: frames survive any split, in order, with junk between', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ minLength: 1, maxLength: 30 }).map((s) => s.replace(/[\x0b\x1c]/g, '')),
          { minLength: 1, maxLength: 8 },
        ),
        fc.array(fc.integer({ min: 1, max: 17 }), { maxLength: 30 }),
        (payloads, cuts) => {
          const wire = Buffer.concat(
            payloads.flatMap((p, i) => [frame(p), Buffer.from(i % 2 ? '\r\n\0' : '')]),
          );
          const got: string[] = [];
          const f = new MllpFramer({ onFrame: (b) => got.push(b.toString('utf8')) });
          let pos = 0;
          for (const c of cuts) {
            f.push(wire.subarray(pos, pos + c));
            pos += c;
          }
          f.push(wire.subarray(pos));
          expect(got).toEqual(payloads);
        },
      ),
    );
  });
  it('property: arbitrary bytes never throw and memory stays under the cap', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const f = new MllpFramer({ onFrame: () => {} }, 256);
        f.push(Buffer.from(bytes));
        expect(f.bufferedBytes).toBeLessThanOrEqual(2000);
      }),
    );
  });
  it('reports junk, truncated and oversized frames', () => {
    const events: string[] = [];
    const got: string[] = [];
    const f = new MllpFramer(
      {
        onFrame: (b) => got.push(b.toString()),
        onJunk: () => events.push('junk'),
        onTruncated: () => events.push('truncated'),
        onOversize: (n) => events.push(`oversize:${n}`),
      },
      10,
    );
    f.push(Buffer.from('hello\x0bpartial\x0bok\x1c\r\x0b0123456789ABC\x1c\r\x0bafter\x1c'));
    f.push(Buffer.from('\r'));
    expect(got).toEqual(['ok', 'after']);
    expect(events).toEqual(['junk', 'truncated', 'oversize:13']);
  });
});

describe('listener', () => {
  it('acks pipelined frames in order, split anywhere, keeping raw bytes', async () => {
    const seen: IncomingMessage[] = [];
    const l = await listener();
    l.on('message', (m: IncomingMessage) => seen.push(m));
    const peer = await rawPeer(l);
    const wire = Buffer.concat(['A1', 'A2', 'A3'].map((id) => frame(msg(id))));
    for (let i = 0; i < wire.length; i += 7) peer.sock.write(wire.subarray(i, i + 7));
    const frames = await peer.waitFrames(3);
    expect(frames.map((f) => Hl7Message.parse(f).get('MSA-2'))).toEqual(['A1', 'A2', 'A3']);
    expect(frames.map((f) => Hl7Message.parse(f).get('MSA-1'))).toEqual(['AA', 'AA', 'AA']);
    expect(seen.map((m) => m.bytes.toString())).toEqual(['A1', 'A2', 'A3'].map((id) => msg(id)));
  });

  it('answers a malformed message with AR and an ERR segment, then keeps serving', async () => {
    const l = await listener();
    const peer = await rawPeer(l);
    peer.sock.write(Buffer.concat([frame('this is not HL7'), frame(msg('OK1'))]));
    const frames = await peer.waitFrames(2);
    const bad = Hl7Message.parse(frames[0]!);
    expect(bad.get('MSA-1')).toBe('AR');
    expect(bad.get('ERR-3.1')).toBe('100');
    expect(Hl7Message.parse(frames[1]!).get('MSA-2')).toBe('OK1');
  });

  it('rejects an oversized frame and stays bounded', async () => {
    const l = await listener({ maxFrameBytes: 1024 });
    const peer = await rawPeer(l);
    peer.sock.write(frame(msg('BIG', `\rOBX|1|ST|||${'x'.repeat(5000)}`)));
    peer.sock.write(frame(msg('SMALL')));
    const frames = await peer.waitFrames(2);
    expect(Hl7Message.parse(frames[0]!).get('MSA-1')).toBe('AR');
    expect(Hl7Message.parse(frames[1]!).get('MSA-2')).toBe('SMALL');
  });

  it('closes a connection holding a frame with no end after the idle deadline', async () => {
    const events: string[] = [];
    const l = await listener({ idleTimeoutMs: 150 });
    l.on('event', (e: { type: string }) => events.push(e.type));
    const peer = await rawPeer(l);
    peer.sock.write(Buffer.from('\x0bMSH|^~\\&|never ends'));
    await new Promise((r) => peer.sock.once('close', r));
    expect(events).toContain('idle-partial');
  });

  it('closes within its deadline with clients connected', async () => {
    const l = await listener();
    const peer = await rawPeer(l);
    peer.sock.write(Buffer.from('\x0bpartial'));
    // Returns (the test's own timeout catches a close that hangs) with every connection gone.
    await l.close(300);
    expect(l.connections).toBe(0);
  });

  it('pause refuses connections and resume accepts them on the same port', async () => {
    const l = await listener();
    const port = l.address.port;
    await l.pause();
    const c = client({ host: '127.0.0.1', port, connectTimeoutMs: 1000 });
    expect((await c.send(msg('P1'))).status).toBe('refused');
    await l.resume();
    expect(l.address.port).toBe(port);
    const r = await c.send(msg('P2'));
    expect(r).toMatchObject({ status: 'acked', ackCode: 'AA' });
    await c.close();
  });

  it('decodes by MSH-18 (Latin-1) without replacing characters', async () => {
    const seen: IncomingMessage[] = [];
    const l = await listener();
    l.on('message', (m: IncomingMessage) => seen.push(m));
    const peer = await rawPeer(l);
    const text =
      'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|L1|P|2.5||||||8859/1\rPID|1||1||M\u00fcller\r';
    peer.sock.write(frame(Buffer.from(text, 'latin1')));
    await peer.waitFrames(1);
    expect(seen[0]!.text).toBe(text);
    expect(seen[0]!.charset).toBe('latin1');
  });
});

describe('client', () => {
  it('credits only the ACK whose MSA-2 matches, never a late one for another message', async () => {
    // A receiver that first answers with an ACK for a different control id, then the right one.
    const server = net.createServer((s) => {
      s.on('data', () => {
        const wrong = buildAck(Hl7Message.parse(msg('OTHER')), {
          code: 'AA',
          controlId: 'x',
          timestamp: formatDtm(0),
        });
        const right = buildAck(Hl7Message.parse(msg('M1')), {
          code: 'AE',
          controlId: 'y',
          timestamp: formatDtm(0),
        });
        s.write(Buffer.concat([frame(wrong.toString()), frame(right.toString())]));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => server.close(() => r())));
    const c = client({
      host: '127.0.0.1',
      port: (server.address() as net.AddressInfo).port,
    });
    const r = await c.send(msg('M1'));
    expect(r).toMatchObject({ status: 'acked', ackCode: 'AE', controlId: 'M1' });
    expect(c.stray).toHaveLength(1);
    await c.close();
  });

  it('a missing ACK is a timeout (unknown), retried with the same MSH-10', async () => {
    const received: string[] = [];
    const server = net.createServer((s) => {
      const f = new MllpFramer({
        onFrame: (b) => received.push(Hl7Message.parse(b.toString()).get('MSH-10')!),
      });
      s.on('data', (d) => f.push(d));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(
      () =>
        new Promise((r) => {
          server.close(() => r());
        }),
    );
    const c = client({
      host: '127.0.0.1',
      port: (server.address() as net.AddressInfo).port,
      ackTimeoutMs: 100,
      retries: 2,
    });
    const r = await c.send(msg('T1'));
    expect(r.status).toBe('timeout');
    expect(r.attempts).toBe(3);
    expect(received).toEqual(['T1', 'T1', 'T1']);
    await c.close();
  });

  it('a reset is reported apart from a timeout', async () => {
    const server = net.createServer((s) => s.on('data', () => s.destroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => server.close(() => r())));
    const c = client({
      host: '127.0.0.1',
      port: (server.address() as net.AddressInfo).port,
      ackTimeoutMs: 2000,
    });
    expect((await c.send(msg('R1'))).status).toBe('reset');
  });

  it('a garbage ACK is a failure', async () => {
    const server = net.createServer((s) => s.on('data', () => s.write(frame('GARBAGE'))));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => server.close(() => r())));
    const c = client({
      host: '127.0.0.1',
      port: (server.address() as net.AddressInfo).port,
    });
    expect((await c.send(msg('G1'))).status).toBe('invalid-ack');
    await c.close();
  });

  it('enhanced mode: CA alone is not success; the application ACK decides', async () => {
    const l = await listener({
      handler: (m) => {
        // Commit ACK first, then the application ACK on the same connection.
        const ca = buildAck(m.message!, {
          code: 'CA',
          controlId: 'c',
          timestamp: formatDtm(0),
        }).toString();
        const ae = buildAck(m.message!, {
          code: 'AE',
          controlId: 'a',
          timestamp: formatDtm(0),
          errors: [{ code: '204', message: 'unknown order' }],
        }).toString();
        return [ca, ae]; // two frames, written as one reply
      },
    });
    const c = client({ host: '127.0.0.1', port: l.address.port });
    const r = await c.send(msg('E1', '|||AL|AL'));
    expect(r.status).toBe('acked');
    expect(r.ackCode).toBe('AE');
    expect(r.acks).toHaveLength(2);
    await c.close();
  });

  it('refused connection is reported as refused', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const c = client({ host: '127.0.0.1', port });
    expect((await c.send(msg('X'))).status).toBe('refused');
  });

  it('many messages in flight on one connection are all matched', async () => {
    const l = await listener();
    const c = client({ host: '127.0.0.1', port: l.address.port });
    const ids = Array.from({ length: 200 }, (_, i) => `F${i}`);
    const results = await Promise.all(ids.map((id) => c.send(msg(id))));
    expect(results.every((r) => r.status === 'acked' && r.ackCode === 'AA')).toBe(true);
    expect(results.map((r) => r.controlId)).toEqual(ids);
    await c.close();
  });
});
