/**
 * Workaround signals (adoption.workaround-signals): sticky notes, parallel spreadsheets,
 * delayed acknowledgements, verbal result relays and password-sharing requests are how staff
 * route around a system they cannot use safely. An open high-risk one blocks go-live.
 */
import type { CheckResult } from '../core/index.js';
import type { Finding } from '../core/index.js';
import { buildResult } from '../core/index.js';
import { cell, type TableRow } from '../inputs/index.js';
import type { SignalRow } from './schema.js';

const OPEN = new Set(['open', 'in-progress']);
/**
 * Always high risk whatever was logged: a shared password makes every later audit record
 * name the wrong person, so attribution (compliance.audit-trail) is lost.
 */
const INHERENTLY_HIGH = new Set(['password-sharing-request']);

export function reviewWorkarounds(
  signals: TableRow<SignalRow>[],
  opts: { now: Date },
): CheckResult {
  const findings: Finding[] = [];
  let openHigh = 0;
  let open = 0;
  for (const s of signals) {
    const v = s.value;
    if (!OPEN.has(v.status)) continue;
    open++;
    const label = `${v.kind.replace(/-/g, ' ')} in ${v.unit} (${v.date.iso}${v.id ? `, ${v.id}` : ''})`;
    const high = v.severity === 'high' || INHERENTLY_HIGH.has(v.kind);
    if (high) {
      openHigh++;
      findings.push({
        rule: 'adoption.workaround-open-high-risk',
        severity: 'error',
        domain: 'adoption',
        message: `open high-risk workaround: ${label}${v.description ? `: ${v.description}` : ''}${v.severity !== 'high' ? ` (logged ${v.severity}; always high risk)` : ''}`,
        action: `Find why staff on ${v.unit} work around the system, fix the cause (build, access, training), and close the signal with the evidence${v.owner ? ` (owner: ${v.owner})` : '; assign an owner'}.`,
        location: cell(s.at, 'status'),
        detail: { kind: v.kind, unit: v.unit, severity: v.severity },
      });
    } else {
      findings.push({
        rule: 'adoption.workaround-open',
        severity: 'warning',
        domain: 'adoption',
        message: `open ${v.severity}-risk workaround: ${label}${v.description ? `: ${v.description}` : ''}`,
        action: `Track the ${v.kind.replace(/-/g, ' ')} in ${v.unit} to closure; re-rate it if it spreads.`,
        location: cell(s.at, 'status'),
      });
    }
  }
  return buildResult({
    check: 'adoption.workaround-signals',
    kind: 'adoption',
    title: 'Workaround signals: none open at high risk',
    domain: 'adoption',
    criteria: ['adoption.workaround-signals'],
    findings,
    measurements: {
      signals_total: signals.length,
      signals_open: open,
      signals_open_high: openHigh,
    },
    now: opts.now,
    passSummary: `No open high-risk workaround signals (${signals.length} logged, ${open} open).`,
    failSummary: (n) =>
      `${n} open high-risk workaround signal(s): staff are routing around the system.`,
  });
}
