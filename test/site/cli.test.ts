import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm test` builds dist first; run alone, the test needs a previous build.
const main = join(resolve(import.meta.dirname, '../..'), 'dist/cli/main.js');

describe.skipIf(!existsSync(main))('golive site (CLI)', () => {
  it('prints its endpoints, serves, and stops cleanly on SIGTERM', async () => {
    const proc = spawn(process.execPath, [main, 'site', '--faults', 'drop-tz'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const end = Date.now() + 20_000;
    while (!out.includes('data:') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const fhir = /^fhir: (\S+)$/m.exec(out)![1]!;
    expect(out).toMatch(/^mllp: 127\.0\.0\.1:\d+$/m);
    expect(out).toMatch(/^faults: drop-tz$/m);
    expect((await fetch(`${fhir}/metadata`)).status).toBe(200);
    const code = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    expect(await code).toBe(0);
    expect(out).toContain('site stopped');
  });

  it('rejects an unknown fault with exit code 2 and a hint', () => {
    const r = spawnSync(process.execPath, [main, 'site', '--faults', 'no-such-fault'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('E_SITE_FAULT');
  });
});
