/** HTML sections about the review itself: decision, questions, board, conditions, findings, evidence. */
import { DOMAINS, formatLocation, severityCounts } from '../core/index.js';
import { escapeHtml as e } from './escape.js';
import {
  chip,
  cls,
  evidenceRef,
  filterAttrs,
  section,
  statusOfCriterion,
  type HtmlContext,
} from './html-context.js';
import { cell, gridTable, type Col } from './html-table.js';
import {
  DECISION_LABEL,
  DOMAIN_LABEL,
  STATUS_LABEL,
  collectFindings,
  criteriaByDomain,
  formatInstant,
  ownerOf,
  tidyText,
} from './model.js';

export function decisionHtml(ctx: HtmlContext): string {
  const r = ctx.input.review;
  const label = DECISION_LABEL[r.decision];
  return `<section class="decision decision--${cls(label)}" id="decision" data-testid="decision" data-decision="${e(r.decision)}">
<div class="decision__kicker">Go-live decision</div>
<div class="decision__label" data-testid="decision-label">${e(label)}</div>
<p class="decision__rationale">${e(tidyText(r.rationale))}</p>
<div class="decision__meta">
<span>Decided by <b>${e(r.decidedBy)}</b></span><span>at <b>${e(formatInstant(r.decidedAt))}</b></span>
<span>Template <b>${e(r.template)}</b></span><span>Policy <b>${e(r.policyVersion)}</b></span>
<span>Evidence records <b>${r.evidence.length}</b></span>
</div>
</section>`;
}

export function questionsHtml(ctx: HtmlContext): string {
  const cards = ctx.input.review.questions.map(
    (
      q,
    ) => `<div class="question question--${cls(q.answer)}" data-testid="question" data-domain="${e(q.domain)}">
<div class="question__domain">${e(DOMAIN_LABEL[q.domain] ?? q.domain)}</div>
<div class="question__text">${e(q.question)}</div>
<span class="answer answer--${cls(q.answer)}">${e(q.answer.toUpperCase())}</span>
<p class="question__summary">${e(tidyText(q.summary))}</p>
</div>`,
  );
  return section(
    'questions',
    'The five go-live questions',
    `<div class="questions">\n${cards.join('\n')}\n</div>`,
  );
}

const BOARD = {
  status: { label: 'Status', width: '124px', cls: 'nowrap' },
  criterion: { label: 'Criterion', width: '25%', cls: 'text' },
  severity: { label: 'Severity', width: '92px' },
  owner: { label: 'Owner', width: '15%' },
  reason: { label: 'Reason', cls: 'text' },
  evidence: { label: 'Evidence', width: '15%' },
} satisfies Record<string, Col>;

export function boardHtml(ctx: HtmlContext): string {
  const groups = criteriaByDomain(ctx.input.review.criteria).map(([domain, list]) => {
    const met = list.filter((c) => c.status === 'met').length;
    const rows = list.map((c) => {
      const o = ownerOf(ctx.input, c);
      const ev = c.evidence.length
        ? `<div class="evid">${c.evidence.map((id) => evidenceRef(ctx, id)).join('')}</div>`
        : '<span class="none">none</span>';
      return `<tr data-testid="criterion-row" data-status="${e(c.status)}"${filterAttrs(statusOfCriterion(c.status), c.domain)}>
${cell(BOARD.status, chip(c.status, STATUS_LABEL[c.status]))}
${cell(BOARD.criterion, `<span class="crit-title">${e(c.title)}</span><span class="crit-id">${e(c.id)}</span>`)}
${cell(BOARD.severity, `<span class="sev sev--${cls(c.severity)}">${e(c.severity)}</span>`)}
${cell(BOARD.owner, `${e(o.owner)}${o.due ? `<div class="muted">due ${e(o.due)}</div>` : ''}`)}
${cell(BOARD.reason, e(tidyText(c.reason)))}
${cell(BOARD.evidence, ev)}
</tr>`;
    });
    return `<div class="f-group" data-f-group>
<h3>${e(DOMAIN_LABEL[domain])} <span class="muted">${met} of ${list.length} met</span></h3>
${gridTable(Object.values(BOARD), rows, { fixed: true, attrs: ` data-domain="${e(domain)}"` })}
</div>`;
  });
  const total = ctx.input.review.criteria.length;
  const met = ctx.input.review.criteria.filter((c) => c.status === 'met').length;
  return section(
    'board',
    'Criteria board',
    `<div data-testid="board">${groups.join('\n') || '<p class="none">No criteria evaluated.</p>'}</div>`,
    `${met} of ${total} criteria met. A criterion without evidence is never met; inconclusive means the tool or the connection failed.`,
  );
}

const CONDITIONS: Col[] = [
  { label: 'Criterion', width: '30%', cls: 'text' },
  { label: 'Owner', width: '18%' },
  { label: 'Due', width: '110px', cls: 'nowrap' },
  { label: 'What must happen', cls: 'text' },
];

export function conditionsHtml(ctx: HtmlContext): string {
  const r = ctx.input.review;
  const titles = new Map(r.criteria.map((c) => [c.id, c]));
  const [crit, owner, due, what] = CONDITIONS as [Col, Col, Col, Col];
  const conds = r.conditions.length
    ? gridTable(
        CONDITIONS,
        r.conditions.map(
          (c) =>
            `<tr>${cell(crit, `<span class="crit-title">${e(titles.get(c.criterion)?.title ?? c.criterion)}</span><span class="crit-id">${e(c.criterion)}</span>`)}
${cell(owner, e(c.owner))}${cell(due, e(c.due))}${cell(what, e(tidyText(c.reason)))}</tr>`,
        ),
        { fixed: true },
      )
    : '<p class="none">No conditions.</p>';
  const minors = r.openMinors.length
    ? `<h3>Open minor criteria (listed, not blocking)</h3><ul>${r.openMinors
        .map((id) => {
          const c = titles.get(id);
          return `<li><code>${e(id)}</code>${c ? ` ${e(c.title)}: ${e(tidyText(c.reason))} <span class="muted">(owner ${e(c.owner)})</span>` : ''}</li>`;
        })
        .join('')}</ul>`
    : '';
  return section('conditions', 'Conditions and open minors', conds + minors);
}

const FINDINGS_PER_GROUP = 200;

const FINDING_COLS: Col[] = [
  { label: 'Severity', width: '92px' },
  { label: 'Rule', width: '17%', cls: 'text' },
  { label: 'Message', cls: 'text' },
  { label: 'Location', width: '17%', cls: 'text' },
  { label: 'Action before go-live', width: '24%', cls: 'text' },
  { label: 'Check', width: '12%', cls: 'text' },
];

export function findingsHtml(ctx: HtmlContext): string {
  const all = collectFindings(ctx.input.checks);
  const counts = severityCounts(all.map((f) => f.finding));
  const [sev, rule, msg, loc, action, chk] = FINDING_COLS as [Col, Col, Col, Col, Col, Col];
  const head = `<div class="counts"><span><b>${all.length}</b>findings</span><span><b>${counts.error}</b>errors</span><span><b>${counts.warning}</b>warnings</span><span><b>${counts.info}</b>info</span></div>`;
  const groups = DOMAINS.map((d) => {
    const list = all.filter((f) => f.finding.domain === d);
    if (list.length === 0) return '';
    const shown = list.slice(0, FINDINGS_PER_GROUP);
    const rows = shown.map(({ finding: f, check }) => {
      const where = formatLocation(f.location);
      const anchor = ctx.checkAnchor.get(check.evidenceId);
      return `<tr data-testid="finding-row"${filterAttrs(check.outcome, f.domain)}>${cell(sev, chip(f.severity === 'error' ? 'error-sev' : f.severity, f.severity))}
${cell(rule, `<code>${e(f.rule)}</code>`)}${cell(msg, e(tidyText(f.message)))}${cell(loc, where ? `<code>${e(where)}</code>` : '<span class="none">–</span>')}
${cell(action, e(tidyText(f.action)))}${cell(chk, anchor ? `<a href="#${anchor}">${e(check.check)}</a>` : e(check.check))}</tr>`;
    });
    const more =
      list.length > shown.length
        ? `<p class="muted">${list.length - shown.length} more ${e(DOMAIN_LABEL[d])} findings are in report.json.</p>`
        : '';
    const c = severityCounts(list.map((f) => f.finding));
    return `<div class="f-group" data-f-group>
<h3>${e(DOMAIN_LABEL[d])} <span class="muted">${c.error} errors · ${c.warning} warnings · ${c.info} info</span></h3>
${gridTable(FINDING_COLS, rows, { fixed: true })}${more}
</div>`;
  }).join('\n');
  return section(
    'findings',
    'Findings by domain and severity',
    head + (groups || '<p class="none">No findings.</p>'),
  );
}

const EVIDENCE_COLS: Col[] = [
  { label: 'Id', width: '12%', cls: 'text' },
  { label: 'Record', cls: 'text' },
  { label: 'Content hash', width: '40%', cls: 'text hash' },
  { label: 'Evaluated', width: '96px' },
];

export function evidenceHtml(ctx: HtmlContext): string {
  const [idCol, rec, hash, evaluated] = EVIDENCE_COLS as [Col, Col, Col, Col];
  const rows = ctx.evidence.map((ev) => {
    const anchor = ctx.checkAnchor.get(ev.id);
    const what = ev.title
      ? `${anchor ? `<a href="#${anchor}">${e(ev.title)}</a>` : e(ev.title)} <span class="muted">${e(ev.kind ?? '')} · ${e(ev.check ?? '')}</span>`
      : '<span class="muted">record</span>';
    return `<tr id="${ctx.evidenceAnchor.get(ev.id) ?? ''}" data-testid="evidence-row" data-evidence-id="${e(ev.id)}">${cell(idCol, `<code>${e(ev.id)}</code>`)}${cell(rec, what)}
${cell(hash, `<code class="hash">${e(ev.hash)}</code>`)}${cell(evaluated, ev.evaluated ? 'yes' : '<span class="muted">no</span>')}</tr>`;
  });
  return section(
    'evidence',
    'Evidence',
    gridTable(EVIDENCE_COLS, rows, { fixed: true }),
    'Every record the review weighed or a check was stored under, in the order the store wrote them, with its content hash as stored. Re-evaluating the same records gives the same decision; <code>golive evidence verify</code> checks the hash chain.',
  );
}
