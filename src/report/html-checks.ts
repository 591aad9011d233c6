/** HTML sections about checks: scenarios with their exchanges, load charts, adoption and compliance tables. */
import type { Exchange, StepResult } from '../core/index.js';
import { escapeHtml as e, rawToHtml } from './escape.js';
import { chip, cls, evidenceRef, filterAttrs, section, type HtmlContext } from './html-context.js';
import { card, findingsList, kvTable } from './html-parts.js';
import { cell, gridTable, type Col } from './html-table.js';
import { formatInstant, formatMs, scenarioData, tidyText } from './model.js';

/** Raw evidence shown inline is capped; the evidence store keeps the full text. */
const RAW_LIMIT = 64 * 1024;

/** Start line of an HTTP message as golive records it (`GET url`, `HTTP 200`, `HTTP/1.1 200 OK`). */
const HTTP_START =
  /^(?:HTTP(?:\/\d(?:\.\d)?)? \d{3}\b|(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S)/;

/**
 * An HTTP message with a JSON body (a FHIR resource or Bundle, RFC 9110 section 6: start line,
 * headers, blank line, body) with the body indented two spaces under its headers; undefined
 * for anything else (HL7, a body that is not JSON), which is shown exactly as recorded.
 */
export function prettyHttpJson(text: string): string | undefined {
  if (!HTTP_START.test(text)) return undefined;
  const gap = /\r?\n\r?\n/.exec(text);
  if (!gap) return undefined;
  const body = text.slice(gap.index + gap[0].length).trim();
  if (!body.startsWith('{') && !body.startsWith('[')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  return `${text.slice(0, gap.index).replace(/\r\n/g, '\n')}\n\n${JSON.stringify(parsed, null, 2)}`;
}

function raw(text: string): string {
  const pretty = prettyHttpJson(text);
  const shownText = pretty ?? text;
  const cut = shownText.length > RAW_LIMIT;
  const shown = cut ? shownText.slice(0, RAW_LIMIT) : shownText;
  const note = pretty
    ? '<p class="muted">JSON body indented for reading; the evidence store keeps it byte for byte as exchanged.</p>'
    : '';
  return `<pre class="raw${pretty ? ' raw--json' : ''}">${rawToHtml(shown)}</pre>${cut ? `<p class="muted">Shown: first ${RAW_LIMIT} of ${shownText.length} characters; the full text is in the evidence store.</p>` : ''}${note}`;
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

const STEP = {
  index: { label: '#', width: '44px', cls: 'num' },
  step: { label: 'Step', width: '20%', cls: 'text' },
  outcome: { label: 'Outcome', width: '84px' },
  observed: { label: 'Observed', width: '24%', cls: 'text' },
  expected: { label: 'Expected', cls: 'text' },
  actual: { label: 'Actual', cls: 'text' },
  time: { label: 'Time', width: '76px', cls: 'num' },
} satisfies Record<string, Col>;

function stepRows(ctx: HtmlContext, s: StepResult): string {
  const ids = s.exchangeIds ?? [];
  const row = `<tr class="step--${cls(s.outcome)}" data-testid="step-row">${cell(STEP.index, e(s.index))}
${cell(STEP.step, `<b>${e(s.title)}</b><div class="muted">${e(s.type)}${s.id ? ` · ${e(s.id)}` : ''}</div>`)}
${cell(STEP.outcome, chip(s.outcome))}${cell(STEP.observed, e(tidyText(s.message)))}
${cell(STEP.expected, s.expected !== undefined ? `<div class="ea">${e(s.expected)}</div>` : '<span class="none">–</span>')}
${cell(STEP.actual, s.actual !== undefined ? `<div class="ea${s.outcome === 'fail' ? ' ea--actual' : ''}">${e(s.actual)}</div>` : '<span class="none">–</span>')}
${cell(STEP.time, e(formatMs(s.durationMs)))}</tr>`;
  return ids.length
    ? `${row}\n<tr class="xrow"><td class="xpad"></td><td colspan="6" class="xcell" data-label="">${exchangesFor(ctx, ids)}</td></tr>`
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
      ? gridTable(
          Object.values(STEP),
          steps.map((s) => stepRows(ctx, s)),
          { fixed: true },
        )
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

const CHECK_COLS = {
  outcome: { label: 'Outcome', width: '84px' },
  check: { label: 'Check', width: '27%', cls: 'text' },
  kind: { label: 'Kind', width: '96px', cls: 'text' },
  domain: { label: 'Domain', width: '116px', cls: 'text' },
  summary: { label: 'Summary', cls: 'text' },
  findings: { label: 'Findings', width: '80px', cls: 'num' },
  evidence: { label: 'Evidence', width: '12%', cls: 'text' },
} satisfies Record<string, Col>;

/** Kinds that have a card of their own elsewhere in the report (so the title links to it). */
const CARDED = new Set([
  'scenario',
  'load',
  'failover',
  'storage',
  'adoption',
  'audit',
  'access',
  'registers',
]);

export function allChecksHtml(ctx: HtmlContext): string {
  const C = CHECK_COLS;
  const rows = ctx.input.checks.map((c) => {
    const anchor = ctx.checkAnchor.get(c.evidenceId);
    const title =
      CARDED.has(c.kind) && anchor ? `<a href="#${anchor}">${e(c.title)}</a>` : e(c.title);
    return `<tr data-testid="check-row"${filterAttrs(c.outcome, c.domain)}>${cell(C.outcome, chip(c.outcome))}${cell(C.check, `${title}<div class="muted"><code>${e(c.check)}</code></div>`)}
${cell(C.kind, e(c.kind))}${cell(C.domain, e(c.domain))}${cell(C.summary, e(tidyText(c.summary)))}${cell(C.findings, String(c.findings.length))}${cell(C.evidence, evidenceRef(ctx, c.evidenceId))}</tr>`;
  });
  return section(
    'checks',
    'All checks',
    `<div class="f-group" data-f-group>${gridTable(Object.values(C), rows, { fixed: true })}</div>`,
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
