/** End-of-run summary for the terminal. Plain text unless `color` is set. */
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
import type { ReportInput, ReportPaths } from './types.js';

export interface ConsoleOptions {
  color: boolean;
  /** Where the reports were written; shown as a list (placeholders when absent). */
  reportPaths?: Partial<ReportPaths>;
  /** Maximum open criteria listed before "... and N more". Default 20. */
  maxOpen?: number;
}

type Style =
  | 'bold'
  | 'dim'
  | 'red'
  | 'green'
  | 'yellow'
  | 'cyan'
  | 'inverseRed'
  | 'inverseGreen'
  | 'inverseYellow';

const SGR: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  inverseRed: [41, 49],
  inverseGreen: [42, 49],
  inverseYellow: [43, 49],
};

function painter(color: boolean) {
  return (text: string, ...styles: Style[]): string =>
    color ? styles.reduce((s, st) => `\u001b[${SGR[st][0]}m${s}\u001b[${SGR[st][1]}m`, text) : text;
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

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The end-of-run summary: five questions, decision, open criteria with owners, report paths. */
export function renderConsoleSummary(input: ReportInput, opts: ConsoleOptions): string {
  const p = painter(opts.color);
  const { review, run } = input;
  const lines: string[] = [];
  lines.push(p(`Go-live review of ${t(run.target)}`, 'bold') + p(`  (run ${t(run.id)})`, 'dim'));
  lines.push('');

  const qWidth = Math.max(0, ...review.questions.map((q) => t(q.question).length));
  for (const q of review.questions) {
    const [label, style] = ANSWER[q.answer];
    lines.push(
      `  ${p(label, style, 'bold')}  ${pad(t(q.question), qWidth)}  ${p(t(tidyText(q.summary)), 'dim')}`,
    );
  }
  lines.push('');

  const label = ` ${DECISION_LABEL[review.decision]} `;
  const inverse = {
    GO: 'inverseGreen',
    CONDITIONAL_GO: 'inverseYellow',
    NO_GO: 'inverseRed',
  } as const;
  lines.push(
    `  Decision: ${opts.color ? p(label, inverse[review.decision], 'bold') : DECISION_LABEL[review.decision]}`,
  );
  lines.push(`  ${p(t(tidyText(review.rationale)), DECISION_STYLE[review.decision])}`);
  lines.push('');

  const open = openCriteria(review.criteria);
  const max = opts.maxOpen ?? 20;
  if (open.length === 0) {
    lines.push(`  ${p('All criteria met.', 'green')}`);
  } else {
    lines.push(p(`  Open criteria (${open.length} of ${review.criteria.length}):`, 'bold'));
    const idWidth = Math.max(...open.slice(0, max).map((c) => t(c.id).length));
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
  lines.push('');

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

  const domains = [...new Set(open.map((c) => DOMAIN_LABEL[c.domain]))];
  if (domains.length) lines.push('', p(`  Gaps in: ${domains.join(', ')}`, 'dim'));
  return `${lines.join('\n')}\n`;
}
