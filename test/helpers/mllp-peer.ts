/**
 * A raw MLLP peer for tests of listeners golive starts (`golive listen`, `golive site`, the
 * capture listener): it writes what the test gives it, reads the ACKs, and says whether the
 * listener closed it. Destroyed when the test that opened it ends.
 */
import net from 'node:net';
import { onTestFinished } from 'vitest';
import { Hl7Message } from '../../src/hl7/index.js';
import { MllpFramer } from '../../src/transports/mllp/index.js';

/** A minimal ORU^R01 with control id `id`, padded in an NTE to reach a size. */
export const oru = (id: string, pad = '') =>
  `MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||ORU^R01|${id}|P|2.5.1\rPID|1||MRN1^^^RGH^MR\rNTE|1||${pad}\r`;

export async function mllpPeer(port: number | string) {
  const sock = net.connect(Number(port), '127.0.0.1');
  onTestFinished(() => void sock.destroy());
  const acks: Hl7Message[] = [];
  const waiting: (() => void)[] = [];
  const f = new MllpFramer({
    onFrame: (b) => {
      acks.push(Hl7Message.parse(b.toString('utf8')));
      for (const w of waiting.splice(0)) w();
    },
  });
  sock.on('data', (d) => f.push(d));
  sock.on('error', () => undefined);
  const closed = new Promise<void>((r) => sock.once('close', () => r()));
  await new Promise<void>((r) => sock.once('connect', () => r()));
  /** Resolves with the ACKs once there are n (rejects if the connection closes first). */
  const ackCount = (n: number) =>
    new Promise<Hl7Message[]>((resolve, reject) => {
      const check = () => (acks.length >= n ? resolve(acks) : waiting.push(check));
      check();
      void closed.then(() => reject(new Error(`closed with ${acks.length} of ${n} ACKs`)));
    });
  return { sock, ackCount, closed };
}
