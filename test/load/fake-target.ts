/**
 * A small forwarding target for end-to-end tests that do not need the whole site: it ACKs
 * every message AA and forwards each ORU^R01 to a downstream listener one at a time, in order,
 * with switchable defects (drop, file twice, redeliver, swap) and a restart that can lose the
 * unforwarded queue. 127.0.0.1 only.
 */
import { Hl7Message } from '../../src/hl7/index.js';
import {
  MllpClient,
  startMllpListener,
  type MllpListener,
} from '../../src/transports/mllp/index.js';

export interface FakeOptions {
  downstream: { host: string; port: number };
  /** Every Nth result is ACKed but never forwarded. */
  dropEvery?: number;
  /** Every Nth result is forwarded twice under two MSH-10s (filed twice). */
  fileTwiceEvery?: number;
  /** Every Nth result is forwarded twice with the same MSH-10 (redelivery). */
  redeliverEvery?: number;
  /** Every Nth result swaps places with the next one. */
  swapEvery?: number;
  /** Pause between forwarded messages (keeps a queue for restart tests). */
  forwardDelayMs?: number;
  /** A restart empties the unforwarded queue (ACKed before it was stored). */
  lossyRestart?: boolean;
}

export interface FakeTarget {
  port: number;
  listener: MllpListener;
  restart(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFakeTarget(o: FakeOptions): Promise<FakeTarget> {
  const queue: string[] = [];
  let results = 0;
  let out = 0;
  let held: string | undefined;
  let running = true;
  let paused = false;
  const client = new MllpClient({ ...o.downstream, ackTimeoutMs: 2000 });
  const forwardText = (m: Hl7Message, id: string) => {
    const copy = Hl7Message.parse(m.toString());
    copy.set('MSH-10', id);
    return copy.toString();
  };
  const listener = await startMllpListener({
    port: 0,
    handler: (m) => {
      if (!m.message || m.message.get('MSH-9.1') !== 'ORU') return undefined;
      const n = ++results;
      if (o.dropEvery && n % o.dropEvery === 0) return undefined;
      const first = forwardText(m.message, `FWD${++out}`);
      if (o.swapEvery && n % o.swapEvery === 0 && held === undefined) {
        held = first;
        return undefined;
      }
      queue.push(first);
      if (held !== undefined) {
        queue.push(held);
        held = undefined;
      }
      if (o.fileTwiceEvery && n % o.fileTwiceEvery === 0)
        queue.push(forwardText(m.message, `FWD${++out}`));
      if (o.redeliverEvery && n % o.redeliverEvery === 0) queue.push(first);
      return undefined;
    },
  });
  const pump = (async () => {
    while (running) {
      const next = paused ? undefined : queue.shift();
      if (next === undefined) {
        await new Promise((r) => setTimeout(r, 2));
        continue;
      }
      const r = await client.send(next);
      if (r.status !== 'acked') queue.unshift(next);
      if (o.forwardDelayMs) await new Promise((res) => setTimeout(res, o.forwardDelayMs));
    }
  })();
  return {
    port: listener.address.port,
    listener,
    restart: async () => {
      await listener.close(0);
      if (o.lossyRestart) queue.length = 0;
      await new Promise((r) => setTimeout(r, 100));
      await listener.listen();
    },
    pause: async () => {
      paused = true;
      await listener.pause();
    },
    resume: async () => {
      paused = false;
      await listener.resume();
    },
    stop: async () => {
      running = false;
      await pump;
      await client.close();
      await listener.close(0);
    },
  };
}
