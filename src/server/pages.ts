/**
 * Server-rendered pages: the runs list, sign-in and errors. No build step, no network: styles are
 * inline and reuse the report's stylesheet; everything from the store or the request is escaped
 * with the report's escaper (data comes from systems under test).
 */
import type { DecisionValue } from '../core/index.js';
import type { VerifyReport } from '../evidence/index.js';
import { escapeHtml as e, formatInstant, STYLESHEET } from '../report/index.js';
import type { RunListItem, Unreadable } from './runs.js';
import type { Identity } from './types.js';

export const DASH_CSS = `
/* anchors land below the sticky section links, not under them */
[id] { scroll-margin-top: 52px; }
.dash { background: var(--paper); border-bottom: 1px solid var(--line); padding: 8px 32px; font-size: 13px;
  display: flex; flex-wrap: wrap; align-items: center; gap: 6px 18px; }
.dash a { font-weight: 600; }
.dash .who { margin-left: auto; color: var(--ink-2); display: flex; gap: 10px; align-items: center; }
.dash form { display: inline; margin: 0; }
.dchip { display: inline-block; font-weight: 700; font-size: 12px; padding: 2px 10px; border-radius: 4px;
  white-space: nowrap; color: #fff; letter-spacing: .03em; }
.dchip--go { background: var(--go); }
.dchip--conditional-go { background: var(--amber-strong); color: #221500; }
.dchip--no-go { background: var(--red); }
.dchip--none { background: var(--grey-bg); color: var(--grey); border: 1px dashed #b9c0c8; }
.dchip--p { background: var(--paper); border: 1px dashed currentColor; font-weight: 600; }
.dchip--p.dchip--go { color: var(--go); }
.dchip--p.dchip--conditional-go { color: var(--amber); }
.dchip--p.dchip--no-go { color: var(--red); }
.dchip small { font-weight: 400; opacity: .85; }
.dchip--incomplete { background: var(--red-bg); color: var(--red); border: 1px dashed var(--red); margin-left: 4px; }
.banner { border-radius: 8px; padding: 12px 16px; margin: 0 0 16px; border: 1px solid var(--line); background: var(--paper); }
.banner--info { background: var(--blue-bg); border-color: #c4d9f2; color: #173f6b; }
.banner--warn { background: var(--amber-bg); border-color: #f0d39a; color: #5c3800; }
.banner--bad { background: var(--red-bg); border-color: #f3b8b2; color: var(--red); }
.banner--ok { background: var(--go-bg); border-color: #b7dfc2; color: #14532d; }
.forms { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 16px; }
.forms form { border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; display: grid; gap: 10px; align-content: start; }
.forms h3 { margin: 0; }
label { display: grid; gap: 3px; font-size: 12.5px; font-weight: 600; color: var(--ink-2); }
fieldset { border: 0; padding: 0; margin: 0; display: flex; gap: 16px; font-size: 13px; }
fieldset label { display: inline-flex; gap: 6px; font-weight: 400; align-items: center; }
input[type=text], input[type=password], input[type=date], select, textarea {
  font: inherit; font-weight: 400; color: var(--ink); padding: 6px 8px; border: 1px solid #c7ced6; border-radius: 4px; background: #fff; width: 100%; }
textarea { min-height: 70px; resize: vertical; }
button { font: inherit; font-weight: 600; padding: 7px 14px; border-radius: 4px; border: 1px solid var(--accent);
  background: var(--accent); color: #fff; cursor: pointer; justify-self: start; }
button.link { background: none; border: 0; color: var(--accent); padding: 0; }
.runs td { vertical-align: middle; }
.runs td.run code { white-space: nowrap; font-size: 13px; }
.runs .outcomes { display: flex; flex-wrap: wrap; gap: 4px; }
.login { max-width: 440px; margin: 40px auto; }
.login form { display: grid; gap: 12px; }
`;

export const DECISION_TEXT: Record<DecisionValue, string> = {
  GO: 'GO',
  CONDITIONAL_GO: 'CONDITIONAL GO',
  NO_GO: 'NO-GO',
};

export function decisionChip(value: DecisionValue | null, provisional = false): string {
  if (!value) return '<span class="dchip dchip--none">no decision</span>';
  const label = DECISION_TEXT[value];
  const cls = label.toLowerCase().replace(/ /g, '-');
  return provisional
    ? `<span class="dchip dchip--p dchip--${cls}" data-testid="decision-chip" title="evaluated now; no decision record yet">${e(label)} <small>· provisional</small></span>`
    : `<span class="dchip dchip--${cls}" data-testid="decision-chip">${e(label)}</span>`;
}

/** The bar under the masthead: navigation and who is signed in. */
export function dashBar(who: Identity | null, csrf?: string): string {
  let right: string;
  if (!who) right = '<a href="/login">Sign in</a>';
  else if (who.via === 'loopback')
    right = '<span>Read-only: no users file, this machine only</span>';
  else {
    const out =
      who.via === 'session' && csrf
        ? `<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${e(csrf)}"><button class="link" type="submit">Sign out</button></form>`
        : '';
    right = `<span>Signed in as <b>${e(who.name)}</b> (${e(who.role)})</span>${out}`;
  }
  return `<nav class="dash" aria-label="Dashboard"><a href="/">All runs</a><a href="/live">Live review</a><a href="/compare">Compare runs</a>${
    who?.role === 'admin' ? '<a href="/api/audit">Audit log (JSON)</a>' : ''
  }<a href="/api/verify">Verify store (JSON)</a><span class="who">${right}</span></nav>`;
}

/** Parts of a page the dashboard script refreshes in place (client.ts), and the page's URL. */
export interface LiveParts {
  live?: readonly string[];
  self?: string;
}

/** The head additions every dashboard page carries: its script, CSRF token, live parts. */
export function dashHead(csrf: string | undefined, live: LiveParts = {}): string {
  return [
    csrf ? `<meta name="golive-csrf" content="${e(csrf)}">` : '',
    live.live?.length ? `<meta name="golive-live" content="${e(live.live.join(' '))}">` : '',
    live.self ? `<meta name="golive-self" content="${e(live.self)}">` : '',
    `<script src="${DASHBOARD_JS_PATH}" defer></script>`,
  ]
    .filter(Boolean)
    .join('\n');
}

export const DASHBOARD_JS_PATH = '/assets/dashboard.js';

export function page(
  title: string,
  who: Identity | null,
  body: string,
  csrf?: string,
  live: LiveParts = {},
): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(title)}</title>
<style>${STYLESHEET}${DASH_CSS}</style>
${dashHead(csrf, live)}
</head>
<body>
<header class="masthead"><div class="brand">golive <span>dashboard</span></div></header>
${dashBar(who, csrf)}
<main>
${body}
</main>
</body>
</html>
`;
}

export function verifyBanner(v: VerifyReport): string {
  if (v.ok) {
    return `<div class="banner banner--ok" id="store-state" data-testid="verify" data-ok="true">Evidence store intact: ${v.records} records, chain head <code>${e(v.headHash)}</code>.</div>`;
  }
  const items = v.problems
    .slice(0, 10)
    .map((p) => `<li>${e(p.problem)}: ${e(p.message)}</li>`)
    .join('');
  return `<div class="banner banner--bad" id="store-state" data-testid="verify" data-ok="false"><b>Evidence store tampered: ${v.problems.length} problem(s).</b> Do not rely on these reviews until this is explained.<ul>${items}</ul></div>`;
}

const runHref = (id: string) => `/runs/${encodeURIComponent(id)}`;

/** Records the store holds but cannot read: a red banner naming them (they are left out). */
export function malformedBanner(list: readonly Unreadable[], scope: 'store' | 'run'): string {
  if (list.length === 0) return '';
  const items = list
    .slice(0, 10)
    .map(
      (m) =>
        `<li><code>${e(m.id)}</code> (#${m.seq}${scope === 'store' ? `, run <code>${e(m.runId)}</code>` : ''}): ${e(m.why)}</li>`,
    )
    .join('');
  return `<div class="banner banner--bad" data-testid="malformed"><b>${list.length} evidence record(s) cannot be read.</b> They were written into the database outside golive and are left out of every review${scope === 'run' ? ' on this page' : ''}; <code>golive evidence verify</code> names them all.<ul>${items}${list.length > 10 ? '<li>…</li>' : ''}</ul></div>`;
}

export const INCOMPLETE_TEXT =
  'no decision record: the run was cut short while its evidence was being recorded (or comes from an older golive); its evidence may be partial';

export interface RunsPageInput {
  runs: RunListItem[];
  malformed: Unreadable[];
  verify: VerifyReport;
  who: Identity | null;
  csrf?: string | undefined;
  /** The configured review (serve --config) and whether this user may start it. */
  review?: { label: string; canStart: boolean; running: boolean } | undefined;
}

/** Start the configured review: for roles with `run`, one at a time. */
function startBlock(r: RunsPageInput['review'], csrf: string | undefined): string {
  if (!r) return '';
  const body = r.running
    ? `<p>A review is running: <a href="/live">follow it live</a>.</p>`
    : r.canStart && csrf
      ? `<form method="post" action="/reviews" data-testid="start-review"><input type="hidden" name="_csrf" value="${e(csrf)}"><button type="submit">Start review</button></form>`
      : '<p class="muted">Attestors, approvers and admins can start it.</p>';
  return `<section class="block" id="start"><h2>Review</h2><p class="lead">Runs <b>${e(r.label)}</b> with the same runner as <code>golive run</code>; its progress shows on <a href="/live">Live review</a>.</p>${body}</section>`;
}

/** Two runs to compare (GET /compare), preselected `a` (earlier) and `b` (later). */
export function comparePicker(runs: readonly RunListItem[], a: string, b: string): string {
  const opts = (sel: string) =>
    runs
      .map(
        (r) =>
          `<option value="${e(r.id)}"${r.id === sel ? ' selected' : ''}>${e(r.id)} (${e(formatInstant(r.started))})</option>`,
      )
      .join('');
  return `<form method="get" action="/compare" class="compare" data-testid="compare-form"><label>Earlier run<select name="a">${opts(a)}</select></label><label>Later run<select name="b">${opts(b)}</select></label><button type="submit">Compare</button></form>`;
}

export function runsPage({ runs, malformed, verify, who, csrf, review }: RunsPageInput): string {
  const rows = runs.map((r) => {
    const chip = r.decision
      ? decisionChip(r.decision.value)
      : decisionChip(r.provisional, r.provisional !== null);
    const incomplete = r.complete
      ? ''
      : `<span class="dchip dchip--incomplete" data-testid="incomplete" title="${e(INCOMPLETE_TEXT)}">incomplete</span>`;
    const o = r.outcomes;
    const outcomes = (['pass', 'fail', 'error', 'skip'] as const)
      .filter((k) => o[k] > 0)
      .map((k) => `<span class="chip chip--${k}">${o[k]} ${k}</span>`)
      .join('');
    return `<tr data-testid="run-row">
<td class="run"><a href="${e(runHref(r.id))}"><code>${e(r.id)}</code></a></td>
<td class="nowrap">${e(formatInstant(r.started))}</td>
<td>${chip}${incomplete}${r.decision ? `<div class="muted">by ${e(r.decision.decidedBy)}, ${e(formatInstant(r.decision.decidedAt))}</div>` : ''}</td>
<td class="num">${r.counts.check}</td>
<td><div class="outcomes">${outcomes || '<span class="none">none</span>'}</div></td>
<td class="num">${r.counts.attestation} / ${r.counts.waiver}</td>
<td class="num">${r.records}</td>
</tr>`;
  });
  const table = runs.length
    ? `<table class="runs" data-testid="runs"><thead><tr><th>Run</th><th>Started</th><th>Decision</th><th class="num">Checks</th><th>Outcomes</th><th class="num">Attest. / waivers</th><th class="num">Records</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`
    : '<p class="none">The evidence store has no runs yet. Run <code>golive run</code> or <code>golive demo</code>.</p>';
  return page(
    'golive dashboard: runs',
    who,
    `${verifyBanner(verify)}<div id="store-malformed">${malformedBanner(malformed, 'store')}</div>
${startBlock(review, csrf)}
<section class="block" id="runs"><h2>Runs</h2>
<p class="lead">Newest first. A run without a decision record shows the decision its evidence gives now, marked provisional, and is marked <b>incomplete</b>: golive records a run and its decision together, so its evidence may be partial. This list refreshes itself when the store gains records.</p>
${table}${runs.length >= 2 ? comparePicker(runs, runs[1]!.id, runs[0]!.id) : ''}</section>`,
    csrf,
    { live: ['store-state', 'store-malformed', 'runs'], self: '/' },
  );
}

export function loginPage(opts: {
  next: string;
  error?: string;
  readOnly: boolean;
  name?: string | undefined;
}): string {
  const body = opts.readOnly
    ? '<p>This dashboard was started without a users file: it is read-only and answers this machine only. Nothing to sign in to.</p><p><a href="/">Go to the runs</a></p>'
    : `${opts.error ? `<div class="banner banner--bad" data-testid="login-error">${e(opts.error)}</div>` : ''}
<form method="post" action="/login">
<input type="hidden" name="next" value="${e(opts.next)}">
<label>Name (as in the users file)<input type="text" name="name" autocomplete="username" maxlength="120" required value="${e(opts.name ?? '')}"></label>
<label>Access token<input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
<p class="muted">Your administrator gives you a token and keeps only its SHA-256 hash. The browser keeps a session cookie for 8 hours (or until the server restarts).</p>`;
  return page(
    'golive dashboard: sign in',
    null,
    `<section class="block login"><h2>Sign in</h2>${body}</section>`,
  );
}

export function errorPage(
  status: number,
  message: string,
  hint: string | undefined,
  who: Identity | null,
): string {
  return page(
    `golive dashboard: ${status}`,
    who,
    `<section class="block"><h2>${status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'Something went wrong'}</h2>
<p data-testid="error-message">${e(message)}</p>${hint ? `<p class="muted">${e(hint)}</p>` : ''}<p><a href="/">Back to the runs</a></p></section>`,
  );
}
