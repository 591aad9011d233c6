import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MllpClient,
  startMllpListener,
  type MllpListener,
} from '../../src/transports/mllp/index.js';
import { runCli } from '../helpers/cli.js';

const msg = 'MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||ORU^R01|TLS1|P|2.5.1\rPID|1||MRN1\r';
let dir: string;
let cert: string;
let key: string;
let l: MllpListener;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'golive-tls-'));
  // A throwaway self-signed certificate for 127.0.0.1, made with the system openssl.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
  l = await startMllpListener({ port: 0, tls: { cert, key } });
});
afterAll(() => l.close(100));

// Every client is closed after its test, even one that failed before its own close().
const clients: MllpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
function client(opts: ConstructorParameters<typeof MllpClient>[0]): MllpClient {
  const c = new MllpClient(opts);
  clients.push(c);
  return c;
}

describe('MLLP over TLS', () => {
  it('delivers with a trusted CA and a matching pin', async () => {
    const pin = new X509Certificate(cert).fingerprint256;
    const c = client({
      host: '127.0.0.1',
      port: l.address.port,
      tls: { ca: cert, pinSha256: [pin] },
    });
    expect(await c.send(msg)).toMatchObject({ status: 'acked', ackCode: 'AA' });
    await c.close();
  });
  it('refuses a peer whose certificate does not match the pin', async () => {
    const c = client({
      host: '127.0.0.1',
      port: l.address.port,
      tls: { ca: cert, pinSha256: ['00:11'] },
    });
    const r = await c.send(msg);
    expect(r.status).toBe('error');
    expect(r.error).toMatch(/pinned fingerprint/);
  });
  it('refuses an untrusted certificate', async () => {
    const c = client({ host: '127.0.0.1', port: l.address.port, tls: {} });
    const r = await c.send(msg);
    expect(r.status).toBe('error');
  });

  // Node warns once per process, so the check runs in a process of its own: the built CLI.
  it('a TLS connection by IP address prints no warning (no SNI for an IP, DEP0123)', async () => {
    const caFile = join(dir, 'cert.pem');
    const file = join(dir, 'one.hl7');
    writeFileSync(file, msg);
    const r = await runCli([
      'send',
      '--to',
      `127.0.0.1:${l.address.port}`,
      '--tls',
      '--ca',
      caFile,
      file,
    ]);
    expect(r.stdout).toMatch(/1 sent: AA 1/);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/Warning|DEP0123/);
  });
});
