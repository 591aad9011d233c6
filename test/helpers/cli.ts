import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = resolve(ROOT, 'dist/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

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

/** Start the CLI and wait until a line of stdout matches. */
export function startCli(args: string[], ready: RegExp) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
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
  });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, started, exited, output: () => ({ stdout, stderr }) };
}
