/** Building blocks shared by the check sections: check cards, measurement tables, finding lists. */
import { escapeHtml as e } from './escape.js';
import { chip, cls, evidenceRef, type HtmlContext } from './html-context.js';
import { formatMs, formatNumber } from './model.js';
import type { ReportCheck } from './types.js';

function checkHeader(ctx: HtmlContext, c: ReportCheck): string {
  return `<summary>${chip(c.outcome)} <span class="title">${e(c.title)}</span> <code class="muted">${e(c.check)}</code>
<span class="muted">${e(formatMs(c.durationMs))} · evidence ${evidenceRef(ctx, c.evidenceId)}${c.criteria.length ? ` · for ${c.criteria.map((id) => `<code>${e(id)}</code>`).join(' ')}` : ''}</span>
<span class="sum">${e(c.summary)}</span></summary>`;
}

/** A check as a collapsible card (open when it failed or was inconclusive; always expanded in print). */
export function card(ctx: HtmlContext, c: ReportCheck, body: string): string {
  const open = c.outcome === 'fail' || c.outcome === 'error' ? ' open' : '';
  return `<details class="card card--${cls(c.outcome)}" id="${ctx.checkAnchor.get(c.evidenceId) ?? ''}" data-testid="check" data-print-open${open}>
${checkHeader(ctx, c)}
<div class="card__body">${body}</div></details>`;
}

export function kvTable(title: string, rec: Record<string, number>, unit = ''): string {
  const keys = Object.keys(rec);
  if (!keys.length) return '';
  return `<div><h3>${e(title)}</h3><table class="kv"><tbody>${keys.map((k) => `<tr><td class="text"><code>${e(k)}</code></td><td class="num">${e(formatNumber(rec[k] ?? NaN))}${unit}</td></tr>`).join('')}</tbody></table></div>`;
}

export function findingsList(c: ReportCheck): string {
  if (!c.findings.length) return '';
  return `<h3>Findings</h3><table class="fixed"><colgroup><col style="width:92px"><col style="width:24%"><col><col style="width:34%"></colgroup><thead><tr><th>Severity</th><th>Rule</th><th>Message</th><th>Action</th></tr></thead><tbody>${c.findings
    .map(
      (f) =>
        `<tr><td>${chip(f.severity === 'error' ? 'error-sev' : f.severity, f.severity)}</td><td class="text"><code>${e(f.rule)}</code></td><td class="text">${e(f.message)}</td><td class="text">${e(f.action)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}
