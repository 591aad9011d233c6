import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = resolve(ROOT, 'dist/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Children started here and not yet exited. */
const live = new Set<ChildProcess>();

/** SIGKILL a child that is still running and wait (briefly) until it is gone. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
}

/**
 * Every child is stopped when the test that started it ends, passed or failed (a failed
 * expectation before `await exited` once left a `golive listen` running for good). Started
 * outside a test (beforeAll), it is stopped when the file's tests are done.
 */
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  try {
    onTestFinished(() => stop(child));
  } catch {
    // Not inside a test: the afterAll below covers it.
  }
}
afterAll(async () => {
  await Promise.all([...live].map(stop));
});

/** Run the built CLI (npm test builds dist first) and collect its output. */
export function runCli(
  args: string[],
  opts: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolveP) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env, FORCE_COLOR: '0' },
    });
    track(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(t);
      resolveP({ code, stdout, stderr });
    });
  });
}

/** Start the CLI and wait until a line of stdout matches; stopped when the test ends. */
export function startCli(args: string[], ready: RegExp) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const started = new Promise<RegExpMatchArray>((resolveP, reject) => {
    const t = setTimeout(() => reject(new Error(`not ready: ${stdout} ${stderr}`)), 20_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(ready);
      if (m) {
        clearTimeout(t);
        resolveP(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`exited ${code} before ready: ${stdout} ${stderr}`));
    });
  });
  // A test that fails before awaiting `started` must not also raise an unhandled rejection.
  started.catch(() => undefined);
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, started, exited, output: () => ({ stdout, stderr }) };
}
