/**
 * The terminal on go-live day, in-process: the live renderers of `run`/`demo` (task list),
 * `scenarios run` and `golive load` drawn into a stand-in terminal of 80 columns and replayed in
 * a terminal emulator (helpers/screen.ts). Every frame line fits the width, nothing wraps, no
 * line is left twice after the last frame, the clock runs, and off a terminal only plain lines
 * are written. Also: the one colour decision, display widths, and the verdict block last.
 * Clocks are vitest's fake timers: nothing here depends on the machine's speed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../src/core/index.js';
import { TaskList } from '../../src/runner/progress.js';
import { createProgress, formatScenarioList } from '../../src/scenarios/progress.js';
import { LiveView, plannedRate } from '../../src/load/live.js';
import type { Progress } from '../../src/load/stats.js';
import { renderConsoleSummary } from '../../src/report/console.js';
import {
  alignColumns,
  colourFor,
  displayWidth,
  fitLine,
  fitWithSuffix,
} from '../../src/report/terminal.js';
import { fixtureInput } from '../report/fixture.js';
import { percent, positiveInt, wholeNumber } from '../../src/cli/options.js';
import { UserError } from '../../src/core/errors.js';
import { FakeTerminal, screenOf, stripAnsi } from '../helpers/screen.js';

// These tests are about a person's terminal: CI=true (set by .ci/run) turns the live area off
// by design, so it is cleared here and set only by the test that checks that rule.
beforeEach(() => {
  vi.stubEnv('CI', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** The text lines each write put on screen (escape sequences removed), for width checks. */
function writtenLines(chunks: readonly string[]): string[] {
  return chunks.flatMap((c) => stripAnsi(c).split(/\r?\n|\r/));
}

function screen(t: FakeTerminal) {
  // A terminal's line discipline turns "\n" into CR LF (onlcr): convertEol does the same.
  return screenOf(t.text, { columns: t.columns, rows: t.rows, convertEol: true });
}

const LONG_AUDIT =
  'Every read and write of the run left a complete audit record; ' +
  Array.from({ length: 12 }, (_, i) => `check ${i + 1} of 12 met with 37 records of 37`).join('; ');

describe('run/demo task list on an 80-column terminal', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('cuts every line to the width (wide characters counted twice), never wraps, leaves each task once', async () => {
    const term = new FakeTerminal(80);
    const tasks = new TaskList(term, { colour: true });
    tasks.add('records', 'Read and check the site files (compliance, adoption, review, profiles)');
    tasks.add('probe', 'What the target supports 検査 🏥 (CapabilityStatement, lookups, coverage)');
    tasks.add('audit', 'Audit trail of every action the scenarios performed');
    tasks.add('review', 'Evidence store, review and reports');
    tasks.start('records');
    vi.advanceTimersByTime(300);
    tasks.finish('records', 'pass', '9 record check(s), 4 attestation(s), 0 waiver(s)');
    tasks.start('probe');
    tasks.start('audit');
    vi.advanceTimersByTime(1200);
    tasks.finish('probe', 'pass', '18 of 18 scenarios can be exercised ✓ 診療 '.repeat(4));
    tasks.finish('audit', 'fail', LONG_AUDIT);
    tasks.start('review');
    vi.advanceTimersByTime(2500);
    tasks.finish('review', 'fail', 'NO-GO');
    tasks.close();

    expect(LONG_AUDIT.length).toBeGreaterThan(400);
    for (const line of writtenLines(term.chunks))
      expect(displayWidth(line)).toBeLessThanOrEqual(80);
    const s = await screen(term);
    expect(s.wrapped).toBe(0);
    expect(s.lines).toHaveLength(4);
    for (const title of ['Read and check', 'What the target', 'Audit trail', 'Evidence store'])
      expect(s.lines.filter((l) => l.includes(title))).toHaveLength(1);
    // The clock of every task stays visible at the end of its cut line.
    expect(s.lines[2]).toMatch(/^✗ Audit trail .*… {2}1\.2s$/);
    expect(s.lines[3]).toBe('✗ Evidence store, review and reports  NO-GO  2.5s');
  });

  it('redraws at least once a second with a running clock', async () => {
    const term = new FakeTerminal(80);
    const tasks = new TaskList(term, { colour: false });
    tasks.add('load', 'Load profiles');
    tasks.start('load');
    const seen: string[] = [];
    for (let i = 1; i <= 3; i++) {
      vi.advanceTimersByTime(1000);
      const s = await screen(term);
      seen.push(s.lines[0]!);
    }
    tasks.close();
    expect(seen).toEqual([
      '… Load profiles  1.0s',
      '… Load profiles  2.0s',
      '… Load profiles  3.0s',
    ]);
  });

  it('follows a terminal made narrower between frames', async () => {
    const term = new FakeTerminal(80);
    const tasks = new TaskList(term, { colour: false });
    tasks.add('lint', 'Semantic lint of traffic');
    tasks.start('lint');
    vi.advanceTimersByTime(500);
    term.columns = 40;
    tasks.finish('lint', 'pass', '15 message(s) from 2 input(s): 0 error-level finding(s)');
    tasks.close();
    const last = term.chunks.at(-1)!;
    for (const line of writtenLines([last])) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });

  it('not a terminal: one plain line per finished task, no cursor or colour codes', () => {
    const lines: string[] = [];
    const tasks = new TaskList({ write: (s: string) => lines.push(s), isTTY: false });
    tasks.add('a', 'Workflow scenarios');
    tasks.add('b', 'Audit trail');
    tasks.start('a');
    vi.advanceTimersByTime(5000);
    tasks.finish('a', 'pass', '18/18 passed');
    tasks.start('b');
    tasks.finish('b', 'fail', LONG_AUDIT);
    tasks.close();
    expect(lines).toEqual([
      '✓ Workflow scenarios  18/18 passed  5.0s\n',
      `✗ Audit trail  ${LONG_AUDIT}  0.0s\n`,
    ]);
  });

  it('a terminal in CI gets plain lines too', () => {
    const term = new FakeTerminal(80);
    const old = process.env.CI;
    process.env.CI = 'true';
    try {
      const tasks = new TaskList(term, { colour: false });
      expect(tasks.live).toBe(false);
    } finally {
      if (old === undefined) delete process.env.CI;
      else process.env.CI = old;
    }
  });
});

function scenarioResult(check: string, outcome: CheckResult['outcome']): CheckResult {
  return {
    check,
    kind: 'scenario',
    title: check,
    domain: 'workflow',
    criteria: ['workflow.exceptions'],
    outcome,
    summary: outcome === 'pass' ? 'all steps passed' : 'step 2 failed',
    findings: [],
    measurements: {},
    startedAt: '2026-02-27T09:00:00.000Z',
    durationMs: 1234,
  } as CheckResult;
}

describe('scenarios run on an 80-column terminal', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('the running line fits, its clock runs, and it is gone after the run: finished lines once each', async () => {
    const term = new FakeTerminal(80);
    const progress = createProgress({ out: term, color: true });
    const ids = Array.from(
      { length: 6 },
      (_, i) => `identity.duplicate-merge-with-a-long-name-${i}`,
    );
    progress({ type: 'run-begin', total: ids.length, target: 'embedded site', concurrency: 6 });
    for (const id of ids) progress({ type: 'scenario-begin', id, title: id });
    vi.advanceTimersByTime(1000);
    const during = await screen(term);
    expect(during.lines.at(-1)).toMatch(/^ {2}0\/6 1\.0s running: /);
    const results = ids.map((id, i) => scenarioResult(id, i === 2 ? 'fail' : 'pass'));
    results.forEach((r, i) => {
      progress({ type: 'scenario-end', result: r, done: i + 1, total: ids.length });
      vi.advanceTimersByTime(400);
    });
    progress({ type: 'run-end', results, durationMs: 5000, exitCode: 1 });
    progress.close();

    // The live line is cut to the width; finished lines and the table are kept whole.
    const status = writtenLines(term.chunks).filter((l) => l.includes('running:'));
    expect(status.length).toBeGreaterThan(0);
    for (const line of status) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    const s = await screen(term);
    expect(s.lines.some((l) => l.includes('running:'))).toBe(false);
    for (const id of ids) {
      expect(s.lines.filter((l) => /^ {2}(PASS|FAIL)/.test(l) && l.includes(id))).toHaveLength(1);
    }
    expect(s.lines.at(-1)).toMatch(/^6 scenario\(s\): 5 passed, 1 failed/);
  });

  it('not a terminal: the finished lines and the table only, no escape codes', () => {
    let text = '';
    const progress = createProgress({ write: (s) => (text += s), color: false });
    progress({ type: 'run-begin', total: 1, target: 'site', concurrency: 1 });
    progress({ type: 'scenario-begin', id: 'a.b', title: 'a.b' });
    progress({ type: 'scenario-end', result: scenarioResult('a.b', 'pass'), done: 1, total: 1 });
    progress({ type: 'run-end', results: [], durationMs: 1, exitCode: 0 });
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('running:');
  });

  it('scenarios list: columns aligned by display width whatever the domain name', () => {
    const text = formatScenarioList([
      { id: 'order.basic', domain: 'workflow', severity: 'blocker', title: 'Order to result' },
      {
        id: 'load.burst',
        domain: 'infrastructure',
        severity: 'major',
        title: 'Analyzer burst',
      },
      { id: 'audit.read-診療', domain: 'compliance', severity: 'minor', title: 'Audit on read' },
    ]);
    const lines = text.trimEnd().split('\n');
    const titleAt = lines.map((l) =>
      displayWidth(l.slice(0, l.search(/(Order|Analyzer|Audit on)/))),
    );
    expect(new Set(titleAt).size).toBe(1);
    const severityAt = lines.map((l) =>
      displayWidth(l.slice(0, l.search(/(blocker|major|minor)/))),
    );
    expect(new Set(severityAt).size).toBe(1);
  });
});

function progressAt(t: number, achieved: number): Progress {
  return {
    t,
    targetRate: achieved,
    achievedRate: achieved,
    p50: 1.25,
    p99: 312.5,
    sent: 12_345,
    completed: 12_300,
    errors: 3,
    inFlight: 45,
    dropped: 7,
    fhirRequests: 278,
    fhirErrors: 1,
    fhirP99: 88.2,
  };
}

describe('golive load status line', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const profile = {
    executors: {
      steady: { executor: 'constant-rate', rate: 100, duration: 10_000 },
      later: { executor: 'constant-rate', rate: 50, duration: 5_000, startAt: 4_000 },
      readers: { executor: 'concurrent-users', users: 5, duration: 10_000 },
    },
  } as unknown as Parameters<typeof plannedRate>[0];

  it('shows the achieved rate against the rate the profile asks for', () => {
    expect(plannedRate(profile, 2)).toBe(100);
    expect(plannedRate(profile, 6)).toBe(150);
    expect(plannedRate(profile, 20)).toBe(0);
    const ramp = {
      executors: {
        r: {
          executor: 'ramping-rate',
          startRate: 0,
          stages: [{ duration: 10_000, target: 100 }],
        },
      },
    } as unknown as Parameters<typeof plannedRate>[0];
    // Mean of a linear ramp over the 5th second: 45/s.
    expect(plannedRate(ramp, 5)).toBeCloseTo(45, 0);
    const lines: string[] = [];
    const v = new LiveView({ write: (s: string) => lines.push(s), isTTY: false }, { profile });
    v.update(progressAt(6, 57.5));
    v.end();
    expect(lines[0]).toMatch(/^t=6s {2}rate 57\.5\/s of 150\/s {2}/);
  });

  it('a wide status line is redrawn on one line of 80 columns, no stale line left', async () => {
    const term = new FakeTerminal(80);
    const v = new LiveView(term, { profile, colour: true });
    for (let t = 1; t <= 5; t++) {
      v.update(progressAt(t, 99.5));
      vi.advanceTimersByTime(1000);
    }
    v.end();
    for (const line of writtenLines(term.chunks))
      expect(displayWidth(line)).toBeLessThanOrEqual(80);
    const s = await screen(term);
    expect(s.wrapped).toBe(0);
    expect(s.lines).toHaveLength(1);
    expect(s.lines[0]).toMatch(/^t=5s {2}rate 99\.5\/s of 150\/s .*…$/);
  });
});

describe('colour, decided once for every command', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it('NO_COLOR off; FORCE_COLOR on unless "0"; else a terminal that is not dumb', () => {
    expect(colourFor(tty, {})).toBe(true);
    expect(colourFor(pipe, {})).toBe(false);
    expect(colourFor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourFor(tty, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(colourFor(tty, { NO_COLOR: '' })).toBe(true);
    expect(colourFor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourFor(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(colourFor(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourFor(tty, { TERM: 'dumb' })).toBe(false);
  });
});

describe('display width', () => {
  it('counts wide characters and emoji twice and escape codes not at all', () => {
    expect(displayWidth('診療')).toBe(4);
    expect(displayWidth('🏥')).toBe(2);
    expect(displayWidth('\u001b[31mred\u001b[39m')).toBe(3);
    const cut = fitLine('診療'.repeat(50), 80);
    expect(displayWidth(cut)).toBeLessThanOrEqual(80);
    expect(cut.endsWith('…')).toBe(true);
    expect(displayWidth(fitWithSuffix('x'.repeat(200), '  12.5s', 80))).toBe(80);
    const rows = alignColumns([
      ['診療', 'a'],
      ['ab', 'b'],
    ]);
    expect(rows.map((r) => displayWidth(r))).toEqual([7, 7]);
  });
});

describe('console summary: the verdict block ends it', () => {
  it('details first; then decision, what blocks it, the reports and the evidence, last', () => {
    const out = renderConsoleSummary(fixtureInput(), {
      color: false,
      reportPaths: { html: '/r/report.html', json: '/r/report.json' },
      evidence: { path: '/r/evidence.db', runId: 'run-1' },
    });
    const lines = out.trimEnd().split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/Open criteria/)).toBeGreaterThan(0);
    expect(at(/^ {2}Decision: NO-GO$/)).toBeGreaterThan(at(/Open criteria/));
    expect(at(/^ {2}Decision:/)).toBeGreaterThan(at(/Gaps in:/));
    expect(at(/^ {2}Blocking \(\d+\):$/)).toBeGreaterThan(at(/^ {2}Decision:/));
    expect(lines.slice(-6)).toEqual([
      '  Reports:',
      '    HTML      /r/report.html',
      '    JSON      /r/report.json',
      '    JUnit     (not written)',
      '    Markdown  (not written)',
      '    Evidence  /r/evidence.db (run run-1)',
    ]);
  });

  it('on a terminal of 80 columns the questions and the heading fit it', () => {
    const out = renderConsoleSummary(fixtureInput(), { color: true, columns: 80 });
    const lines = out.split('\n');
    const questions = lines.filter((l) =>
      /^ {2}\S+ +(YES|NO|PARTLY)|^ {2}(YES|NO|PARTLY)/.test(stripAnsi(l)),
    );
    expect(questions.length).toBeGreaterThanOrEqual(5);
    for (const l of lines.slice(
      0,
      lines.findIndex((x) => x.includes('Open criteria')),
    ))
      expect(displayWidth(l)).toBeLessThanOrEqual(80);
  });

  it('CONDITIONAL GO lists its conditions with owners and due dates', () => {
    const input = fixtureInput();
    input.review.decision = 'CONDITIONAL_GO';
    const out = renderConsoleSummary(input, { color: false });
    if (input.review.conditions.length > 0) expect(out).toMatch(/Conditions \(\d+\):/);
    expect(out).toContain('  Decision: CONDITIONAL GO\n');
  });
});

describe('option errors: a hint that fits the option', () => {
  const hintOf = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).code).toBe('E_OPTION');
      return (e as UserError).hint;
    }
    throw new Error('no error');
  };

  it('each option shows its own example value', () => {
    expect(hintOf(() => positiveInt('abc', '--concurrency', '4'))).toBe('e.g. --concurrency 4');
    expect(hintOf(() => positiveInt('0', '--concurrency', '4'))).toBe('e.g. --concurrency 4');
    expect(hintOf(() => wholeNumber('10s', '--timeout', '10000'))).toBe('e.g. --timeout 10000');
    expect(hintOf(() => wholeNumber('', '--retries', '2'))).toBe('e.g. --retries 2');
    expect(hintOf(() => percent('90%', '--threshold', '90'))).toMatch(/e\.g\. --threshold 90$/);
    expect(wholeNumber('0', '--retries', '2')).toBe(0);
    expect(positiveInt('12', '--concurrency', '4')).toBe(12);
  });
});
