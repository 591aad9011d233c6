/**
 * Coverage on this target: each risk a scenario stands for, exercised on the target or not,
 * and why (issue: a target that cannot show a thing must say so, never pass). Built from the
 * scenario results (a not-applicable scenario carries its reason) and the capability probe.
 */
import {
  dataOf,
  readProbeData,
  readScenarioData,
  type DataRead,
  type ProbeData,
  type ScenarioData,
} from '../core/index.js';
import { escapeHtml as e } from './escape.js';
import { chip, evidenceRef, filterAttrs, section, type HtmlContext } from './html-context.js';
import { cell, gridTable, type Col } from './html-table.js';
import { tidyText } from './model.js';

const RISK = {
  risk: { label: 'Risk (scenario)', width: '30%', cls: 'text' },
  state: { label: 'On this target', width: '200px' },
  why: { label: 'Why', cls: 'text' },
  evidence: { label: 'Evidence', width: '110px', cls: 'text' },
} satisfies Record<string, Col>;

const SEARCH = {
  lookup: { label: 'Lookup', width: '30%', cls: 'text' },
  answer: { label: 'Answer', width: '130px' },
  detail: { label: 'Detail', cls: 'text' },
} satisfies Record<string, Col>;

/** A line saying a stored record's data could not be read, and why. */
function unreadableNote(what: string, read: DataRead<unknown>): string {
  return read.state === 'unreadable'
    ? `<p class="bad" data-testid="data-unreadable">${e(what)}: data unreadable (${e(read.why)}).</p>`
    : '';
}

/** Exercised, with the outcome's reason for anything but a pass. */
function exercised(outcome: string, data: ScenarioData | undefined): [string, string] {
  if (data?.notApplicable) return ['not-exercised', 'not exercised'];
  if (outcome === 'pass' || outcome === 'fail') return [outcome, 'exercised'];
  if (outcome === 'error') return ['error', 'inconclusive'];
  return ['skip', 'not exercised'];
}

export function coverageHtml(ctx: HtmlContext): string {
  const scenarios = ctx.input.checks.filter((c) => c.kind === 'scenario');
  const probe = ctx.input.checks.find((c) => c.kind === 'probe');
  const probeRead: DataRead<ProbeData> = probe ? readProbeData(probe) : { state: 'none' };
  const pv = dataOf(probeRead);
  if (!scenarios.length && !probe)
    return section(
      'coverage',
      'Coverage on this target',
      '<p class="none">No scenario ran: no risk was exercised on the target.</p>',
    );
  const ways = new Map((pv?.coverage ?? []).map((c) => [c.scenario, c.why]));
  const rows = scenarios.map((c) => {
    const read = readScenarioData(c);
    const data = dataOf(read);
    const [state, label] = exercised(c.outcome, data);
    const why =
      read.state === 'unreadable'
        ? `Data unreadable (${read.why}), so whether the target could exercise it is unknown. ${c.summary}`
        : data?.notApplicable !== undefined
          ? `${data.notApplicable.reason}. Evidence instead: ${data.notApplicable.manualEvidence}.`
          : c.outcome === 'pass' || c.outcome === 'fail'
            ? (ways.get(c.check) ?? c.summary)
            : c.summary;
    return `<tr data-testid="coverage-row"${filterAttrs(c.outcome, c.domain)}>${cell(RISK.risk, `<b>${e(c.title)}</b><div class="muted"><code>${e(c.check)}</code> · ${c.criteria.map((x) => e(x)).join(', ')}</div>`)}
${cell(RISK.state, `${chip(state, label)} ${chip(c.outcome)}`)}${cell(RISK.why, e(tidyText(why)))}${cell(RISK.evidence, evidenceRef(ctx, c.evidenceId))}</tr>`;
  });
  const searches = (pv?.searches ?? []).map(
    (s) =>
      `<tr>${cell(SEARCH.lookup, `${e(s.lookup)} by ${e(s.strategy)}`)}${cell(SEARCH.answer, chip(s.support === 'supported' ? 'pass' : s.support === 'no-answer' ? 'error' : 'skip', s.support))}${cell(SEARCH.detail, e(s.detail))}</tr>`,
  );
  const probeBlock = probe
    ? `<h3>What the target declared and answered</h3>
<p>${e(tidyText(probe.summary))} ${evidenceRef(ctx, probe.evidenceId)}</p>${unreadableNote('Capability probe', probeRead)}
${pv?.fhir?.types.length ? `<p class="muted">Resource types: ${pv.fhir.types.map((t) => e(t)).join(', ')}</p>` : ''}
${searches.length ? gridTable(Object.values(SEARCH), searches, { fixed: true }) : ''}`
    : '';
  const n = scenarios.filter((c) => c.outcome === 'pass' || c.outcome === 'fail').length;
  return section(
    'coverage',
    'Coverage on this target',
    `${
      scenarios.length
        ? `<div class="counts"><span><b>${n}</b>of ${scenarios.length} risks exercised</span></div>
<div class="f-group" data-f-group>${gridTable(Object.values(RISK), rows, { fixed: true })}</div>`
        : ''
    }
${probeBlock}`,
    'Each risk golive tests, whether it could be exercised on this target, and why. A risk not exercised leaves its criteria not evidenced until a person attests it.',
  );
}
