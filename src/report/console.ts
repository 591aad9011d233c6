/**
 * End-of-run summary for the terminal: details first, the verdict block last. Plain text unless
 * `color` is set (the CLI sets it from `useColour`, report/terminal.ts).
 */
import type { CriterionStatus, DecisionValue, QuestionAnswer } from '../core/index.js';
import { terminalSafe as t } from './escape.js';
import {
  DECISION_LABEL,
  DOMAIN_LABEL,
  STATUS_LABEL,
  openCriteria,
  ownerOf,
  tidyText,
} from './model.js';
import {
  alignColumns,
  displayWidth,
  fitLine,
  padDisplay,
  painter,
  type Paint,
  type Style,
} from './terminal.js';
import type { ReportInput, ReportPaths } from './types.js';

export interface ConsoleOptions {
  color: boolean;
  /** Where the reports were written; shown as a list (placeholders when absent). */
  reportPaths?: Partial<ReportPaths>;
  /** Maximum open criteria listed before "... and N more". Default 20. */
  maxOpen?: number;
  /**
   * Width of the terminal the summary is printed on: a question line wider than it puts its
   * answer's summary on a line of its own. Default: no limit (files, pipes).
   */
  columns?: number;
  /** The evidence store the run was recorded in, listed last with the reports. */
  evidence?: { path: string; runId: string };
}

const DECISION_STYLE: Record<DecisionValue, Style> = {
  GO: 'green',
  CONDITIONAL_GO: 'yellow',
  NO_GO: 'red',
};

const ANSWER: Record<QuestionAnswer['answer'], [string, Style]> = {
  yes: ['YES   ', 'green'],
  partly: ['PARTLY', 'yellow'],
  no: ['NO    ', 'red'],
};

const STATUS_STYLE: Record<CriterionStatus, Style> = {
  met: 'green',
  'not-met': 'red',
  'not-evidenced': 'yellow',
  inconclusive: 'yellow',
  waived: 'cyan',
};

const pad = padDisplay;

/** Open and not accepted: what keeps a decision from GO. */
const OPEN_STATUS: ReadonlySet<CriterionStatus> = new Set([
  'not-met',
  'not-evidenced',
  'inconclusive',
]);

/** Lines of the verdict that name what blocks or conditions the decision, at most this many. */
const MAX_BLOCKING = 8;

/**
 * The end-of-run summary, in reading order: the five questions and the open criteria with their
 * owners (the details), then the verdict block last, where a terminal leaves it in view: the
 * decision, what blocks it (or its conditions), the report paths.
 */
export function renderConsoleSummary(input: ReportInput, opts: ConsoleOptions): string {
  const p = painter(opts.color);
  const { review, run } = input;
  const lines: string[] = [];
  const cols = opts.columns;
  const heading = `Go-live review of ${t(run.target)}`;
  const runId = `  (run ${t(run.id)})`;
  if (cols !== undefined && displayWidth(heading + runId) > cols)
    lines.push(p(heading, 'bold'), p(fitLine(runId, cols), 'dim'));
  else lines.push(p(heading, 'bold') + p(runId, 'dim'));
  lines.push('');

  const qWidth = Math.max(0, ...review.questions.map((q) => displayWidth(t(q.question))));
  for (const q of review.questions) {
    const [label, style] = ANSWER[q.answer];
    const question = t(q.question);
    const summary = t(tidyText(q.summary));
    const oneLine = `  ${label}  ${pad(question, qWidth)}  ${summary}`;
    if (cols !== undefined && displayWidth(oneLine) > cols) {
      // Too wide for the terminal: the answer's summary goes on a line of its own, both cut.
      lines.push(`  ${p(label, style, 'bold')}  ${fitLine(question, cols - 10)}`);
      lines.push(p(fitLine(`${' '.repeat(10)}${summary}`, cols), 'dim'));
    } else {
      lines.push(`  ${p(label, style, 'bold')}  ${pad(question, qWidth)}  ${p(summary, 'dim')}`);
    }
  }
  lines.push('');

  const open = openCriteria(review.criteria);
  const max = opts.maxOpen ?? 20;
  if (open.length === 0) {
    lines.push(`  ${p('All criteria met.', 'green')}`);
  } else {
    lines.push(p(`  Open criteria (${open.length} of ${review.criteria.length}):`, 'bold'));
    const idWidth = Math.max(...open.slice(0, max).map((c) => displayWidth(t(c.id))));
    for (const c of open.slice(0, max)) {
      const o = ownerOf(input, c);
      const status = pad(STATUS_LABEL[c.status], 13);
      lines.push(
        `    ${pad(c.severity, 7)} ${pad(t(c.id), idWidth)}  ${p(status, STATUS_STYLE[c.status])}  owner: ${t(o.owner)}${o.due ? `, due ${t(o.due)}` : ''}`,
      );
      lines.push(p(`      ${t(tidyText(c.reason))}`, 'dim'));
    }
    if (open.length > max)
      lines.push(`    ... and ${open.length - max} more (see the HTML report)`);
  }
  const domains = [...new Set(open.map((c) => DOMAIN_LABEL[c.domain]))];
  if (domains.length) lines.push('', p(`  Gaps in: ${domains.join(', ')}`, 'dim'));
  lines.push('');

  lines.push(...verdict(input, opts, p));
  return `${lines.join('\n')}\n`;
}

/** The verdict block: decision and rationale, what blocks it or its conditions, the reports. */
function verdict(input: ReportInput, opts: ConsoleOptions, p: Paint): string[] {
  const { review } = input;
  const lines: string[] = [];
  const label = DECISION_LABEL[review.decision];
  const inverse = {
    GO: 'inverseGreen',
    CONDITIONAL_GO: 'inverseYellow',
    NO_GO: 'inverseRed',
  } as const;
  lines.push(p(`  ${'─'.repeat(40)}`, 'dim'));
  lines.push(
    `  Decision: ${opts.color ? p(` ${label} `, inverse[review.decision], 'bold') : label}`,
  );
  lines.push(`  ${p(t(tidyText(review.rationale)), DECISION_STYLE[review.decision])}`);

  const blocking = review.criteria.filter(
    (c) => c.severity === 'blocker' && OPEN_STATUS.has(c.status),
  );
  if (review.decision === 'NO_GO' && blocking.length > 0) {
    lines.push(p(`  Blocking (${blocking.length}):`, 'bold'));
    const rows = blocking.slice(0, MAX_BLOCKING).map((c) => {
      const o = ownerOf(input, c);
      return [t(c.id), STATUS_LABEL[c.status], `owner: ${t(o.owner)}`];
    });
    lines.push(...alignColumns(rows, '    ').map((l) => p(l, 'red')));
    if (blocking.length > MAX_BLOCKING)
      lines.push(`    ... and ${blocking.length - MAX_BLOCKING} more (open criteria above)`);
  } else if (review.decision === 'CONDITIONAL_GO' && review.conditions.length > 0) {
    lines.push(p(`  Conditions (${review.conditions.length}):`, 'bold'));
    const rows = review.conditions
      .slice(0, MAX_BLOCKING)
      .map((c) => [t(c.criterion), `owner: ${t(c.owner)}`, `due ${t(c.due)}`]);
    lines.push(...alignColumns(rows, '    ').map((l) => p(l, 'yellow')));
    if (review.conditions.length > MAX_BLOCKING)
      lines.push(
        `    ... and ${review.conditions.length - MAX_BLOCKING} more (open criteria above)`,
      );
  }

  const paths = opts.reportPaths ?? {};
  lines.push(p('  Reports:', 'bold'));
  const rows: [string, string | undefined][] = [
    ['HTML', paths.html],
    ['JSON', paths.json],
    ['JUnit', paths.junit],
    ['Markdown', paths.markdown],
  ];
  for (const [name, path] of rows)
    lines.push(`    ${pad(name, 9)} ${path ? t(path) : p('(not written)', 'dim')}`);
  if (opts.evidence)
    lines.push(
      `    ${pad('Evidence', 9)} ${t(opts.evidence.path)} (run ${t(opts.evidence.runId)})`,
    );
  return lines;
}
