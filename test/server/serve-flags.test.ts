/**
 * `golive serve` flags added for issue 16: --allowed-host, the TLS pair (refused clearly when
 * incomplete or unreadable), and a missing PostgreSQL schema refused instead of created.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/serve.js';
import { tempPgSchema } from '../../src/evidence/testing.js';
import { seedStore } from './fixture.js';
import { send } from './http.js';

function program(): { cmd: Command; exit: () => number | undefined } {
  let code: number | undefined;
  const cmd = new Command().exitOverride();
  register(cmd, (c) => (code = c));
  return { cmd, exit: () => code };
}

const serve = (...args: string[]) => ['node', 'golive', 'serve', '--port', '0', '--quiet', ...args];

afterEach(() => vi.restoreAllMocks());

describe('golive serve flags', () => {
  it('--allowed-host adds a name the dashboard answers to; others still get 421', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-serve-flags-'));
    const file = join(dir, 'evidence.db');
    await (await seedStore(file)).close();
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const before = new Set(process.listeners('SIGTERM'));
    const p = program();
    const done = p.cmd.parseAsync(
      serve('--store', file, '--allowed-host', 'golive.ward4.example', '--allowed-host', 'dash'),
    );
    try {
      await vi.waitFor(() => expect(out).toMatch(/dashboard: http:\/\/127\.0\.0\.1:\d+\//), {
        timeout: 10_000,
      });
      expect(out).toContain('also answers to: golive.ward4.example, dash');
      const url = /dashboard: (http:\/\/\S+)/.exec(out)![1]!;
      const ok = await send(`${url}api/runs`, { headers: { host: 'golive.ward4.example:8600' } });
      expect(ok.status).toBe(200);
      const rebound = await send(`${url}api/runs`, { headers: { host: 'attacker.example' } });
      expect(rebound.status).toBe(421);
    } finally {
      const ours = process.listeners('SIGTERM').filter((l) => !before.has(l));
      for (const l of ours) (l as () => void)();
      await done;
      rmSync(dir, { recursive: true, force: true });
    }
    expect(p.exit()).toBe(0);
  });

  it('refuses half a TLS pair and unreadable files with E_TLS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-serve-flags-'));
    const file = join(dir, 'evidence.db');
    await (await seedStore(file)).close();
    writeFileSync(join(dir, 'junk.pem'), 'not a certificate');
    try {
      for (const [args, message] of [
        [['--tls-cert', join(dir, 'junk.pem')], 'TLS needs both a certificate and its key'],
        [
          ['--tls-cert', join(dir, 'nope.pem'), '--tls-key', join(dir, 'junk.pem')],
          'cannot read the TLS certificate',
        ],
        [
          ['--tls-cert', join(dir, 'junk.pem'), '--tls-key', join(dir, 'junk.pem')],
          /^the TLS certificate or key is not usable/,
        ],
      ] as const) {
        await expect(
          program().cmd.parseAsync(serve('--store', file, ...args)),
        ).rejects.toMatchObject({
          name: 'UserError',
          code: 'E_TLS',
          message: typeof message === 'string' ? message : expect.stringMatching(message),
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a PostgreSQL schema that does not exist, and does not create it', async () => {
    const t = await tempPgSchema();
    try {
      const typo = `${t.schema}_typo`;
      await expect(
        program().cmd.parseAsync(serve('--store', t.url, '--schema', typo)),
      ).rejects.toMatchObject({ name: 'UserError', code: 'E_STORE_MISSING', exitCode: 2 });
      const made = await t.sql('SELECT 1 FROM pg_namespace WHERE nspname = $1', [typo]);
      expect(made.rowCount).toBe(0);
    } finally {
      await t.cleanup();
    }
  });
});
