/**
 * The filter bar of the HTML report (after Playwright's HTML report): status buttons with counts,
 * a domain choice and a search box over criteria, checks and findings. The markup is inert and
 * hidden until the client script (html-assets.ts) wires it up: the report's CSP runs no inline
 * handlers, and without script (or in print) nothing is hidden.
 */
import { DOMAINS } from '../core/index.js';
import { escapeHtml as e } from './escape.js';
import {
  FILTER_STATUS_LABEL,
  statusOfCriterion,
  type FilterStatus,
  type HtmlContext,
} from './html-context.js';
import { DOMAIN_LABEL } from './model.js';

const ORDER: FilterStatus[] = ['fail', 'error', 'skip', 'waived', 'pass'];

export function filterBarHtml(ctx: HtmlContext): string {
  // Counts are of criteria, the unit the decision is made of; the filter also narrows the
  // checks and findings that stand behind them.
  const criteria = ctx.input.review.criteria;
  const count = (s: FilterStatus): number =>
    criteria.filter((c) => statusOfCriterion(c.status) === s).length;
  const button = (value: string, label: string, n: number, pressed: boolean): string =>
    `<button type="button" class="fbtn fbtn--${value || 'all'}" data-f-set-status="${value}" aria-pressed="${pressed}">${e(label)} <span class="fcount">${n}</span></button>`;
  const statuses = [
    button('', 'All', criteria.length, true),
    ...ORDER.filter((s) => count(s) > 0).map((s) =>
      button(s, FILTER_STATUS_LABEL[s], count(s), false),
    ),
  ].join('');
  const domains = DOMAINS.map((d) => `<option value="${d}">${e(DOMAIN_LABEL[d])}</option>`).join(
    '',
  );
  return `<div class="filters" id="filters" data-testid="filters" hidden>
<div class="filters__status" role="group" aria-label="Status (counts are criteria)">${statuses}</div>
<select data-testid="filter-domain" aria-label="Domain"><option value="">All domains</option>${domains}</select>
<input type="search" data-testid="filter-search" placeholder="Search criteria, checks, findings" aria-label="Search criteria, checks and findings" autocomplete="off">
<span class="filters__shown" data-testid="filter-shown" aria-live="polite"></span>
</div>`;
}
