/**
 * The run page: the same HTML as the report file (renderHtml), with the dashboard bar on top, a
 * banner saying whether the review is a decision record or provisional, and (for permitted roles)
 * the attestation and waiver forms right after the five questions and the criteria board.
 */
import type { CriterionEvaluation } from '../core/index.js';
import { escapeHtml as e } from '../report/index.js';
import { STANDARD_TEMPLATE } from '../review/index.js';
import {
  DASH_CSS,
  DECISION_TEXT,
  INCOMPLETE_TEXT,
  dashBar,
  dashHead,
  malformedBanner,
} from './pages.js';

/** What the dashboard script refreshes in place when the store gains records (never a form). */
const LIVE_PARTS = ['review-banner', 'decision', 'questions', 'board', 'conditions'];
import type { RunReview } from './runs.js';
import { can, type Identity } from './types.js';

export interface RunPageOptions {
  reportHtml: string;
  rv: RunReview;
  who: Identity | null;
  csrf: string | undefined;
  /** e.g. "Recorded ev-42." after a successful post. */
  notice?: string;
  /** A rejected form: which one, message and field. */
  error?: { form: FormName; message: string; field?: string; hint?: string };
  /** What the user had typed into the rejected form, shown again. */
  values?: Record<string, string | undefined>;
  /** Today's date (UTC, YYYY-MM-DD): the earliest waiver expiry. */
  today: string;
  /** The page's own URL (the script refreshes the board from it). */
  self: string;
}

export type FormName = 'attest' | 'waive' | 'sign';

const STATUS_TEXT: Record<string, string> = {
  met: 'met',
  'not-met': 'not met',
  'not-evidenced': 'not evidenced',
  inconclusive: 'inconclusive',
  waived: 'waived',
};

function option(c: CriterionEvaluation, selected: string | undefined): string {
  return `<option value="${e(c.id)}"${c.id === selected ? ' selected' : ''}>${e(c.id)} (${e(c.severity)}, ${e(STATUS_TEXT[c.status] ?? c.status)})</option>`;
}

/** Open: what a waiver can still accept (not met, not evidenced, inconclusive). */
export const isOpen = (c: CriterionEvaluation) => c.status !== 'met' && c.status !== 'waived';

function options(
  criteria: readonly CriterionEvaluation[],
  selected: string | undefined,
  openOnly = false,
): string {
  // Open criteria first: they are what people come to attest or waive.
  const open = criteria.filter(isOpen);
  const closed = criteria.filter((c) => !isOpen(c));
  const opt = (c: CriterionEvaluation) => option(c, selected);
  return `<option value="">Choose a criterion…</option>
<optgroup label="Open">${open.map(opt).join('')}</optgroup>${
    openOnly ? '' : `<optgroup label="Met or waived">${closed.map(opt).join('')}</optgroup>`
  }`;
}

/** Warnings that hold whatever the review: a run cut short, records that cannot be read. */
function warnings(rv: RunReview): string {
  const incomplete = rv.complete
    ? ''
    : `<div class="banner banner--bad" data-testid="incomplete"><b>Incomplete run:</b> ${e(INCOMPLETE_TEXT)}.</div>`;
  return incomplete + malformedBanner(rv.malformed, 'run');
}

function banner(rv: RunReview, runHref: string): string {
  return `<div id="review-banner">${warnings(rv) + reviewBanner(rv, runHref) + signoffBanner(rv)}</div>`;
}

function signoffBanner(rv: RunReview): string {
  const mine = rv.signoffs.filter((s) => s.decisionRecord === rv.recorded?.recordId);
  if (mine.length === 0) return '';
  const items = mine
    .map(
      (s) =>
        `<li><b>${e(s.signedBy)}</b> (${e(s.role)}) signed ${e(DECISION_TEXT[s.decision] ?? s.decision)} at ${e(s.at)}: “${e(s.statement)}” <code>${e(s.recordId)}</code></li>`,
    )
    .join('');
  return `<div class="banner banner--ok" data-testid="signoffs"><b>Signed.</b> Decision record <code>${e(rv.recorded!.recordId)}</code> was signed by:<ul>${items}</ul></div>`;
}

function reviewBanner(rv: RunReview, runHref: string): string {
  if (rv.provisional) {
    const rec = rv.recorded;
    const why = rec
      ? `You asked for a re-evaluation. This run has a decision record, <code>${e(rec.recordId)}</code> (${e(DECISION_TEXT[rec.value])}, by ${e(rec.decidedBy)} at ${e(rec.decidedAt)}), and that is the decision that counts; below, `
      : 'This run has no decision record yet: ';
    return `<div class="banner banner--warn" data-testid="provisional" data-recorded="${rec ? e(rec.recordId) : ''}">
<b>Provisional review.</b> ${why}the standard template (default thresholds) was evaluated just now over the run's evidence.${
      rec
        ? ` <a href="${e(runHref)}">Show the decision record</a>.`
        : ' It is not a go-live decision until <code>golive run</code> records one.'
    }</div>`;
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

/** Attributes of a field: its kept value, and `aria-invalid` when the error names it. */
function field(opts: RunPageOptions, form: FormName, name: string): { v: string; bad: string } {
  const mine = opts.error?.form === form;
  const v = mine ? (opts.values?.[name] ?? '') : '';
  const bad = mine && opts.error?.field === name ? ' aria-invalid="true"' : '';
  return { v, bad };
}

function signForm(opts: RunPageOptions, runHref: string, hidden: string): string {
  const { who, rv } = opts;
  if (!who || !can(who.role, 'sign') || rv.provisional || !rv.recorded) return '';
  const st = field(opts, 'sign', 'statement');
  const tok = field(opts, 'sign', 'token');
  const label = DECISION_TEXT[rv.recorded.value];
  return `<form method="post" action="${e(runHref)}/signoffs" data-testid="sign-form" class="sign">
<h3>Sign the decision (${e(label)})</h3>${hidden}
<p class="muted">Signs decision record <code>${e(rv.recorded.recordId)}</code> as ${e(who.name)}. Re-enter your access token to confirm it is you; the sign-off is appended as evidence.</p>
<label>Statement (optional)<textarea name="statement" maxlength="2000"${st.bad} placeholder="I have read this review and sign its decision.">${e(st.v)}</textarea></label>
<label>Your access token<input type="password" name="token" autocomplete="current-password" required${tok.bad}></label>
<button type="submit">Sign decision</button></form>`;
}

function forms(opts: RunPageOptions, runHref: string): string {
  const { who, rv, csrf } = opts;
  const exportLink = `<p><a href="${e(runHref)}/export" data-testid="export" download>Export this review</a> <span class="muted">(tar: the HTML report, every evidence record and blob, sign-offs, and a manifest of SHA-256 hashes)</span></p>`;
  if (!who || !csrf || !can(who.role, 'attest')) {
    const why = !who
      ? ''
      : who.via === 'loopback'
        ? 'The dashboard is read-only without a users file (<code>--users</code>).'
        : who.via === 'token'
          ? 'Sign in through the browser to record attestations or waivers.'
          : `Your role (${e(who.role)}) can read reviews; attestors and approvers record evidence.`;
    return `<section class="block" id="record" data-testid="record"><h2>Record evidence</h2>${why ? `<p class="muted">${why}</p>` : ''}${exportLink}</section>`;
  }
  const notice = opts.notice
    ? `<div class="banner banner--ok" data-testid="notice">${e(opts.notice)}</div>`
    : '';
  const err = opts.error
    ? `<div class="banner banner--bad" id="form-error" data-testid="form-error" data-form="${e(opts.error.form)}" role="alert"><b>Not recorded.</b> ${e(opts.error.message)}${opts.error.hint ? ` <span class="muted">(${e(opts.error.hint)})</span>` : ''}</div>`
    : '';
  const hidden = `<input type="hidden" name="_csrf" value="${e(csrf)}">`;
  const a = (n: string) => field(opts, 'attest', n);
  const holdsNo = opts.error?.form === 'attest' && opts.values?.holds === 'no';
  const attest = `<form method="post" action="${e(runHref)}/attestations" data-testid="attest-form">
<h3>Attest</h3>${hidden}
<label>Criterion<select name="criterion" required${a('criterion').bad}>${options(rv.review.criteria, a('criterion').v)}</select></label>
<label>What you confirm<textarea name="statement" maxlength="2000" required${a('statement').bad} placeholder="e.g. Night-shift staff rehearsed the downtime procedure on 2026-11-20">${e(a('statement').v)}</textarea></label>
<fieldset><label><input type="radio" name="holds" value="yes"${holdsNo ? '' : ' checked'}> It holds</label><label><input type="radio" name="holds" value="no"${holdsNo ? ' checked' : ''}> It does not hold</label></fieldset>
<label>Reference (optional)<input type="text" name="reference" maxlength="500"${a('reference').bad} value="${e(a('reference').v)}" placeholder="minutes, ticket or document id"></label>
<button type="submit">Record attestation</button></form>`;
  // Only open criteria can be waived (a met one needs no waiver), and never a blocker.
  const waivable = rv.review.criteria.filter((c) =>
    STANDARD_TEMPLATE.policy.waivable.includes(c.severity),
  );
  const w = (n: string) => field(opts, 'waive', n);
  const waive = can(who.role, 'waive')
    ? `<form method="post" action="${e(runHref)}/waivers" data-testid="waive-form">
<h3>Waive (accept the risk)</h3>${hidden}
<label>Open criterion (majors and minors; blockers cannot be waived)<select name="criterion" required${w('criterion').bad}>${options(waivable, w('criterion').v, true)}</select></label>
<label>Reason<textarea name="reason" maxlength="2000" required${w('reason').bad}>${e(w('reason').v)}</textarea></label>
<label>Owner (who closes the gap)<input type="text" name="owner" maxlength="200" required${w('owner').bad} value="${e(w('owner').v)}"></label>
<label>Expires (a date covers that whole day, UTC)<input type="date" name="expires" required min="${e(opts.today)}"${w('expires').bad} value="${e(w('expires').v)}"></label>
<button type="submit">Record waiver</button></form>`
    : '';
  return `<section class="block" id="record" data-testid="record"><h2>Record evidence</h2>
<p class="lead">Appended to the evidence store as <b>${e(who.name)}</b> (${e(who.role)}); nothing is ever edited or deleted. The provisional review reflects it at once.</p>
${err}${notice}<div class="forms">${attest}${waive}</div>${signForm(opts, runHref, hidden)}${exportLink}</section>`;
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
  // The report file allows no form submission and no script but its own; the dashboard's forms
  // post to itself and its script (from itself) talks to it.
  html = html.replace("form-action 'none'", "form-action 'self'; connect-src 'self'");
  html = html.replace(
    /(<meta http-equiv="Content-Security-Policy" content="[^"]*script-src )/,
    "$1'self' ",
  );
  const live = { live: LIVE_PARTS, self: opts.self };
  html = html.replace(
    '</head>',
    `<style>${DASH_CSS}</style>\n${dashHead(opts.csrf, live)}\n</head>`,
  );
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
