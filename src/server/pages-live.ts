/**
 * The go-live day pages: the live view of a review started from the dashboard, and two runs
 * compared. Server-rendered like the others; the live view is drawn by the dashboard script
 * from the event stream (client.ts), with a static first state for browsers without scripts.
 */
import type { CriterionStatus } from '../core/index.js';
import { escapeHtml as e } from '../report/index.js';
import type { ComparedFinding, RunComparison } from './compare.js';
import type { LiveReview } from './live.js';
import { comparePicker, DECISION_TEXT, decisionChip, page } from './pages.js';
import type { RunListItem } from './runs.js';
import type { Identity } from './types.js';

const STATUS: Record<CriterionStatus, string> = {
  met: 'met',
  'not-met': 'not met',
  'not-evidenced': 'not evidenced',
  inconclusive: 'inconclusive',
  waived: 'waived',
};

const runHref = (id: string) => `/runs/${encodeURIComponent(id)}`;

export function livePage(o: {
  who: Identity | null;
  csrf: string | undefined;
  review: LiveReview | null;
  label: string | undefined;
}): string {
  const r = o.review;
  const first = r
    ? `<p class="lead" data-testid="live-state" data-state="${e(r.state)}"><b>${r.state === 'running' ? 'Running' : r.state === 'done' ? 'Finished' : 'Failed'}</b> · ${e(r.label)} · started by ${e(r.startedBy)}</p><ul>${r.steps
        .map(
          (s) =>
            `<li data-testid="live-step" data-state="${e(s.state)}">${e(s.title)} <span class="muted">${e(s.state)} ${e(s.detail)}</span></li>`,
        )
        .join(
          '',
        )}</ul>${r.runId ? `<p>Run <a href="${e(runHref(r.runId))}">${e(r.runId)}</a></p>` : ''}`
    : '<p class="none">No review has been started from this dashboard since it started.</p>';
  const how = o.label
    ? `Reviews started here run <b>${e(o.label)}</b>; start one from <a href="/">the runs list</a>.`
    : 'This dashboard was started without <code>--config</code>, so reviews cannot be started from it; <code>golive run</code> in a terminal still records into the same store.';
  return page(
    'golive dashboard: live review',
    o.who,
    `<section class="block"><h2>Live review</h2><p class="muted">${how} Phases and the step in progress update as the runner reports them.</p>
<div id="live" data-testid="live" aria-live="polite">${first}</div></section>`,
    o.csrf,
  );
}

function findingRows(list: readonly ComparedFinding[], testid: string): string {
  if (list.length === 0) return '<p class="none">None.</p>';
  return `<table data-testid="${testid}"><thead><tr><th>Severity</th><th>Check and rule</th><th>Where</th><th>Finding</th></tr></thead><tbody>${list
    .map(
      (f) =>
        `<tr data-key="${e(f.key)}"><td><span class="sev sev--${e(f.severity)}">${e(f.severity)}</span></td><td><code>${e(f.check)}</code><div class="muted">${e(f.rule)}</div></td><td>${e(f.where) || '<span class="none">—</span>'}</td><td>${e(f.message)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

export function comparePage(o: {
  who: Identity | null;
  csrf: string | undefined;
  runs: readonly RunListItem[];
  a: string;
  b: string;
  cmp: RunComparison | undefined;
}): string {
  const c = o.cmp;
  const side = (s: RunComparison['a']) =>
    `<a href="${e(runHref(s.runId))}"><code>${e(s.runId)}</code></a> ${decisionChip(s.decision, s.provisional)}`;
  const body = c
    ? `<div class="banner ${c.decisionChanged ? 'banner--warn' : 'banner--info'}" data-testid="decision-change" data-changed="${c.decisionChanged}">${
        c.decisionChanged
          ? `<b>The decision changed</b> from ${e(DECISION_TEXT[c.a.decision])} to ${e(DECISION_TEXT[c.b.decision])}.`
          : `The decision is the same: ${e(DECISION_TEXT[c.b.decision])}.`
      }</div>
<p>${side(c.a)} → ${side(c.b)}</p>
<section class="block" id="criteria-changes"><h2>Criteria that changed status <span class="muted">(${c.criteria.length}; ${c.unchangedCriteria} unchanged)</span></h2>${
        c.criteria.length
          ? `<table class="changes" data-testid="criteria-changes"><thead><tr><th>Criterion</th><th>Severity</th><th>Before</th><th>After</th></tr></thead><tbody>${c.criteria
              .map(
                (x) =>
                  `<tr data-testid="criterion-change" data-id="${e(x.id)}" data-from="${e(x.from ?? '')}" data-to="${e(x.to ?? '')}"><td>${e(x.title)}<div class="muted"><code>${e(x.id)}</code></div></td><td>${e(x.severity)}</td><td>${x.from ? `<span class="chip chip--${e(x.from)}">${e(STATUS[x.from])}</span>` : '<span class="none">not in this run</span>'}</td><td>${x.to ? `<span class="chip chip--${e(x.to)}">${e(STATUS[x.to])}</span>` : '<span class="none">not in this run</span>'}</td></tr>`,
              )
              .join('')}</tbody></table>`
          : '<p class="none">No criterion changed status.</p>'
      }</section>
<section class="block" id="findings-new"><h2>New findings <span class="muted">(${c.findings.new.length})</span></h2>${findingRows(c.findings.new, 'findings-new')}</section>
<section class="block" id="findings-resolved"><h2>Resolved findings <span class="muted">(${c.findings.resolved.length})</span></h2>${findingRows(c.findings.resolved, 'findings-resolved')}</section>
<p class="muted">${c.findings.unchanged} finding(s) in both runs. Findings are matched by check, rule and location (or, without a location, by their wording with numbers aside). <a href="/api/compare?a=${encodeURIComponent(c.a.runId)}&amp;b=${encodeURIComponent(c.b.runId)}">JSON</a></p>`
    : '<p class="none">Choose two runs.</p>';
  return page(
    'golive dashboard: compare runs',
    o.who,
    `<section class="block"><h2>Compare runs</h2>${o.runs.length >= 2 ? comparePicker(o.runs, o.a, o.b) : '<p class="none">The store needs two runs to compare.</p>'}</section>${body}`,
    o.csrf,
  );
}
