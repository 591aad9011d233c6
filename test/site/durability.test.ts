import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MllpClient, startMllpListener } from '../../src/transports/mllp/index.js';
import { startSite } from '../../src/site/index.js';
import type { Patient } from '../../src/fhir/resources.js';
import {
  adt,
  downstream,
  onCleanup,
  oru,
  patientWithOrder,
  testSite,
  until,
  uid,
} from './helpers.js';

const root = resolve(import.meta.dirname, '../..');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'golive-site-dur-'));
  // Compile the site's import closure for the child process (it runs plain Node, not vitest).
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      '--outDir',
      join(work, 'dist'),
      '--rootDir',
      join(root, 'src'),
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--lib',
      'es2023',
      '--strict',
      '--skipLibCheck',
      '--esModuleInterop',
      '--resolveJsonModule',
      '--types',
      'node',
      join(root, 'src/site/index.ts'),
    ],
    { cwd: root, stdio: 'pipe' },
  );
  writeFileSync(join(work, 'dist/package.json'), '{"type":"module"}');
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function child(dataFile: string, port = 0): Promise<{ proc: ChildProcess; mllp: number }> {
  const proc = spawn(
    process.execPath,
    [join(root, 'test/site/fixtures/child-site.mjs'), join(work, 'dist'), dataFile, String(port)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  onCleanup(async () => void proc.kill('SIGKILL'));
  const line = await new Promise<string>((res, rej) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) res(buf.split('\n')[0]!);
    });
    proc.once('exit', (c) => rej(new Error(`child exited ${c}`)));
  });
  return { proc, mllp: (JSON.parse(line) as { mllp: number }).mllp };
}

describe('durability with a data file', () => {
  it('restart and stop/start lose nothing that was ACKed, including the outbound queue', async () => {
    const dataFile = join(work, 'restart.db');
    const d = await downstream();
    const port = d.listener.address.port;
    await d.listener.close(0);
    const t = await testSite({
      dataFile,
      downstream: { host: '127.0.0.1', port },
      outbound: { retryMinMs: 20, retryMaxMs: 50 },
    });
    const { person, placer } = await patientWithOrder(t);
    for (const v of ['1', '2', '3'])
      await t.send(oru(person, { placer }, [{ value: v, status: 'C' }]));
    await t.site.restart();
    expect(await t.search(`/Observation?identifier=F${placer}/2823-3/`)).toHaveLength(1);
    expect((t.site.status().outbound as { queued: number }).queued).toBe(3);
    await t.site.stop();
    const again = await startSite({ dataFile, downstream: { host: '127.0.0.1', port } });
    onCleanup(() => again.stop());
    const got: string[] = [];
    const back = await startMllpListener({
      port,
      handler: (m) => void got.push(m.message!.get('OBX-5')!),
    });
    onCleanup(() => back.close(0));
    await until(() => got.length >= 3);
    expect(got).toEqual(['1', '2', '3']);
    const patients = await fetch(`${again.fhirBase}/Patient?identifier=${person.mrn}`).then(
      (r) => r.json() as Promise<{ total: number }>,
    );
    expect(patients.total).toBe(1);
  });

  it('kill -9 during a stream of 1,000 messages loses nothing that was ACKed and files nothing twice', async () => {
    const dataFile = join(work, 'kill.db');
    let c = await child(dataFile);
    const port = c.mllp;
    const acked = new Set<string>();
    const mrns = Array.from({ length: 1000 }, () => uid('K'));
    const ids = mrns.map(() => uid('C'));
    let client = new MllpClient({ host: '127.0.0.1', port, ackTimeoutMs: 5000 });
    let killed = false;
    for (let i = 0; i < mrns.length; i++) {
      if (i === 500 && !killed) {
        // Kill while the next message is in flight.
        const inFlight = client.send(adt('A04', { mrn: mrns[i]! }, { id: ids[i] }));
        c.proc.kill('SIGKILL');
        killed = true;
        const r = await inFlight;
        if (r.status === 'acked' && r.ackCode === 'AA') acked.add(mrns[i]!);
        await new Promise((res) => c.proc.once('exit', res));
        await client.close();
        c = await child(dataFile, port);
        client = new MllpClient({ host: '127.0.0.1', port, ackTimeoutMs: 5000 });
      }
      // A sender retries unacknowledged messages with the same MSH-10 (de-duplicated by the site).
      const r = await client.send(adt('A04', { mrn: mrns[i]! }, { id: ids[i] }), { retries: 3 });
      expect(r.status).toBe('acked');
      if (r.ackCode === 'AA') acked.add(mrns[i]!);
    }
    await client.close();
    c.proc.kill('SIGKILL');
    await new Promise((res) => c.proc.once('exit', res));
    const site = await startSite({ dataFile });
    onCleanup(() => site.stop());
    const store = site.runtime()!.store;
    const filed = store.all<Patient>('Patient').map((p) => p.identifier![0]!.value!);
    expect(acked.size).toBe(1000);
    expect(new Set(filed).size).toBe(filed.length);
    for (const m of acked) expect(filed).toContain(m);
  }, 120_000);
});
