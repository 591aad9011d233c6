/** HTML sections about checks: scenarios with their exchanges, load charts, adoption and compliance tables. */
import type { Exchange, StepResult } from '../core/index.js';
import { escapeHtml as e, rawToHtml } from './escape.js';
import { chip, cls, evidenceRef, section, type HtmlContext } from './html-context.js';
import { card, findingsList, kvTable } from './html-parts.js';
import { formatInstant, formatMs, scenarioData } from './model.js';

/** Raw evidence shown inline is capped; the evidence store keeps the full text. */
const RAW_LIMIT = 64 * 1024;

function raw(text: string): string {
  const cut = text.length > RAW_LIMIT;
  const shown = cut ? text.slice(0, RAW_LIMIT) : text;
  return `<pre class="raw">${rawToHtml(shown)}</pre>${cut ? `<p class="muted">Shown: first ${RAW_LIMIT} of ${text.length} characters; the full text is in the evidence store.</p>` : ''}`;
}

export function exchangeHtml(ctx: HtmlContext, x: Exchange): string {
  ctx.shownExchanges.add(x.id);
  const arrow = x.direction === 'outbound' ? '→' : '←';
  return `<details class="exchange" data-testid="exchange"><summary><code>${e(x.id)}</code> ${e(x.protocol.toUpperCase())} ${arrow} ${e(x.peer)} · ${e(x.summary)} · ${e(formatMs(x.durationMs))}${x.error ? ` <span class="xerr">${e(x.error)}</span>` : ''}</summary>
<div class="exchange__body">
<div class="muted">${e(x.direction)} at ${e(formatInstant(x.startedAt))}</div>
<h5>${x.direction === 'outbound' ? 'Sent' : 'Received'}</h5>${raw(x.request)}
${x.response !== undefined ? `<h5>${x.direction === 'outbound' ? 'Response' : 'Reply sent'}</h5>${raw(x.response)}` : ''}
${x.error ? `<h5>Transport error</h5><p class="xerr">${e(x.error)}</p>` : ''}
</div></details>`;
}

function exchangesFor(ctx: HtmlContext, ids: readonly string[]): string {
  return ids
    .map((id) => {
      const x = ctx.exchanges.get(id);
      return x
        ? exchangeHtml(ctx, x)
        : `<div class="muted">exchange <code>${e(id)}</code> not in this report</div>`;
    })
    .join('\n');
}

function stepRows(ctx: HtmlContext, s: StepResult): string {
  const ids = s.exchangeIds ?? [];
  const row = `<tr class="step--${cls(s.outcome)}" data-testid="step-row"><td class="num">${e(s.index)}</td>
<td><b>${e(s.title)}</b><div class="muted">${e(s.type)}${s.id ? ` · ${e(s.id)}` : ''}</div></td>
<td>${chip(s.outcome)}</td><td class="text">${e(s.message)}</td>
<td class="text">${s.expected !== undefined ? `<div class="ea">${e(s.expected)}</div>` : '<span class="none">–</span>'}</td>
<td class="text">${s.actual !== undefined ? `<div class="ea${s.outcome === 'fail' ? ' ea--actual' : ''}">${e(s.actual)}</div>` : '<span class="none">–</span>'}</td>
<td class="num">${e(formatMs(s.durationMs))}</td></tr>`;
  return ids.length
    ? `${row}\n<tr class="xrow"><td></td><td colspan="6">${exchangesFor(ctx, ids)}</td></tr>`
    : row;
}

export function scenariosHtml(ctx: HtmlContext): string {
  const checks = ctx.input.checks.filter((c) => c.kind === 'scenario');
  if (!checks.length)
    return section('scenarios', 'Scenario results', '<p class="none">No scenarios ran.</p>');
  const order = { fail: 0, error: 1, skip: 2, pass: 3 } as const;
  const sorted = [...checks].sort((a, b) => order[a.outcome] - order[b.outcome]);
  const cards = sorted.map((c) => {
    const steps = scenarioData(c)?.steps ?? [];
    const stepIds = new Set(steps.flatMap((s) => s.exchangeIds ?? []));
    const other = (c.exchanges ?? []).filter((x) => !stepIds.has(x.id));
    const table = steps.length
      ? `<table class="fixed"><colgroup><col style="width:36px"><col style="width:20%"><col style="width:84px"><col style="width:24%"><col><col><col style="width:72px"></colgroup>
<thead><tr><th class="num">#</th><th>Step</th><th>Outcome</th><th>Observed</th><th>Expected</th><th>Actual</th><th class="num">Time</th></tr></thead><tbody>
${steps.map((s) => stepRows(ctx, s)).join('\n')}
</tbody></table>`
      : '<p class="none">No step detail recorded.</p>';
    const extra = other.length
      ? `<h3>Other exchanges of this scenario</h3>${other.map((x) => exchangeHtml(ctx, x)).join('\n')}`
      : '';
    return card(ctx, c, table + extra);
  });
  const n = { pass: 0, fail: 0, error: 0, skip: 0 };
  for (const c of checks) n[c.outcome]++;
  return section(
    'scenarios',
    'Scenario results',
    `<div class="counts"><span><b>${checks.length}</b>scenarios</span><span><b>${n.pass}</b>passed</span><span><b>${n.fail}</b>failed</span><span><b>${n.error}</b>inconclusive</span><span><b>${n.skip}</b>skipped</span></div>
${cards.join('\n')}`,
    'Failed and inconclusive scenarios first. Each step shows what was expected and what the integrated systems did, with the messages exchanged (raw text, control characters made visible).',
  );
}

function checksTableSection(
  ctx: HtmlContext,
  id: string,
  title: string,
  kinds: readonly string[],
  lead: string,
): string {
  const checks = ctx.input.checks.filter((c) => kinds.includes(c.kind));
  if (!checks.length)
    return section(
      id,
      title,
      `<p class="none">No ${e(title.toLowerCase())} evidence recorded.</p>`,
    );
  const cards = checks.map((c) =>
    card(
      ctx,
      c,
      `<div class="tables">${kvTable('Measurements', c.measurements)}</div>${findingsList(c)}`,
    ),
  );
  return section(id, title, cards.join('\n'), lead);
}

export function adoptionHtml(ctx: HtmlContext): string {
  return checksTableSection(
    ctx,
    'adoption',
    'Adoption',
    ['adoption'],
    'Task simulations, workaround signals and floor support: measurements and findings as recorded.',
  );
}

export function complianceHtml(ctx: HtmlContext): string {
  return checksTableSection(
    ctx,
    'compliance',
    'Compliance',
    ['audit', 'access', 'registers'],
    'Audit trail, access review, device and change registers.',
  );
}

export function allChecksHtml(ctx: HtmlContext): string {
  const rows = ctx.input.checks.map((c) => {
    const anchor = ctx.checkAnchor.get(c.evidenceId);
    const own = [
      'scenario',
      'load',
      'failover',
      'storage',
      'adoption',
      'audit',
      'access',
      'registers',
    ].includes(c.kind);
    return `<tr><td>${chip(c.outcome)}</td><td class="text">${own && anchor ? `<a href="#${anchor}">${e(c.title)}</a>` : e(c.title)}<div class="muted"><code>${e(c.check)}</code></div></td>
<td>${e(c.kind)}</td><td>${e(c.domain)}</td><td class="text">${e(c.summary)}</td><td class="num">${c.findings.length}</td><td class="text">${evidenceRef(ctx, c.evidenceId)}</td></tr>`;
  });
  return section(
    'checks',
    'All checks',
    `<table class="fixed"><colgroup><col style="width:84px"><col style="width:27%"><col style="width:96px"><col style="width:116px"><col><col style="width:80px"><col style="width:12%"></colgroup>
<thead><tr><th>Outcome</th><th>Check</th><th>Kind</th><th>Domain</th><th>Summary</th><th class="num">Findings</th><th>Evidence</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`,
  );
}

/** Exchanges not shown next to any check (call after the check sections rendered). */
export function unlinkedExchangesHtml(ctx: HtmlContext): string {
  const rest = [...ctx.exchanges.values()].filter((x) => !ctx.shownExchanges.has(x.id));
  if (!rest.length) return '';
  return section(
    'exchanges',
    `Other exchanges (${rest.length})`,
    rest.map((x) => exchangeHtml(ctx, x)).join('\n'),
    'Exchanges recorded in this run that no step or check refers to.',
  );
}
