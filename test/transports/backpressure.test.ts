/**
 * MLLP listener under hostile peers (issue 16, item 3; docs/decisions/013): a peer that sends
 * and never reads its ACKs makes the listener stop reading (its socket paused) with its own
 * buffers bounded, and once the peer reads, every frame is acknowledged in order, nothing lost;
 * connections over the cap are refused; unfinished frames share one budget; a slow handler
 * pauses reading instead of queueing without end. The framer is fuzzed for any chunking, junk
 * and oversize. Real TCP on 127.0.0.1; every wait polls a condition (no timing assertion).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Hl7Message } from '../../src/hl7/index.js';
import {
  FrameBudget,
  MllpFramer,
  frame,
  startMllpListener,
  type ListenerEvent,
  type MllpListener,
} from '../../src/transports/mllp/index.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function listener(opts: Partial<Parameters<typeof startMllpListener>[0]> = {}) {
  const l = await startMllpListener({ port: 0, ...opts });
  const events: ListenerEvent[] = [];
  l.on('event', (e: ListenerEvent) => events.push(e));
  cleanup.push(() => l.close(200));
  return { l, events };
}

async function connect(l: MllpListener): Promise<net.Socket> {
  const sock = net.connect(l.address.port, '127.0.0.1');
  cleanup.push(() => void sock.destroy());
  await new Promise<void>((r, j) => sock.once('connect', r).once('error', j));
  return sock;
}

/** Poll until `cond` holds (the test's own timeout is the limit). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}

/** Long MSH-3..6 so each ACK (which echoes them) is about as large as its frame. */
const LONG = 'X'.repeat(900);
const msg = (id: string) =>
  `MSH|^~\\&|${LONG}|${LONG}|${LONG}|${LONG}|20260327143000+0100||ADT^A01|${id}|P|2.5.1\rPID|1||M1\r`;

describe('back-pressure: a peer that never reads its ACKs', () => {
  it('pauses the socket with bounded buffers, then acknowledges every frame in order once the peer reads', async () => {
    const { l } = await listener({ idleTimeoutMs: 120_000 });
    const peer = await connect(l);
    peer.pause(); // reads nothing: ACKs pile up in the kernel, then in the listener
    const N = 4000; // ~15 MB each way: far more than loopback socket buffers hold
    const ids = Array.from({ length: N }, (_, i) => `BP${i}`);
    const wire = Buffer.concat(ids.map((id) => frame(msg(id))));
    peer.write(wire);
    const sent = wire.length;

    await until(() => l.connectionStats()[0]?.paused === 'drain');
    // Paused for good while the peer does not read: sample it a few times.
    let maxPending = 0;
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 30));
      const st = l.connectionStats()[0]!;
      expect(st.paused).toBe('drain');
      maxPending = Math.max(maxPending, st.pendingWriteBytes);
      expect(st.queuedFrames).toBe(0);
    }
    const st = l.connectionStats()[0]!;
    // The listener stopped reading: most of what the peer sent is still outside it...
    expect(st.bytesRead).toBeLessThan(sent / 2);
    // ...and what it holds of ACKs is one read's worth, not the whole backlog (~15 MB).
    expect(maxPending).toBeLessThan(1024 * 1024);
    expect(l.counters.pauses).toBeGreaterThan(0);

    // The peer reads now: every frame is acknowledged, in order, AA, nothing lost.
    const acks: string[] = [];
    const f = new MllpFramer({ onFrame: (b) => acks.push(b.toString('latin1')) });
    peer.on('data', (d: Buffer) => f.push(d));
    peer.resume();
    await until(() => acks.length >= N);
    expect(acks).toHaveLength(N);
    const parsed = acks.map((a) => Hl7Message.parse(a));
    expect(parsed.map((a) => a.get('MSA-2'))).toEqual(ids);
    expect(parsed.every((a) => a.get('MSA-1') === 'AA')).toBe(true);
    await until(() => l.connectionStats()[0]?.paused === false);
    expect(l.connectionStats()[0]!.bytesRead).toBe(sent);
  }, 60_000);

  it('closes a connection whose peer reads no ACK within the idle deadline, with a stalled event', async () => {
    const { l, events } = await listener({ idleTimeoutMs: 300 });
    const peer = await connect(l);
    peer.pause();
    peer.write(Buffer.concat(Array.from({ length: 4000 }, (_, i) => frame(msg(`S${i}`)))));
    await until(() => events.some((e) => e.type === 'stalled'));
    await until(() => l.connections === 0);
    expect(l.counters.stalled).toBe(1);
    expect(events.find((e) => e.type === 'stalled')!.detail).toMatch(/read none of \d+ bytes/);
  }, 30_000);
});

describe('connection cap and partial-frame budget', () => {
  it('refuses connections over maxConnections, each refusal an event, and keeps serving the others', async () => {
    const { l, events } = await listener({ maxConnections: 3 });
    const socks = [];
    for (let i = 0; i < 3; i++) socks.push(await connect(l));
    await until(() => l.connections === 3);
    const extra = await Promise.all([0, 1].map(() => connect(l)));
    await Promise.all(extra.map((s) => new Promise((r) => s.once('close', r))));
    expect(events.filter((e) => e.type === 'refused')).toHaveLength(2);
    expect(l.counters.refused).toBe(2);
    expect(events.find((e) => e.type === 'refused')!.detail).toMatch(/maxConnections/);
    // The three accepted still get their ACKs.
    const got = await Promise.all(
      socks.map(
        (s, i) =>
          new Promise<string>((r) => {
            const f = new MllpFramer({ onFrame: (b) => r(b.toString('latin1')) });
            s.on('data', (d: Buffer) => f.push(d));
            s.write(frame(msg(`C${i}`)));
          }),
      ),
    );
    expect(got.map((a) => Hl7Message.parse(a).get('MSA-2'))).toEqual(['C0', 'C1', 'C2']);
  });

  it('holds unfinished frames within maxPartialBytes over all connections; a frame over it is answered AR', async () => {
    const budget = 200_000;
    const { l, events } = await listener({ maxPartialBytes: budget, maxFrameBytes: 1 << 20 });
    const socks = await Promise.all([0, 1, 2, 3].map(() => connect(l)));
    const answers = socks.map(() => [] as string[]);
    socks.forEach((s, i) => {
      const f = new MllpFramer({ onFrame: (b) => answers[i]!.push(b.toString('latin1')) });
      s.on('data', (d: Buffer) => f.push(d));
    });
    // Each sends the start of a 90 kB frame and stops: 360 kB unfinished against 200 kB.
    const texts = socks.map((_, i) => `${msg(`P${i}`)}OBX|1|TX|||${'p'.repeat(90_000)}\r`);
    const wires = texts.map((t) => frame(t));
    socks.forEach((s, i) => s.write(wires[i]!.subarray(0, wires[i]!.length - 2)));
    await until(() => events.some((e) => e.type === 'budget'));
    await until(() => l.connectionStats().every((c) => c.bytesRead === wires[0]!.length - 2));
    expect(l.partialBytes).toBeLessThanOrEqual(budget);
    // The frames end: those stored are acknowledged, those refused get AR saying why.
    socks.forEach((s, i) => s.write(wires[i]!.subarray(wires[i]!.length - 2)));
    await until(() => answers.every((a) => a.length === 1));
    const acks = answers.map((a) => Hl7Message.parse(a[0]!));
    const refused = acks.filter((a) => a.get('MSA-1') === 'AR');
    expect(refused.length).toBe(l.counters.budgetDiscards);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    for (const a of refused) expect(a.get('ERR-8')).toMatch(/unfinished frames is full/);
    expect(acks.filter((a) => a.get('MSA-1') === 'AA').length).toBe(4 - refused.length);
    expect(l.partialBytes).toBe(0);
  });

  it('pauses reading behind a slow asynchronous handler instead of queueing without end', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const { l } = await listener({
      maxQueuedBytes: 64 * 1024,
      handler: async () => {
        await gate;
        return undefined;
      },
    });
    const peer = await connect(l);
    const acks: string[] = [];
    const f = new MllpFramer({ onFrame: (b) => acks.push(b.toString('latin1')) });
    peer.on('data', (d: Buffer) => f.push(d));
    const ids = Array.from({ length: 2000 }, (_, i) => `Q${i}`);
    peer.write(Buffer.concat(ids.map((id) => frame(msg(id)))));
    await until(() => l.connectionStats()[0]?.paused === 'queue');
    // One read beyond the bound at most.
    expect(l.connectionStats()[0]!.queuedBytes).toBeLessThan(64 * 1024 + 128 * 1024);
    release();
    await until(() => acks.length >= ids.length);
    expect(acks.map((a) => Hl7Message.parse(a).get('MSA-2'))).toEqual(ids);
  }, 60_000);
});

describe('framer: hostile bytes', () => {
  const part = fc.oneof(
    fc.string({ maxLength: 40 }).map((s) => Buffer.from(s.replace(/[\x0b\x1c]/g, ''))),
    fc.constantFrom(
      Buffer.from([0x0b]),
      Buffer.from([0x1c]),
      Buffer.from([0x1c, 0x0d]),
      Buffer.from('\r\n\0 '),
      Buffer.alloc(300, 0x41),
    ),
  );
  const wire = fc.array(part, { maxLength: 30 }).map((a) => Buffer.concat(a));
  const sizes = fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 40 });

  function run(chunks: Buffer[], budget?: FrameBudget) {
    const out: string[] = [];
    let peak = 0;
    const f = new MllpFramer(
      {
        onFrame: (b) => out.push(`F${b.toString('latin1')}`),
        onOversize: (n, why) => out.push(`O${n}${why}`),
        onTruncated: (n) => out.push(`T${n}`),
      },
      256,
      budget,
    );
    for (const c of chunks) {
      f.push(c);
      peak = Math.max(peak, f.storedBytes);
      if (budget) expect(budget.used).toBeLessThanOrEqual(budget.max);
    }
    return { out, peak, f };
  }

  it('property: any chunking gives the same frames, truncations and oversize reports; memory stays under the cap', () => {
    fc.assert(
      fc.property(wire, sizes, (bytes, cuts) => {
        const chunks: Buffer[] = [];
        let p = 0;
        for (const c of cuts) {
          if (p >= bytes.length) break;
          chunks.push(Buffer.from(bytes.subarray(p, p + c)));
          p += c;
        }
        if (p < bytes.length) chunks.push(Buffer.from(bytes.subarray(p)));
        const whole = run([bytes]);
        const cut = run(chunks);
        expect(cut.out).toEqual(whole.out);
        // Bytes held of a frame under way never pass the cap (counting goes on past it).
        expect(cut.peak).toBeLessThanOrEqual(256);
        expect(whole.peak).toBeLessThanOrEqual(256);
      }),
      { seed: 16, numRuns: 2000 },
    );
  });

  it('property: with a shared budget, what is held stays within it and all of it comes back', () => {
    fc.assert(
      fc.property(fc.array(wire, { minLength: 1, maxLength: 4 }), sizes, (peers, cuts) => {
        const budget = new FrameBudget(300);
        const framers = peers.map(() => new MllpFramer({ onFrame: () => {} }, 256, budget));
        // Interleave the peers' bytes in chunks, as a listener sees them.
        for (let step = 0, p = 0; step < 40; step++, p += cuts[step % cuts.length] ?? 7) {
          peers.forEach((b, i) => {
            const c = b.subarray(p, p + (cuts[step % cuts.length] ?? 7));
            if (c.length) framers[i]!.push(Buffer.from(c));
            expect(budget.used).toBeLessThanOrEqual(300);
            expect(budget.used).toBeGreaterThanOrEqual(0);
          });
        }
        for (const f of framers) f.reset();
        expect(budget.used).toBe(0);
      }),
      { seed: 17, numRuns: 300 },
    );
  });

  it('walks 4 MiB of start blocks in one read (one search per block kind, not one per block)', () => {
    let truncated = 0;
    const f = new MllpFramer({ onFrame: () => {}, onTruncated: () => truncated++ });
    f.push(Buffer.alloc(4 * 1024 * 1024, 0x0b));
    expect(truncated).toBe(4 * 1024 * 1024 - 1);
    expect(f.partial).toBe(true);
  }, 30_000);
});
