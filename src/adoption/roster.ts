/**
 * Floor support (adoption.floor-support): every launch shift on every unit in the plan has
 * someone on the support roster (super-user, analyst, vendor at the elbow).
 */
import type { CheckResult } from '../core/index.js';
import type { Finding, Location } from '../core/index.js';
import { buildResult, pct } from '../core/index.js';
import type { TableRow } from '../inputs/index.js';
import type { RosterRow } from './schema.js';

export interface PlannedShift {
  unit: string;
  shift: string;
  /** ISO date; undefined when the plan is not per day. */
  date?: string;
  at: Location;
}

const k = (s: string) => s.trim().toLowerCase();

export function reviewFloorSupport(
  plan: PlannedShift[],
  roster: TableRow<RosterRow>[],
  opts: { now: Date },
): CheckResult {
  const findings: Finding[] = [];
  const covered = (p: PlannedShift) =>
    roster.filter(
      (r) =>
        k(r.value.unit) === k(p.unit) &&
        k(r.value.shift) === k(p.shift) &&
        (!p.date || !r.value.date || r.value.date.iso === p.date),
    );
  let gaps = 0;
  for (const p of plan) {
    if (covered(p).length > 0) continue;
    gaps++;
    const label = `${p.unit} ${p.shift} shift${p.date ? ` on ${p.date}` : ''}`;
    findings.push({
      rule: 'adoption.roster-gap',
      severity: 'error',
      domain: 'adoption',
      message: `no floor support rostered for ${label}`,
      action: `Roster at least one super-user or analyst for ${label}, with a named escalation contact.`,
      location: p.at,
      detail: { unit: p.unit, shift: p.shift, ...(p.date ? { date: p.date } : {}) },
    });
  }
  return buildResult({
    check: 'adoption.floor-support',
    kind: 'adoption',
    title: 'Floor support: every launch shift and unit covered',
    domain: 'adoption',
    criteria: ['adoption.floor-support'],
    findings:
      plan.length === 0
        ? [
            {
              rule: 'adoption.no-launch-plan',
              severity: 'error',
              domain: 'adoption',
              message: 'the launch plan lists no unit and shift',
              action: 'List the launch units and shifts so roster coverage can be checked.',
            },
          ]
        : findings,
    measurements: {
      planned_shifts: plan.length,
      uncovered_shifts: gaps,
      roster_coverage_pct: pct(plan.length - gaps, plan.length),
      roster_entries: roster.length,
    },
    now: opts.now,
    passSummary: `All ${plan.length} planned unit shifts have floor support rostered.`,
    failSummary: () => `${gaps} of ${plan.length} planned unit shifts have no floor support.`,
  });
}
