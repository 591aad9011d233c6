/**
 * Console output of `golive scenarios run`: one line per finished scenario (with the failing
 * step's clinical message, expected and actual), a live "running" line on a terminal, and a
 * summary table at the end.
 */
import type { CheckResult, Outcome, ScenarioData } from '../core/index.js';
import { countOutcomes } from '../core/result.js';
import { formatDuration } from '../config/duration.js';
import type { RunEvent } from './runner.js';

export interface ProgressOptions {
  write: (s: string) => void;
  color: boolean;
  /** Rewrite a status line in place (only on a terminal). */
  live: boolean;
  /** Print every step as it ends, not only failures. */
  verbose?: boolean;
}

const LABEL: Record<Outcome, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skip: 'SKIP' };
const COLOR: Record<Outcome, number> = { pass: 32, fail: 31, error: 33, skip: 36 };

// Text from the target can hold control characters: never let it drive the terminal.
const safe = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');

export function createProgress(o: ProgressOptions): (e: RunEvent) => void {
  const paint = (s: string, code: number) => (o.color ? `\u001b[${code}m${s}\u001b[39m` : s);
  const running = new Set<string>();
  let statusShown = false;
  const clear = () => {
    if (statusShown) o.write('\r\u001b[2K');
    statusShown = false;
  };
  const status = (done: number, total: number) => {
    if (!o.live || running.size === 0) return;
    const names = [...running].slice(0, 3).join(', ') + (running.size > 3 ? ', ...' : '');
    o.write(`\r\u001b[2K  ${done}/${total} running: ${names}`);
    statusShown = true;
  };
  let total = 0;
  let done = 0;
  return (e) => {
    switch (e.type) {
      case 'run-begin':
        total = e.total;
        o.write(
          `golive scenarios: ${e.total} scenario(s) against ${safe(e.target)}, concurrency ${e.concurrency}\n`,
        );
        break;
      case 'scenario-begin':
        running.add(e.id);
        clear();
        status(done, total);
        break;
      case 'step-end':
        if (o.verbose) {
          clear();
          o.write(
            `    ${e.scenario} ${e.step.index}. ${LABEL[e.step.outcome]} ${safe(e.step.title)}: ${safe(e.step.message)}\n`,
          );
        }
        break;
      case 'scenario-end': {
        done = e.done;
        running.delete(e.result.check);
        clear();
        o.write(scenarioLines(e.result, paint));
        status(done, total);
        break;
      }
      case 'run-end':
        clear();
        o.write(summaryTable(e.results, e.durationMs));
        break;
    }
  };
}

function scenarioLines(r: CheckResult, paint: (s: string, c: number) => string): string {
  let s = `  ${paint(LABEL[r.outcome].padEnd(5), COLOR[r.outcome])} ${r.check.padEnd(30)} ${formatDuration(r.durationMs).padStart(8)}\n`;
  if (r.outcome === 'fail' || r.outcome === 'error') {
    const steps = (r.data as ScenarioData | undefined)?.steps ?? [];
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
    const steps = (r.data as ScenarioData | undefined)?.steps ?? [];
    const c = countOutcomes(steps.map((st) => st.outcome));
    return [
      r.check,
      r.outcome,
      `${c.pass}/${steps.length}`,
      formatDuration(r.durationMs),
      r.criteria.join(' '),
    ];
  });
  const head = ['scenario', 'outcome', 'steps', 'time', 'criteria'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  const counts = countOutcomes(results.map((r) => r.outcome));
  return [
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `${results.length} scenario(s): ${counts.pass} passed, ${counts.fail} failed, ${counts.error} inconclusive, ${counts.skip} skipped (${formatDuration(durationMs)})`,
    '',
  ].join('\n');
}
