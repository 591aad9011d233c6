/** Building blocks shared by the check sections: check cards, measurement tables, finding lists. */
import { dataProblem } from '../core/index.js';
import { escapeHtml as e } from './escape.js';
import { chip, cls, evidenceRef, filterAttrs, type HtmlContext } from './html-context.js';
import { cell, gridTable, type Col } from './html-table.js';
import { formatMs, formatNumber, tidyText } from './model.js';
import type { ReportCheck } from './types.js';

function checkHeader(ctx: HtmlContext, c: ReportCheck): string {
  // data-f-text: the search box reads the card's header, not the raw exchanges inside it.
  return `<summary data-f-text>${chip(c.outcome)} <span class="title">${e(c.title)}</span> <code class="muted">${e(c.check)}</code>
<span class="muted">${e(formatMs(c.durationMs))} · evidence ${evidenceRef(ctx, c.evidenceId)}${c.criteria.length ? ` · for ${c.criteria.map((id) => `<code>${e(id)}</code>`).join(' ')}` : ''}</span>
<span class="sum">${e(tidyText(c.summary))}</span></summary>`;
}

/** A check as a collapsible card (open when it failed or was inconclusive; always expanded in print). */
export function card(ctx: HtmlContext, c: ReportCheck, body: string): string {
  const open = c.outcome === 'fail' || c.outcome === 'error' ? ' open' : '';
  // A stored record whose data cannot be read is shown as such, never as a check with no detail.
  const problem = dataProblem(c);
  const unreadable = problem
    ? `<p class="bad" data-testid="data-unreadable">Data unreadable (${e(problem)}): the detail of this record is not shown; its outcome and summary are as stored.</p>`
    : '';
  return `<details class="card card--${cls(c.outcome)}" id="${ctx.checkAnchor.get(c.evidenceId) ?? ''}" data-testid="check"${filterAttrs(c.outcome, c.domain)} data-print-open${open}>
${checkHeader(ctx, c)}
<div class="card__body">${unreadable}${body}</div></details>`;
}

export function kvTable(title: string, rec: Record<string, number>, unit = ''): string {
  const keys = Object.keys(rec);
  if (!keys.length) return '';
  return `<div><h3>${e(title)}</h3><table class="kv"><tbody>${keys.map((k) => `<tr><td class="text"><code>${e(k)}</code></td><td class="num">${e(formatNumber(rec[k] ?? NaN))}${unit}</td></tr>`).join('')}</tbody></table></div>`;
}

const FINDING_COLS: Col[] = [
  { label: 'Severity', width: '92px' },
  { label: 'Rule', width: '24%', cls: 'text' },
  { label: 'Message', cls: 'text' },
  { label: 'Action', width: '34%', cls: 'text' },
];

export function findingsList(c: ReportCheck): string {
  if (!c.findings.length) return '';
  const [sev, rule, msg, action] = FINDING_COLS as [Col, Col, Col, Col];
  return `<h3>Findings</h3>${gridTable(
    FINDING_COLS,
    c.findings.map(
      (f) =>
        `<tr>${cell(sev, chip(f.severity === 'error' ? 'error-sev' : f.severity, f.severity))}${cell(rule, `<code>${e(f.rule)}</code>`)}${cell(msg, e(tidyText(f.message)))}${cell(action, e(tidyText(f.action)))}</tr>`,
    ),
    { fixed: true },
  )}`;
}
