/** HTML sections about the review itself: decision, questions, board, conditions, findings, evidence. */
import { DOMAINS, formatLocation, severityCounts } from '../core/index.js';
import { escapeHtml as e } from './escape.js';
import { chip, cls, evidenceRef, section, type HtmlContext } from './html-context.js';
import {
  DECISION_LABEL,
  DOMAIN_LABEL,
  STATUS_LABEL,
  collectFindings,
  criteriaByDomain,
  formatInstant,
  ownerOf,
} from './model.js';

export function decisionHtml(ctx: HtmlContext): string {
  const r = ctx.input.review;
  const label = DECISION_LABEL[r.decision];
  return `<section class="decision decision--${cls(label)}" id="decision" data-testid="decision" data-decision="${e(r.decision)}">
<div class="decision__kicker">Go-live decision</div>
<div class="decision__label" data-testid="decision-label">${e(label)}</div>
<p class="decision__rationale">${e(r.rationale)}</p>
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
<p class="question__summary">${e(q.summary)}</p>
</div>`,
  );
  return section(
    'questions',
    'The five go-live questions',
    `<div class="questions">\n${cards.join('\n')}\n</div>`,
  );
}

export function boardHtml(ctx: HtmlContext): string {
  const groups = criteriaByDomain(ctx.input.review.criteria).map(([domain, list]) => {
    const met = list.filter((c) => c.status === 'met').length;
    const rows = list.map((c) => {
      const o = ownerOf(ctx.input, c);
      const ev = c.evidence.length
        ? `<div class="evid">${c.evidence.map((id) => evidenceRef(ctx, id)).join('')}</div>`
        : '<span class="none">none</span>';
      return `<tr data-testid="criterion-row" data-status="${e(c.status)}">
<td class="nowrap">${chip(c.status, STATUS_LABEL[c.status])}</td>
<td class="text"><span class="crit-title">${e(c.title)}</span><span class="crit-id">${e(c.id)}</span></td>
<td><span class="sev sev--${cls(c.severity)}">${e(c.severity)}</span></td>
<td>${e(o.owner)}${o.due ? `<div class="muted">due ${e(o.due)}</div>` : ''}</td>
<td class="text">${e(c.reason)}</td>
<td>${ev}</td>
</tr>`;
    });
    return `<h3>${e(DOMAIN_LABEL[domain])} <span class="muted">${met} of ${list.length} met</span></h3>
<table class="fixed" data-domain="${e(domain)}"><colgroup><col style="width:124px"><col style="width:25%"><col style="width:92px"><col style="width:15%"><col><col style="width:15%"></colgroup>
<thead><tr><th>Status</th><th>Criterion</th><th>Severity</th><th>Owner</th><th>Reason</th><th>Evidence</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
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

export function conditionsHtml(ctx: HtmlContext): string {
  const r = ctx.input.review;
  const titles = new Map(r.criteria.map((c) => [c.id, c]));
  const conds = r.conditions.length
    ? `<table><thead><tr><th>Criterion</th><th>Owner</th><th>Due</th><th>What must happen</th></tr></thead><tbody>
${r.conditions
  .map(
    (
      c,
    ) => `<tr><td><span class="crit-title">${e(titles.get(c.criterion)?.title ?? c.criterion)}</span><span class="crit-id">${e(c.criterion)}</span></td>
<td>${e(c.owner)}</td><td class="nowrap">${e(c.due)}</td><td class="text">${e(c.reason)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`
    : '<p class="none">No conditions.</p>';
  const minors = r.openMinors.length
    ? `<h3>Open minor criteria (listed, not blocking)</h3><ul>${r.openMinors
        .map((id) => {
          const c = titles.get(id);
          return `<li><code>${e(id)}</code>${c ? ` ${e(c.title)}: ${e(c.reason)} <span class="muted">(owner ${e(c.owner)})</span>` : ''}</li>`;
        })
        .join('')}</ul>`
    : '';
  return section('conditions', 'Conditions and open minors', conds + minors);
}

const FINDINGS_PER_GROUP = 200;

export function findingsHtml(ctx: HtmlContext): string {
  const all = collectFindings(ctx.input.checks);
  const counts = severityCounts(all.map((f) => f.finding));
  const head = `<div class="counts"><span><b>${all.length}</b>findings</span><span><b>${counts.error}</b>errors</span><span><b>${counts.warning}</b>warnings</span><span><b>${counts.info}</b>info</span></div>`;
  const groups = DOMAINS.map((d) => {
    const list = all.filter((f) => f.finding.domain === d);
    if (list.length === 0) return '';
    const shown = list.slice(0, FINDINGS_PER_GROUP);
    const rows = shown.map(({ finding: f, check }) => {
      const where = formatLocation(f.location);
      const anchor = ctx.checkAnchor.get(check.evidenceId);
      return `<tr data-testid="finding-row"><td>${chip(f.severity === 'error' ? 'error-sev' : f.severity, f.severity)}</td>
<td><code>${e(f.rule)}</code></td><td class="text">${e(f.message)}</td><td class="text">${where ? `<code>${e(where)}</code>` : '<span class="none">–</span>'}</td>
<td class="text">${e(f.action)}</td><td>${anchor ? `<a href="#${anchor}">${e(check.check)}</a>` : e(check.check)}</td></tr>`;
    });
    const more =
      list.length > shown.length
        ? `<p class="muted">${list.length - shown.length} more ${e(DOMAIN_LABEL[d])} findings are in report.json.</p>`
        : '';
    const c = severityCounts(list.map((f) => f.finding));
    return `<h3>${e(DOMAIN_LABEL[d])} <span class="muted">${c.error} errors · ${c.warning} warnings · ${c.info} info</span></h3>
<table class="fixed"><colgroup><col style="width:92px"><col style="width:17%"><col><col style="width:17%"><col style="width:24%"><col style="width:12%"></colgroup>
<thead><tr><th>Severity</th><th>Rule</th><th>Message</th><th>Location</th><th>Action before go-live</th><th>Check</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>${more}`;
  }).join('\n');
  return section(
    'findings',
    'Findings by domain and severity',
    head + (groups || '<p class="none">No findings.</p>'),
  );
}

export function evidenceHtml(ctx: HtmlContext): string {
  const rows = ctx.evidence.map((ev, i) => {
    const anchor = ctx.checkAnchor.get(ev.id);
    const what = ev.title
      ? `${anchor ? `<a href="#${anchor}">${e(ev.title)}</a>` : e(ev.title)} <span class="muted">${e(ev.kind ?? '')} · ${e(ev.check ?? '')}</span>`
      : '<span class="muted">record</span>';
    return `<tr id="ev-${i + 1}" data-testid="evidence-row"><td class="text"><code>${e(ev.id)}</code></td><td class="text">${what}</td>
<td><code class="hash">${e(ev.hash)}</code></td><td>${ev.evaluated ? 'yes' : '<span class="muted">no</span>'}</td></tr>`;
  });
  return section(
    'evidence',
    'Evidence',
    `<table class="fixed"><colgroup><col style="width:16%"><col><col style="width:45%"><col style="width:96px"></colgroup>
<thead><tr><th>Id</th><th>Record</th><th>Content hash</th><th>Evaluated</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`,
    'Every record the review weighed, with its content hash as stored. Re-evaluating the same records gives the same decision; <code>golive evidence verify</code> checks the hash chain.',
  );
}
