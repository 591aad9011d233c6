/**
 * Small fakes on 127.0.0.1 port 0 for engine tests: an HTTP peer with a programmable handler
 * (FHIR server, control hook) and an MLLP receiver built on the transport's listener.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hl7Message, buildAck, formatDtm } from '../../src/hl7/index.js';
import {
  startMllpListener,
  type IncomingMessage,
  type MllpListener,
} from '../../src/transports/mllp/index.js';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

export async function fakeHttp(handler: (r: SeenRequest, n: number) => Reply | Promise<Reply>) {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      const r: SeenRequest = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(r);
      const out = await handler(r, seen.length);
      res.writeHead(out.status, { 'content-type': 'application/fhir+json', ...out.headers });
      res.end(
        out.body === undefined
          ? ''
          : typeof out.body === 'string'
            ? out.body
            : JSON.stringify(out.body),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    port,
    base: `http://127.0.0.1:${port}/fhir`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** An MLLP receiver answering each message with the code `decide` picks (default AA). */
export async function fakeMllp(
  decide: (m: Hl7Message) => 'AA' | 'AE' | 'AR' = () => 'AA',
): Promise<{ listener: MllpListener; received: IncomingMessage[] }> {
  const received: IncomingMessage[] = [];
  const listener = await startMllpListener({
    port: 0,
    handler: (m) => {
      received.push(m);
      const code = decide(m.message!);
      return buildAck(m.message!, {
        code,
        controlId: `ACK${received.length}`,
        timestamp: formatDtm(Date.now()),
        errors:
          code === 'AA'
            ? undefined
            : [{ code: '204', message: 'unknown order', location: 'OBR-2' }],
      }).toString();
    },
  });
  return { listener, received };
}

export const bundle = (resources: object[], next?: string) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: resources.length,
  entry: resources.map((resource) => ({ resource })),
  ...(next ? { link: [{ relation: 'next', url: next }] } : {}),
});
