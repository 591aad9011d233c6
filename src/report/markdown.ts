/** Markdown summary for tickets and pull requests (GitHub-flavoured tables). */
import { escapeMarkdown as md } from './escape.js';
import {
  DECISION_LABEL,
  DOMAIN_LABEL,
  STATUS_LABEL,
  collectFindings,
  formatInstant,
  openCriteria,
  ownerOf,
  summarizeChecks,
  tidyText,
} from './model.js';
import type { ReportInput } from './types.js';

const DECISION_MARK = { GO: '🟢', CONDITIONAL_GO: '🟠', NO_GO: '🔴' } as const;
const ANSWER_MARK = { yes: '✅ yes', partly: '⚠️ partly', no: '❌ no' } as const;

export interface MarkdownOptions {
  /** How many findings to list (most severe first). Default 10. */
  topFindings?: number;
}

/** Inline code for identifiers (also inside table cells, where `|` must stay escaped). */
function code(s: string): string {
  return `\`${s.replace(/[\u0000-\u001F\u007F`]/g, '').replace(/\|/g, '\\|')}\``;
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

/** A short Markdown summary: decision, five questions, open criteria with owners, top findings. */
export function renderMarkdown(input: ReportInput, opts: MarkdownOptions = {}): string {
  const { review, run } = input;
  const top = opts.topFindings ?? 10;
  const out: string[] = [];
  out.push(
    `# Go-live review: ${DECISION_MARK[review.decision]} ${DECISION_LABEL[review.decision]}`,
  );
  out.push('');
  out.push(md(tidyText(review.rationale)));
  out.push('');
  out.push(
    `Target **${md(run.target)}** · run ${code(run.id)} · started ${md(formatInstant(run.startedAt))} · decided ${md(formatInstant(review.decidedAt))} by ${md(review.decidedBy)} · template ${md(review.template)}, policy ${md(review.policyVersion)} · golive ${md(run.toolVersion)}`,
  );
  out.push('');

  out.push('## The five questions', '');
  out.push(
    ...table(
      ['Domain', 'Question', 'Answer', 'Summary'],
      review.questions.map((q) => [
        DOMAIN_LABEL[q.domain],
        md(q.question),
        ANSWER_MARK[q.answer],
        md(tidyText(q.summary)),
      ]),
    ),
  );
  out.push('');

  const open = openCriteria(review.criteria);
  out.push(`## Open criteria (${open.length} of ${review.criteria.length})`, '');
  if (open.length === 0) out.push('Every criterion is met.');
  else
    out.push(
      ...table(
        ['Criterion', 'Severity', 'Status', 'Owner', 'Due', 'Reason'],
        open.map((c) => {
          const o = ownerOf(input, c);
          return [
            `${code(c.id)} ${md(c.title)}`,
            c.severity,
            STATUS_LABEL[c.status],
            md(o.owner),
            o.due ? md(o.due) : '',
            md(tidyText(c.reason)),
          ];
        }),
      ),
    );
  out.push('');

  if (review.conditions.length) {
    out.push('## Conditions', '');
    for (const c of review.conditions)
      out.push(
        `- [ ] ${code(c.criterion)}: ${md(tidyText(c.reason))} (owner ${md(c.owner)}, due ${md(c.due)})`,
      );
    out.push('');
  }

  const findings = collectFindings(input.checks);
  out.push(`## Top findings (${Math.min(top, findings.length)} of ${findings.length})`, '');
  if (findings.length === 0) out.push('No findings.');
  else
    out.push(
      ...table(
        ['Severity', 'Domain', 'Rule', 'Message', 'Action'],
        findings
          .slice(0, top)
          .map(({ finding: f }) => [
            f.severity,
            f.domain,
            code(f.rule),
            md(tidyText(f.message)),
            md(tidyText(f.action)),
          ]),
      ),
    );
  out.push('');

  const s = summarizeChecks(input.checks).byOutcome;
  out.push(
    `Checks: ${input.checks.length} (${s.pass} pass, ${s.fail} fail, ${s.error} inconclusive, ${s.skip} skipped). Full detail in the HTML report.`,
    '',
  );
  return out.join('\n');
}
