/**
 * A minimal in-process MLLP ACK responder: the cheapest correct receiver, used to measure the
 * load generator itself (benchmark, accuracy tests) apart from any real target. It reads MSH-10
 * from the header without a full parse and answers AA (or the configured code) with MSA-2 set,
 * optionally after a fixed delay. Binds 127.0.0.1 only.
 */
import net from 'node:net';
import { MllpFramer, frame } from '../transports/index.js';

export interface ResponderOptions {
  port?: number;
  /** Delay every ACK by this many ms (a known latency for measurement checks). */
  delayMs?: number;
  /** ACK code to answer, or a function of the 1-based message number. */
  ackCode?: 'AA' | 'AE' | 'AR' | ((n: number) => 'AA' | 'AE' | 'AR' | 'none');
}

export interface Responder {
  port: number;
  /** Messages received. */
  readonly received: number;
  /** Close every connection and stop listening. */
  close(): Promise<void>;
}

/** The ACK for an ER7 message: MSH-10 read straight from the header (v2.5.1 2.14.9). */
export function quickAck(text: string, code: string): string {
  const fs = text.charAt(3) || '|';
  const end = text.indexOf('\r');
  const header = (end < 0 ? text : text.slice(0, end)).split(fs);
  const controlId = header[9] ?? '';
  return `MSH${fs}^~\\&${fs}${header[4] ?? ''}${fs}${header[5] ?? ''}${fs}${header[2] ?? ''}${fs}${header[3] ?? ''}${fs}${fs}${fs}ACK${fs}A${controlId}${fs}P${fs}2.5.1\rMSA${fs}${code}${fs}${controlId}\r`;
}

export async function startResponder(opts: ResponderOptions = {}): Promise<Responder> {
  const sockets = new Set<net.Socket>();
  let received = 0;
  const delay = opts.delayMs ?? 0;
  const fixed = typeof opts.ackCode === 'string' ? opts.ackCode : 'AA';
  const codeOf = typeof opts.ackCode === 'function' ? opts.ackCode : () => fixed;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
    // ACKs for the frames of one read are written together (one syscall, not one per frame).
    let batch: Buffer[] = [];
    const framer = new MllpFramer({
      onFrame: (payload) => {
        const n = ++received;
        const code = codeOf(n);
        if (code === 'none') return;
        const ack = frame(quickAck(payload.toString('latin1'), code));
        if (delay > 0) setTimeout(() => socket.destroyed || socket.write(ack), delay);
        else batch.push(ack);
      },
    });
    socket.on('data', (d: Buffer) => {
      framer.push(d);
      if (batch.length === 0) return;
      socket.write(batch.length === 1 ? batch[0]! : Buffer.concat(batch));
      batch = [];
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get received() {
      return received;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
