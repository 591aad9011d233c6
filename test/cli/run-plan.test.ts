/**
 * `golive run --plan`: prints what the run would do and exits 0, sending nothing to the target
 * and storing nothing. The target here is a pair of listeners that count every connection and
 * request they get: the plan must leave both at zero.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const EX = resolve(ROOT, 'examples');

let mllp: net.Server;
let fhir: http.Server;
let connections = 0;
let requests = 0;

const portOf = (s: net.Server | http.Server) => (s.address() as net.AddressInfo).port;

beforeAll(async () => {
  mllp = net.createServer((sock) => {
    connections++;
    sock.destroy();
  });
  fhir = http.createServer((_req, res) => {
    requests++;
    res.writeHead(503).end();
  });
  fhir.on('connection', () => connections++);
  await new Promise<void>((r) => mllp.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => fhir.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  await new Promise<void>((r) => mllp.close(() => r()));
  await new Promise<void>((r) => fhir.close(() => r()));
});

/** A site configuration in a fresh folder: the example's records, target = the listeners. */
function siteConfig(): { dir: string; cfg: string } {
  const dir = mkdtempSync(join(tmpdir(), 'golive-plan-'));
  const cfg = join(dir, 'golive.yaml');
  writeFileSync(
    cfg,
    [
      'version: 1',
      'target:',
      `  mllp: { host: 127.0.0.1, port: ${portOf(mllp)} }`,
      `  fhir: { baseUrl: 'http://127.0.0.1:${portOf(fhir)}/fhir' }`,
      'capture: { host: 127.0.0.1, port: 0 }',
      'scenarios: { include: [order.*, result.correction] }',
      'lint:',
      `  inputs: [${join(EX, 'site/traffic/*.hl7')}]`,
      'load: { profiles: [peak] }',
      'compliance: { audit: { source: fhir } }',
      'adoption:',
      `  tasks: ${join(EX, 'site/adoption/tasks.csv')}`,
      `  guides: ${join(EX, 'site/adoption/guides.csv')}`,
      'review: { evidence: evidence.db, reports: reports }',
      '',
    ].join('\n'),
  );
  return { dir, cfg };
}

describe('golive run --plan', () => {
  it('prints the phases, scenarios and inputs, exits 0, and sends and stores nothing', async () => {
    const { dir, cfg } = siteConfig();
    const r = await runCli(['run', '--plan', '--config', cfg], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Plan of golive run: golive\.yaml$/m);
    expect(r.stdout).toMatch(
      new RegExp(
        `Target: MLLP 127\\.0\\.0\\.1:${portOf(mllp)}, FHIR http://127\\.0\\.0\\.1:${portOf(fhir)}/fhir \\(checked for reachability first`,
      ),
    );
    const phases = [...r.stdout.matchAll(/^ *\d+\. (\w+) /gm)].map((m) => m[1]);
    expect(phases).toEqual(['records', 'probe', 'scenarios', 'audit', 'lint', 'load', 'review']);
    for (const id of [
      'order.cancel',
      'order.modify-reentry',
      'order.stat',
      'order.unknown',
      'result.correction',
    ])
      expect(r.stdout).toContain(`  ${id} `);
    expect(r.stdout).toMatch(
      /adoption: .*tasks\.csv, .*guides\.csv -> adoption\.unaided-tasks, adoption\.exceptions-understood/,
    );
    expect(r.stdout).toMatch(/inputs: .*site\/traffic\/\*\.hl7 \(2 file\(s\)/);
    expect(r.stdout).toMatch(/peak \(built-in\)/);
    expect(r.stdout).toMatch(/Not run: storage \(load\.storage is not set\); failover/);
    expect(r.stdout).toMatch(/Nothing was sent or stored/);
    expect(connections).toBe(0);
    expect(requests).toBe(0);
    expect(existsSync(join(dir, 'evidence.db'))).toBe(false);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
  }, 60_000);

  it('--json prints the plan object; with --target embedded it names the faults per phase', async () => {
    const { dir, cfg } = siteConfig();
    const r = await runCli(
      [
        'run',
        '--plan',
        '--json',
        '--config',
        cfg,
        '--target',
        'embedded',
        '--faults',
        'unit-rewrite',
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as {
      target: Record<string, unknown>;
      phases: { id: string; title: string; scenarios?: { id: string }[] }[];
    };
    expect(plan.target).toEqual({
      kind: 'embedded',
      name: 'embedded reference site (faults: unit-rewrite)',
      reachability: false,
      faults: { scenarios: ['unit-rewrite'], load: ['unit-rewrite'], failover: ['unit-rewrite'] },
    });
    expect(plan.phases.map((p) => p.id)).toEqual([
      'records',
      'probe',
      'scenarios',
      'audit',
      'lint',
      'load',
      'review',
    ]);
    expect(plan.phases.find((p) => p.id === 'scenarios')!.scenarios!.map((s) => s.id)).toEqual([
      'order.cancel',
      'order.modify-reentry',
      'order.stat',
      'order.unknown',
      'result.correction',
    ]);
    expect(connections).toBe(0);
    expect(existsSync(join(dir, 'evidence.db'))).toBe(false);
  }, 60_000);

  it('against a port with no listener: still exit 0 (the plan probes nothing); bad input is still exit 2', async () => {
    const { dir, cfg } = siteConfig();
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const closed = portOf(s);
    await new Promise<void>((r) => s.close(() => r()));
    writeFileSync(cfg, `version: 1\ntarget:\n  mllp: { host: 127.0.0.1, port: ${closed} }\n`);
    const r = await runCli(['run', '--plan', '--config', cfg], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`MLLP 127.0.0.1:${closed}`);
    expect(existsSync(join(dir, '.golive'))).toBe(false);

    writeFileSync(cfg, 'version: 1\nload: { profiles: [nonesuch] }\n');
    const bad = await runCli(['run', '--plan', '--config', cfg], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/load\.profiles\[0\]/);
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
  }, 60_000);
});
