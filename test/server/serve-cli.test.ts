/**
 * `golive serve` as a command (registered on a commander program in this process): the token
 * helper, start-up messages, serving, and a clean stop on SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/serve.js';
import { hashToken } from '../../src/server/index.js';
import { RUN_NOGO, seedStore } from './fixture.js';

function program(): { cmd: Command; exit: () => number | undefined } {
  let code: number | undefined;
  const cmd = new Command().exitOverride();
  register(cmd, (c) => (code = c));
  return { cmd, exit: () => code };
}

function captureStdout(): { text: () => string } {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  return { text: () => out };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('golive serve', () => {
  it('--hash-token prints a new token and the hash for the users file', async () => {
    const out = captureStdout();
    const isTty = process.stdin.isTTY;
    Object.defineProperty(process.stdin, 'isTTY', { value: true, configurable: true });
    try {
      const p = program();
      await p.cmd.parseAsync(['node', 'golive', 'serve', '--hash-token']);
      expect(p.exit()).toBe(0);
    } finally {
      Object.defineProperty(process.stdin, 'isTTY', { value: isTty, configurable: true });
    }
    const token = /token: (\S+)/.exec(out.text())![1]!;
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(out.text()).toContain(`token_sha256: ${hashToken(token)}`);
  });

  it('serves the store read-only on loopback without --users, says so, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-serve-cli-'));
    const file = join(dir, 'evidence.db');
    await (await seedStore(file)).close();
    const before = new Set(process.listeners('SIGTERM'));
    const out = captureStdout();
    const p = program();
    const done = p.cmd.parseAsync([
      'node',
      'golive',
      'serve',
      '--store',
      file,
      '--port',
      '0',
      '--quiet',
    ]);
    await vi.waitFor(() => expect(out.text()).toMatch(/dashboard: http:\/\/127\.0\.0\.1:\d+\//), {
      timeout: 10_000,
    });
    expect(out.text()).toContain('read-only, answering loopback requests (this machine) only');
    expect(out.text()).toContain(join(dir, 'dashboard-audit.db'));
    const url = /dashboard: (http:\/\/\S+)/.exec(out.text())![1]!;
    const res = await fetch(`${url}api/runs/${RUN_NOGO}/review`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { provisional: boolean }).provisional).toBe(true);
    // Call only the handler serve installed (other SIGTERM listeners belong to the test runner).
    const ours = process.listeners('SIGTERM').filter((l) => !before.has(l));
    expect(ours).toHaveLength(1);
    (ours[0] as () => void)();
    await done;
    expect(p.exit()).toBe(0);
    expect(out.text()).toContain('dashboard stopped');
    await expect(fetch(`${url}api/runs`)).rejects.toThrow();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a missing store with a user error instead of creating one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-serve-cli-'));
    const p = program();
    await expect(
      p.cmd.parseAsync(['node', 'golive', 'serve', '--store', join(dir, 'nope.db'), '--port', '0']),
    ).rejects.toMatchObject({ name: 'UserError' });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('the example users file', () => {
  it('loads, with one user per role', async () => {
    const { loadUsers } = await import('../../src/server/index.js');
    const users = loadUsers(join(import.meta.dirname, '../../examples/site/dashboard-users.yaml'));
    expect(users.map((u) => u.role).sort()).toEqual(['admin', 'approver', 'attestor', 'viewer']);
    const approver = users.find((u) => u.role === 'approver')!;
    expect(approver.tokenSha256).toBe(hashToken('example-approver-token-do-not-use'));
  });
});

describe('users file errors', () => {
  it('names the field of a bad entry and refuses shared tokens', async () => {
    const { writeFileSync } = await import('node:fs');
    const { loadUsers } = await import('../../src/server/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'golive-users-'));
    const file = join(dir, 'users.yaml');
    const h = hashToken('some-long-token-value');
    writeFileSync(file, `users:\n  - name: A\n    role: superuser\n    token_sha256: ${h}\n`);
    expect(() => loadUsers(file)).toThrow(/users\[0\]\.role/);
    writeFileSync(
      file,
      `users:\n  - name: A\n    role: viewer\n    token_sha256: ${h}\n  - name: B\n    role: admin\n    token_sha256: ${h}\n`,
    );
    expect(() => loadUsers(file)).toThrow(/share a token/);
    rmSync(dir, { recursive: true, force: true });
  });
});
