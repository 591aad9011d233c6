/**
 * `golive lint`'s progress line (src/cli/lint-progress.ts) goes through the live area like
 * `golive load`: on a stand-in terminal of 80 columns (replayed in a terminal emulator) it fits
 * the width, its clock runs between reader updates, it is gone when the lint ends; off a
 * terminal or in CI nothing is written; NO_COLOR and FORCE_COLOR decide its colour. Clocks are
 * vitest's fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  LintProgress,
  PROGRESS_MIN_BYTES,
  formatLintProgress,
} from '../../src/cli/lint-progress.js';
import { displayWidth } from '../../src/report/terminal.js';
import { FakeTerminal, screenOf, stripAnsi } from '../helpers/screen.js';

// CI=true (set by .ci/run) turns the live area off by design: cleared here, set by the test
// that checks that rule.
beforeEach(() => {
  vi.stubEnv('CI', '');
  vi.stubEnv('NO_COLOR', '');
  vi.stubEnv('FORCE_COLOR', undefined);
  vi.stubEnv('TERM', 'xterm-256color');
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

const MIB = 1024 * 1024;
/** A big input: the numbers make the line wider than 80 columns. */
const at = (mb: number, messages: number) => ({
  file: 'capture.hl7',
  bytesRead: mb * MIB,
  totalBytes: 9_876_543 * MIB,
  messages,
});

function lines(chunks: readonly string[]): string[] {
  return chunks.flatMap((c) => stripAnsi(c).split(/\r?\n|\r/));
}

describe('golive lint progress on an 80-column terminal', () => {
  it('the line is wider than 80 columns uncut', () => {
    expect(
      displayWidth(`lint: ${formatLintProgress(at(1_234_567, 98_765_432_100), 1500)}`),
    ).toBeGreaterThan(80);
  });

  it('cut to the width, never wrapped, its clock runs without new updates, gone at the end', async () => {
    const term = new FakeTerminal(80);
    const p = new LintProgress(term);
    p.update(at(1_234_567, 98_765_432_100));
    const first = stripAnsi(term.text);
    expect(first).toContain('lint: 1234567 MB of 9876543 MB');
    expect(first).toContain('0.0 s');
    vi.advanceTimersByTime(2000);
    // No reader update for 2 s: the area redrew by itself with the time so far.
    expect(stripAnsi(term.chunks.at(-1)!)).toContain('2.0 s');
    for (const l of lines(term.chunks)) expect(displayWidth(l)).toBeLessThanOrEqual(80);

    const before = await screenOf(term.text, { columns: 80, rows: 30, convertEol: true });
    expect(before.wrapped).toBe(0);
    expect(before.lines).toHaveLength(1);
    expect(before.lines[0]).toMatch(/^lint: 1234567 MB of 9876543 MB, .*…$/);

    p.done();
    const after = await screenOf(term.text, { columns: 80, rows: 30, convertEol: true });
    expect(after.lines).toEqual([]);
  });

  it('follows a terminal made narrower', async () => {
    const term = new FakeTerminal(80);
    const p = new LintProgress(term);
    p.update(at(200, 1000));
    term.columns = 30;
    vi.advanceTimersByTime(500);
    expect(displayWidth(stripAnsi(term.chunks.at(-1)!).split('\n')[0]!)).toBeLessThanOrEqual(30);
    p.done();
  });

  it('small inputs and --no-progress show nothing', () => {
    const term = new FakeTerminal(80);
    const small = new LintProgress(term);
    small.update({ ...at(0, 10), bytesRead: PROGRESS_MIN_BYTES - 1 });
    vi.advanceTimersByTime(1000);
    small.done();
    const off = new LintProgress(term, { enabled: false });
    off.update(at(500, 1000));
    vi.advanceTimersByTime(1000);
    off.done();
    expect(stripAnsi(term.text).trim()).toBe('');
  });

  it('not a terminal, or a terminal in CI: nothing written at all', () => {
    const piped: string[] = [];
    const pipe = new LintProgress({ isTTY: false, write: (s: string) => piped.push(s) });
    pipe.update(at(500, 1000));
    vi.advanceTimersByTime(5000);
    pipe.done();
    expect(piped).toEqual([]);

    vi.stubEnv('CI', 'true');
    const term = new FakeTerminal(80);
    const ci = new LintProgress(term);
    ci.update(at(500, 1000));
    vi.advanceTimersByTime(5000);
    ci.done();
    expect(term.chunks).toEqual([]);
  });

  it('NO_COLOR: no colour codes; FORCE_COLOR: the label is dim', () => {
    const sgr = /\u001b\[\d+m/;
    vi.stubEnv('NO_COLOR', '1');
    const plain = new FakeTerminal(80);
    const a = new LintProgress(plain);
    a.update(at(500, 1000));
    a.done();
    expect(plain.text).toContain('lint: 500 MB');
    expect(plain.text).not.toMatch(sgr);

    vi.stubEnv('NO_COLOR', '');
    vi.stubEnv('FORCE_COLOR', '1');
    const coloured = new FakeTerminal(80);
    const b = new LintProgress(coloured);
    b.update(at(500, 1000));
    b.done();
    expect(coloured.text).toContain('\u001b[2mlint:\u001b[22m 500 MB');
  });
});
