import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm test` builds dist first; run alone, the test needs a previous build.
const main = join(resolve(import.meta.dirname, '../..'), 'dist/cli/main.js');

describe.skipIf(!existsSync(main))('golive site --profile (CLI)', () => {
  it('runs the minimal profile: prints it, serves no DiagnosticReport, stops on SIGTERM', async () => {
    const proc = spawn(process.execPath, [main, 'site', '--profile', 'minimal'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const end = Date.now() + 20_000;
    while (!out.includes('data:') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(out).toMatch(/^profile: minimal$/m);
    const fhir = /^fhir: (\S+)$/m.exec(out)![1]!;
    const meta = (await (await fetch(`${fhir}/metadata`)).json()) as {
      rest: { resource: { type: string }[] }[];
    };
    expect(meta.rest[0]!.resource.map((r) => r.type)).not.toContain('DiagnosticReport');
    expect((await fetch(`${fhir}/DiagnosticReport`)).status).toBe(404);
    const code = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    expect(await code).toBe(0);
  });

  it('rejects an unknown profile with exit code 2 and a hint', () => {
    const r = spawnSync(process.execPath, [main, 'site', '--profile', 'rich'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('E_SITE_PROFILE');
    expect(r.stderr).toContain('standard, minimal');
  });
});
