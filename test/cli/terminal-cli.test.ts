/**
 * The built CLI as a person sees it on go-live day: run in a real pseudo-terminal of 80 columns
 * (util-linux `script`), the bytes replayed in a terminal emulator (helpers/screen.ts); and piped,
 * as CI logs it. The live progress never wraps and leaves each phase once; the verdict block
 * ends the output; NO_COLOR gives no escape code, FORCE_COLOR colours a pipe. Runs use the
 * embedded reference site with the wide-limit clean configuration (helpers/review-config.ts),
 * so nothing depends on the machine's speed. Needs `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/cli.js';
import { cleanConfigForTest } from '../helpers/review-config.js';
import { screenOf } from '../helpers/screen.js';
import { BASE, msg } from '../lint/helpers.js';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a person's terminal, less anything that decides colour or CI. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', ...extra };
  for (const k of ['CI', 'NO_COLOR', 'FORCE_COLOR']) if (!(k in extra)) delete env[k];
  return env;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Run the CLI piped, or in a pseudo-terminal of 80 x 40 (`script` gives the child a real TTY;
 * everything the child writes to stdout and stderr comes back on script's stdout).
 */
function golive(
  args: string[],
  o: { env?: Record<string, string>; pty?: boolean; cwd?: string; timeoutMs?: number } = {},
): Promise<Ran> {
  const env = cleanEnv(o.env ?? {});
  const child = o.pty
    ? spawn(
        'script',
        [
          '-qfec',
          `stty cols 80 rows 40 && exec ${[process.execPath, CLI, ...args].map(quote).join(' ')}`,
          '/dev/null',
        ],
        { env, cwd: o.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      )
    : spawn(process.execPath, [CLI, ...args], {
        env,
        cwd: o.cwd ?? ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

const ESC = '\u001b';
const TASK_LINE = /^[✓✗!…·-] /;

function runArgs(dir: string): string[] {
  return [
    'run',
    '--config',
    cleanConfigForTest(dir),
    '--target',
    'embedded',
    '--profile',
    'minimal',
    '--as-of',
    '2026-02-27',
  ];
}

/** The verdict block ends the output: decision, then the report paths and the evidence, last. */
function expectVerdictLast(lines: string[]): void {
  const text = lines.map((l) => l.trimEnd()).filter((l) => l !== '');
  const decision = text.findIndex((l) => /^ {2}Decision: {1,2}(GO|CONDITIONAL GO|NO-GO)$/.test(l));
  expect(decision).toBeGreaterThan(0);
  const details = text.findIndex((l) => /^ {2}(All criteria met\.|Open criteria \()/.test(l));
  expect(details).toBeGreaterThan(0);
  expect(decision).toBeGreaterThan(details);
  expect(text.slice(decision).some((l) => /^ {2}(YES|NO|PARTLY) /.test(l))).toBe(false);
  const reports = text.lastIndexOf('  Reports:');
  expect(reports).toBeGreaterThan(decision);
  expect(text.slice(reports + 1).map((l) => l.trim().split(/\s+/)[0])).toEqual([
    'HTML',
    'JSON',
    'JUnit',
    'Markdown',
    'Evidence',
  ]);
}

describe('golive run in an 80-column pseudo-terminal', () => {
  it('the phases redraw in place within 80 columns, each left once, coloured; the verdict ends the output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-term-'));
    const r = await golive(runArgs(dir), { pty: true, cwd: dir, timeoutMs: 240_000 });
    expect(r.stdout).not.toMatch(/internal error/);
    expect([0, 1]).toContain(r.code);
    expect(r.stdout).toContain(`${ESC}[32m`); // a terminal gets colour
    const s = await screenOf(r.stdout, { columns: 80, rows: 40 });
    const tasks = s.lines
      .map((l, i) => ({ l, i }))
      .filter(({ l }) => TASK_LINE.test(l) && !/^- /.test(l));
    // records, probe, scenarios, audit, lint, load, storage, failover, review
    expect(tasks.length).toBe(9);
    const titles = tasks.map(({ l }) => l.replace(TASK_LINE, '').split('  ')[0]);
    expect(new Set(titles).size).toBe(tasks.length);
    for (const { l, i } of tasks) {
      expect(l.length).toBeLessThanOrEqual(80);
      expect(s.wrappedAt).not.toContain(i + 1);
      expect(l).toMatch(/\d+\.\ds$/); // each phase keeps its clock
    }
    // Nothing above the summary wraps: the progress, where wrapping corrupted the redraw.
    const summary = s.lines.findIndex((l) => l.startsWith('Go-live review of'));
    expect(summary).toBeGreaterThan(tasks.at(-1)!.i);
    expect(s.wrappedAt.filter((i) => i < summary)).toEqual([]);
    // The five questions fit too: a long one puts its answer's summary on its own line.
    const questions = s.lines.filter((l) => /^ {2}(YES|NO|PARTLY) /.test(l));
    expect(questions).toHaveLength(5);
    for (const q of questions) expect(s.wrappedAt).not.toContain(s.lines.indexOf(q) + 1);
    // A long path may wrap on screen: read each wrapped line joined to the one it continues.
    const logical: string[] = [];
    s.lines.forEach((l, i) => {
      if (s.wrappedAt.includes(i)) logical[logical.length - 1] += l;
      else logical.push(l);
    });
    expectVerdictLast(logical);
  }, 260_000);

  it('piped with NO_COLOR=1: no escape code at all, one plain line per finished phase, the verdict last', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-term-'));
    const r = await golive(runArgs(dir), {
      env: { NO_COLOR: '1' },
      cwd: dir,
      timeoutMs: 240_000,
    });
    expect([0, 1]).toContain(r.code);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stderr).not.toContain(ESC);
    const phases = r.stderr.split('\n').filter((l) => TASK_LINE.test(l));
    expect(phases).toHaveLength(9);
    expect(phases.every((l) => /^[✓✗!] /.test(l))).toBe(true); // finished only
    expectVerdictLast(r.stdout.split('\n'));
  }, 260_000);
});

describe('golive load in an 80-column pseudo-terminal', () => {
  it('one status line, rewritten in place: nothing wraps, no stale line; achieved of the planned rate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-term-load-'));
    const profile = join(dir, 'p.yaml');
    writeFileSync(
      profile,
      [
        'name: terminal',
        'maxDuration: 20s',
        'messages:',
        '  adt: { builtin: adt-a04 }',
        'executors:',
        '  steady: { executor: constant-rate, rate: 40, duration: 3s, mix: { adt: 1 } }',
        'thresholds:',
        "  ack_latency: ['p(99)<30s']",
        '',
      ].join('\n'),
    );
    const r = await golive(['load', profile, '--target', 'embedded'], {
      pty: true,
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const s = await screenOf(r.stdout, { columns: 80, rows: 40 });
    const status = s.lines.filter((l) => l.startsWith('t='));
    expect(status).toHaveLength(1);
    expect(status[0]!.length).toBeLessThanOrEqual(80);
    expect(status[0]).toMatch(/rate [\d.]+\/s of 40\/s/);
    const at = s.lines.indexOf(status[0]!);
    expect(s.wrappedAt).not.toContain(at + 1);
  }, 60_000);
});

describe('colour by environment, piped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'golive-term-colour-'));
  const bad = join(dir, 'bad.hl7');
  writeFileSync(bad, `${BASE}\n${msg({ 'OBX-6': 'mEq/L' })}\n`);
  const lint = ['lint', bad, '--now', '2026-03-01T12:00:00Z'];
  const scenarios = ['scenarios', 'run', 'order.stat', '--target', 'embedded'];

  it('FORCE_COLOR=1 colours lint and scenarios output in a pipe', async () => {
    const l = await golive(lint, { env: { FORCE_COLOR: '1' } });
    expect(l.code).toBe(1);
    expect(l.stdout).toContain(`${ESC}[31m`);
    const s = await golive(scenarios, { env: { FORCE_COLOR: '1' } });
    expect(s.code).toBe(0);
    expect(s.stdout).toContain(`${ESC}[32m`);
  }, 60_000);

  it('NO_COLOR=1 wins over FORCE_COLOR and over a terminal: no colour code', async () => {
    const l = await golive(lint, { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(l.stdout).not.toContain(ESC);
    expect(l.stderr).not.toContain(ESC);
    const s = await golive(scenarios, { env: { NO_COLOR: '1' }, pty: true });
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/PASS\s+order\.stat/);
    // Cursor movement may redraw the running line on a terminal; colour (SGR) never appears.
    expect(s.stdout).not.toMatch(/\u001b\[[0-9;]*m/);
  }, 60_000);
});
