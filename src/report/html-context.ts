/** Shared state while rendering the HTML report: lookups and the chart specs collected. */
import type { CriterionStatus, Exchange } from '../core/index.js';
import { escapeHtml as e } from './escape.js';
import { evidenceList, exchangeIndex, type EvidenceEntry } from './model.js';
import type { ReportInput } from './types.js';

export interface ChartSpec {
  canvasId: string;
  /** A Chart.js configuration made of plain data (no callbacks), serialised as JSON. */
  config: Record<string, unknown>;
}

export interface HtmlContext {
  input: ReportInput;
  exchanges: Map<string, Exchange>;
  evidence: EvidenceEntry[];
  /**
   * Evidence id -> element id of its row in the evidence list: the id itself for store ids
   * (`ev-<seq>`, so `#ev-24` is record ev-24), a positional `evidence-n` for anything else
   * (other text from data is never used as an element id).
   */
  evidenceAnchor: Map<string, string>;
  /** Check evidence id -> element id of its section. */
  checkAnchor: Map<string, string>;
  charts: ChartSpec[];
  /** Exchange ids shown next to a check (the rest go to the appendix). */
  shownExchanges: Set<string>;
}

export function createContext(input: ReportInput): HtmlContext {
  const evidence = evidenceList(input);
  return {
    input,
    exchanges: exchangeIndex(input),
    evidence,
    evidenceAnchor: new Map(evidence.map((ev, i) => [ev.id, evidenceElementId(ev.id, i)])),
    checkAnchor: new Map(input.checks.map((c, i) => [c.evidenceId, `check-${i + 1}`])),
    charts: [],
    shownExchanges: new Set(),
  };
}

/** Store ids are `ev-<seq>` (evidence/types.ts): safe as element ids and unique in a store. */
function evidenceElementId(id: string, index: number): string {
  return /^ev-\d{1,15}$/.test(id) ? id : `evidence-${index + 1}`;
}

/** An evidence id as a chip, linked to its row in the evidence list when known. */
export function evidenceRef(ctx: HtmlContext, id: string): string {
  const anchor = ctx.evidenceAnchor.get(id);
  return anchor ? `<a href="#${anchor}"><code>${e(id)}</code></a>` : `<code>${e(id)}</code>`;
}

/**
 * The report's filter (status, domain, search) works on one status vocabulary for criteria,
 * checks and findings: a check's outcome, and a criterion's status mapped onto it (not met is a
 * failure, inconclusive an error, not evidenced like a skip). Waived stays its own.
 */
export type FilterStatus = 'fail' | 'error' | 'skip' | 'waived' | 'pass';

export const FILTER_STATUS_LABEL: Record<FilterStatus, string> = {
  fail: 'Failed / not met',
  error: 'Inconclusive',
  skip: 'Not evidenced / skipped',
  waived: 'Waived',
  pass: 'Passed / met',
};

export function statusOfCriterion(status: CriterionStatus): FilterStatus {
  switch (status) {
    case 'not-met':
      return 'fail';
    case 'inconclusive':
      return 'error';
    case 'not-evidenced':
      return 'skip';
    case 'waived':
      return 'waived';
    case 'met':
      return 'pass';
  }
}

/** Attributes that make an element one item of the filter (read by the client script). */
export function filterAttrs(status: FilterStatus, domain: string): string {
  return ` data-f-status="${status}" data-f-domain="${e(domain)}"`;
}

/** `class="..."` suffix from a data value: only [a-z0-9-] survive. */
export function cls(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

export function chip(value: string, label = value): string {
  return `<span class="chip chip--${cls(value)}">${e(label)}</span>`;
}

export function section(id: string, title: string, inner: string, lead?: string): string {
  return `<section class="block" id="${id}" data-testid="section-${id}">
<h2>${e(title)}</h2>${lead ? `\n<p class="lead">${lead}</p>` : ''}
${inner}
</section>`;
}
