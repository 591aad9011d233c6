/**
 * The run page: the same HTML as the report file (renderHtml), with the dashboard bar on top, a
 * banner saying whether the review is a decision record or provisional, and (for permitted roles)
 * the attestation and waiver forms right after the five questions and the criteria board.
 */
import type { CriterionEvaluation } from '../core/index.js';
import { escapeHtml as e } from '../report/escape.js';
import { STANDARD_TEMPLATE } from '../review/index.js';
import { DASH_CSS, DECISION_TEXT, INCOMPLETE_TEXT, dashBar, malformedBanner } from './pages.js';
import type { RunReview } from './runs.js';
import { can, type Identity } from './types.js';

export interface RunPageOptions {
  reportHtml: string;
  rv: RunReview;
  who: Identity | null;
  csrf: string | undefined;
  /** e.g. "Recorded ev-42." after a successful post. */
  notice?: string;
  /** A rejected form: message and field. */
  error?: { message: string; field?: string; hint?: string };
}

const STATUS_TEXT: Record<string, string> = {
  met: 'met',
  'not-met': 'not met',
  'not-evidenced': 'not evidenced',
  inconclusive: 'inconclusive',
  waived: 'waived',
};

function option(c: CriterionEvaluation): string {
  return `<option value="${e(c.id)}">${e(c.id)} (${e(c.severity)}, ${e(STATUS_TEXT[c.status] ?? c.status)})</option>`;
}

function options(criteria: readonly CriterionEvaluation[]): string {
  // Open criteria first: they are what people come to attest or waive.
  const open = criteria.filter((c) => c.status !== 'met');
  const met = criteria.filter((c) => c.status === 'met');
  return `<option value="">Choose a criterion…</option>
<optgroup label="Open">${open.map(option).join('')}</optgroup>
<optgroup label="Met">${met.map(option).join('')}</optgroup>`;
}

/** Warnings that hold whatever the review: a run cut short, records that cannot be read. */
function warnings(rv: RunReview): string {
  const incomplete = rv.complete
    ? ''
    : `<div class="banner banner--bad" data-testid="incomplete"><b>Incomplete run:</b> ${e(INCOMPLETE_TEXT)}.</div>`;
  return incomplete + malformedBanner(rv.malformed, 'run');
}

function banner(rv: RunReview, runHref: string): string {
  return warnings(rv) + reviewBanner(rv, runHref);
}

function reviewBanner(rv: RunReview, runHref: string): string {
  if (rv.provisional) {
    const decided = rv.decisionRecord === null;
    return `<div class="banner banner--warn" data-testid="provisional">
<b>Provisional review.</b> ${
      decided ? 'This run has no decision record yet: ' : 'You asked for a re-evaluation: '
    }the standard template (default thresholds) was evaluated just now over the run's evidence. It is not a go-live decision until <code>golive run</code> records one.
${decided ? '' : ` <a href="${e(runHref)}">Show the decision record</a>.`}</div>`;
  }
  const after = rv.evidenceAfterDecision;
  return `<div class="banner banner--info" data-testid="decided">Decision record <code>${e(rv.decisionRecord ?? '')}</code>.${
    after.length
      ? ` <b>${after.length} evidence record(s) were added after it</b> (${after
          .slice(0, 8)
          .map((id) => `<code>${e(id)}</code>`)
          .join(
            ' ',
          )}${after.length > 8 ? ' …' : ''}): <a href="${e(runHref)}?provisional=1">see the provisional re-evaluation</a>.`
      : ''
  }</div>`;
}

function forms(opts: RunPageOptions, runHref: string): string {
  const { who, rv, csrf } = opts;
  if (!who || !csrf || !can(who.role, 'attest')) {
    const why = !who
      ? ''
      : who.via === 'loopback'
        ? 'The dashboard is read-only without a users file (<code>--users</code>).'
        : who.via === 'token'
          ? 'Sign in through the browser to record attestations or waivers.'
          : `Your role (${e(who.role)}) can read reviews; attestors and approvers record evidence.`;
    return why
      ? `<section class="block" id="record" data-testid="record"><h2>Record evidence</h2><p class="muted">${why}</p></section>`
      : '';
  }
  const notice = opts.notice
    ? `<div class="banner banner--ok" data-testid="notice">${e(opts.notice)}</div>`
    : '';
  const err = opts.error
    ? `<div class="banner banner--bad" data-testid="form-error"><b>Not recorded.</b> ${e(opts.error.message)}${opts.error.hint ? ` <span class="muted">(${e(opts.error.hint)})</span>` : ''}</div>`
    : '';
  const hidden = `<input type="hidden" name="_csrf" value="${e(csrf)}">`;
  const attest = `<form method="post" action="${e(runHref)}/attestations" data-testid="attest-form">
<h3>Attest</h3>${hidden}
<label>Criterion<select name="criterion" required>${options(rv.review.criteria)}</select></label>
<label>What you confirm<textarea name="statement" maxlength="2000" required placeholder="e.g. Night-shift staff rehearsed the downtime procedure on 2026-11-20"></textarea></label>
<fieldset><label><input type="radio" name="holds" value="yes" checked> It holds</label><label><input type="radio" name="holds" value="no"> It does not hold</label></fieldset>
<label>Reference (optional)<input type="text" name="reference" maxlength="500" placeholder="minutes, ticket or document id"></label>
<button type="submit">Record attestation</button></form>`;
  const waivable = rv.review.criteria.filter((c) =>
    STANDARD_TEMPLATE.policy.waivable.includes(c.severity),
  );
  const waive = can(who.role, 'waive')
    ? `<form method="post" action="${e(runHref)}/waivers" data-testid="waive-form">
<h3>Waive (accept the risk)</h3>${hidden}
<label>Criterion (majors and minors; blockers cannot be waived)<select name="criterion" required>${options(waivable)}</select></label>
<label>Reason<textarea name="reason" maxlength="2000" required></textarea></label>
<label>Owner (who closes the gap)<input type="text" name="owner" maxlength="200" required></label>
<label>Expires<input type="date" name="expires" required></label>
<button type="submit">Record waiver</button></form>`
    : '';
  return `<section class="block" id="record" data-testid="record"><h2>Record evidence</h2>
<p class="lead">Appended to the evidence store as <b>${e(who.name)}</b> (${e(who.role)}); nothing is ever edited or deleted. The provisional review reflects it at once.</p>
${notice}${err}<div class="forms">${attest}${waive}</div></section>`;
}

/** Insert `what` before the first `marker` (or before `fallback`). */
function insertBefore(html: string, marker: string, what: string, fallback: string): string {
  const at = html.indexOf(marker);
  const i = at >= 0 ? at : html.indexOf(fallback);
  return i >= 0 ? html.slice(0, i) + what + html.slice(i) : html + what;
}

export function renderRunPage(opts: RunPageOptions): string {
  const runHref = `/runs/${encodeURIComponent(opts.rv.runId)}`;
  let html = opts.reportHtml;
  // The report file allows no form submission at all; the dashboard's forms post to itself.
  html = html.replace("form-action 'none'", "form-action 'self'");
  html = html.replace('</head>', `<style>${DASH_CSS}</style>\n</head>`);
  const label = DECISION_TEXT[opts.rv.review.decision];
  html = html.replace(
    /<title>[^<]*<\/title>/,
    `<title>${e(`${label}${opts.rv.provisional ? ' (provisional)' : ''} · run ${opts.rv.runId} · golive dashboard`)}</title>`,
  );
  html = insertBefore(html, '<nav class="toc"', dashBar(opts.who, opts.csrf), '<main>');
  html = insertBefore(html, '<section class="decision', banner(opts.rv, runHref), '</main>');
  html = html.replace(
    '<a href="#conditions">',
    '<a href="#record">Record evidence</a><a href="#conditions">',
  );
  html = insertBefore(
    html,
    '<section class="block" id="conditions"',
    forms(opts, runHref),
    '</main>',
  );
  return html;
}
