/**
 * Console output of `golive scenarios run`: one line per finished scenario (with the failing
 * step's clinical message, expected and actual), a live "running" line on a terminal (cut to
 * its width, with a running clock, redrawn at least once a second) and a summary table at the
 * end. Not on a terminal: the finished lines only, no cursor codes.
 */
import { stepsOf, type CheckResult, type Outcome } from '../core/index.js';
import { countOutcomes } from '../core/index.js';
import { formatDuration } from '../config/duration.js';
import { LiveArea } from '../report/live.js';
import {
  alignColumns,
  displayWidth,
  padDisplay,
  terminalText as safe,
  type Style,
  type TerminalStream,
  painter,
} from '../report/terminal.js';
import type { RunEvent } from './runner.js';

export interface ProgressOptions {
  /** Where the lines go (stdout in the CLI); a terminal gets the live status line. */
  out?: TerminalStream;
  /** Or only a function that takes the text (never live). */
  write?: (s: string) => void;
  color: boolean;
  /** Redraw a status line in place; default: `out` is a terminal outside CI. */
  live?: boolean;
  /** Print every step as it ends, not only failures. */
  verbose?: boolean;
  /** The clock (tests). */
  now?: () => number;
}

const LABEL: Record<Outcome, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skip: 'SKIP' };
const STYLE: Record<Outcome, Style> = { pass: 'green', fail: 'red', error: 'yellow', skip: 'cyan' };

export type Progress = ((e: RunEvent) => void) & {
  /** Stop the live line (also done by the run's end). */
  close(): void;
};

export function createProgress(o: ProgressOptions): Progress {
  const p = painter(o.color);
  const paint = (s: string, outcome: Outcome) => p(s, STYLE[outcome]);
  const now = o.now ?? Date.now;
  const running = new Map<string, number>();
  let total = 0;
  let done = 0;
  let startedAt = now();
  const status = (): string[] => {
    if (running.size === 0) return [];
    const names = [...running.keys()].map(safe);
    const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ', ...' : '');
    const secs = ((now() - startedAt) / 1000).toFixed(1);
    return [p(`  ${done}/${total} ${secs}s running: ${shown}`, 'dim')];
  };
  const out: TerminalStream = o.out ?? { write: (s: string) => o.write?.(s) };
  const area = new LiveArea(out, status, o.live !== undefined ? { live: o.live } : {});
  const handle = (e: RunEvent) => {
    switch (e.type) {
      case 'run-begin':
        total = e.total;
        startedAt = now();
        area.print(
          `golive scenarios: ${e.total} scenario(s) against ${safe(e.target)}, concurrency ${e.concurrency}\n`,
        );
        area.start();
        break;
      case 'scenario-begin':
        running.set(e.id, now());
        area.refresh();
        break;
      case 'step-end':
        if (o.verbose) {
          area.print(
            `    ${safe(e.scenario)} ${e.step.index}. ${LABEL[e.step.outcome]} ${safe(e.step.title)}: ${safe(e.step.message)}\n`,
          );
        }
        break;
      case 'scenario-end': {
        done = e.done;
        running.delete(e.result.check);
        area.print(scenarioLines(e.result, paint));
        break;
      }
      case 'run-end':
        running.clear();
        area.stop({ keep: false });
        out.write(summaryTable(e.results, e.durationMs));
        break;
    }
  };
  return Object.assign(handle, { close: () => area.stop({ keep: false }) });
}

function scenarioLines(r: CheckResult, paint: (s: string, o: Outcome) => string): string {
  let s = `  ${paint(LABEL[r.outcome].padEnd(5), r.outcome)} ${padDisplay(safe(r.check), 30)} ${formatDuration(r.durationMs).padStart(8)}\n`;
  if (r.outcome === 'fail' || r.outcome === 'error') {
    const steps = stepsOf(r);
    const bad = steps.find((st) => st.outcome === r.outcome);
    if (bad) {
      s += `        step ${bad.index} ${safe(bad.title)}: ${safe(bad.message)}\n`;
      if (bad.expected !== undefined) s += `          expected: ${safe(bad.expected)}\n`;
      if (bad.actual !== undefined) s += `          actual:   ${safe(bad.actual)}\n`;
    } else s += `        ${safe(r.summary)}\n`;
  }
  return s;
}

/** The end-of-run table: one row per scenario, then the counts. */
export function summaryTable(results: CheckResult[], durationMs: number): string {
  const rows = results.map((r) => {
    const steps = stepsOf(r);
    const c = countOutcomes(steps.map((st) => st.outcome));
    return [
      safe(r.check),
      r.outcome,
      `${c.pass}/${steps.length}`,
      formatDuration(r.durationMs),
      r.criteria.join(' '),
    ];
  });
  const head = ['scenario', 'outcome', 'steps', 'time', 'criteria'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => displayWidth(r[i]!))));
  const counts = countOutcomes(results.map((r) => r.outcome));
  return [
    '',
    ...alignColumns([head, widths.map((w) => '-'.repeat(w)), ...rows], '  '),
    '',
    `${results.length} scenario(s): ${counts.pass} passed, ${counts.fail} failed, ${counts.error} inconclusive, ${counts.skip} skipped (${formatDuration(durationMs)})`,
    '',
  ].join('\n');
}

/**
 * `golive scenarios list` as text: id, domain, severity and title in columns aligned by display
 * width (the widest value of each column sets it), one scenario a line.
 */
export function formatScenarioList(
  rows: readonly { id: string; domain: string; severity: string; title: string }[],
): string {
  const lines = alignColumns(rows.map((r) => [r.id, r.domain, r.severity, r.title].map(safe)));
  return lines.map((l) => `${l}\n`).join('');
}
