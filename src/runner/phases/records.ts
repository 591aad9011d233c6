/**
 * The records phase: access, registers, adoption and handoffs reviewed from what the read step
 * parsed. No target is needed, so this runs first and a record that cannot be reviewed stops
 * the run before any traffic is sent.
 */
import type { CheckResult } from '../../core/index.js';
import { reviewAccess, reviewChanges, reviewDevices } from '../../compliance/index.js';
import {
  reviewExceptions,
  reviewFloorSupport,
  reviewUnaidedTasks,
  reviewWorkarounds,
} from '../../adoption/index.js';
import { checkHandoffs } from '../attestations.js';
import type { RecordInputs } from '../inputs.js';
import { PHASE_TITLES } from '../plan.js';
import type { Phase, PhaseContext } from './types.js';

export const recordsPhase: Phase<'records'> = {
  id: 'records',
  title: PHASE_TITLES.records,
  async run(ctx) {
    const now = ctx.asOf;
    const checks = [
      ...complianceChecks(ctx.inputs.records, now),
      ...adoptionChecks(ctx.inputs.records, now),
    ];
    const handoffs = handoffsCheck(ctx);
    if (handoffs) checks.push(handoffs);
    const { attestations, waivers } = ctx.inputs;
    return {
      checks,
      // A record the tool could not review is an error; a failing one is for the review.
      state: checks.some((c) => c.outcome === 'error') ? 'error' : 'pass',
      detail: `${checks.length} record check(s), ${attestations.length} attestation(s), ${waivers.length} waiver(s)`,
    };
  },
};

function complianceChecks(r: RecordInputs, now: Date): CheckResult[] {
  const out: CheckResult[] = [];
  if (r.access) {
    const { loaded, policy } = r.access;
    out.push(...reviewAccess(loaded.inputs, { now, policy: { ...loaded.policy, ...policy } }));
  }
  if (r.registers?.devices) out.push(reviewDevices(r.registers.devices, { now }));
  const ch = r.registers?.changes;
  if (ch) out.push(reviewChanges(ch.changes, ch.validations, { now }));
  return out;
}

/** The analyses the adoption files allow (adoption/index.ts reviewAdoptionFiles, on parsed rows). */
function adoptionChecks(r: RecordInputs, now: Date): CheckResult[] {
  const a = r.adoption;
  if (!a) return [];
  const t = { now, ...(a.thresholdPct !== undefined ? { thresholdPct: a.thresholdPct } : {}) };
  const out: CheckResult[] = [];
  if (a.tasks)
    out.push(
      reviewUnaidedTasks(a.tasks, {
        ...t,
        ...(a.plan?.roles ? { requiredRoles: a.plan.roles } : {}),
      }),
    );
  if (a.tasks && a.guides) out.push(reviewExceptions(a.tasks, a.guides, t));
  if (a.signals) out.push(reviewWorkarounds(a.signals, t));
  if (a.plan && a.roster) out.push(reviewFloorSupport(a.plan.shifts, a.roster, t));
  return out;
}

/** review.handoffs: every handoff of the integration map needs an owner and a fallback. */
function handoffsCheck(ctx: PhaseContext): CheckResult | undefined {
  const rv = ctx.loaded.config.review;
  if (!rv?.handoffs) return undefined;
  const owners = rv.owners ?? {};
  return checkHandoffs(
    rv.handoffs.map((h) => ({
      ...h,
      owner: h.owner && owners[h.owner] ? `${h.owner} (${owners[h.owner]})` : h.owner,
    })),
    ctx.run.configFile ?? 'golive.yaml',
    ctx.asOf,
  );
}
