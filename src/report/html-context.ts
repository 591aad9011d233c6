/** Shared state while rendering the HTML report: lookups and the chart specs collected. */
import type { Exchange } from '../core/index.js';
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
  /** Evidence id -> element id of its row in the evidence list (ids from data are never used as element ids). */
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
    evidenceAnchor: new Map(evidence.map((ev, i) => [ev.id, `ev-${i + 1}`])),
    checkAnchor: new Map(input.checks.map((c, i) => [c.evidenceId, `check-${i + 1}`])),
    charts: [],
    shownExchanges: new Set(),
  };
}

/** An evidence id as a chip, linked to its row in the evidence list when known. */
export function evidenceRef(ctx: HtmlContext, id: string): string {
  const anchor = ctx.evidenceAnchor.get(id);
  return anchor ? `<a href="#${anchor}"><code>${e(id)}</code></a>` : `<code>${e(id)}</code>`;
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
