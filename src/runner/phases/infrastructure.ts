/**
 * The infrastructure phases: each load profile, the storage growth projected from what the
 * first one measured, and the failover profile. Each profile gets its own target from the
 * factory (on the embedded site, its own site with the faults of its phase) and stops it after.
 */
import type { CheckResult } from '../../core/index.js';
import {
  measuredSizesOf,
  projectStorage,
  runLoadProfile,
  type LoadedProfile,
} from '../../load/index.js';
import { PHASE_TITLES } from '../plan.js';
import type { Targets } from '../targets.js';
import type { Phase } from './types.js';

async function runProfile(
  targets: Targets,
  lp: LoadedProfile,
  phase: 'load' | 'failover',
): Promise<CheckResult[]> {
  const t = await targets.load(lp, phase);
  try {
    return await runLoadProfile({ profile: lp, target: t.target });
  } finally {
    await t.stop();
  }
}

export const loadPhase: Phase<'load'> = {
  id: 'load',
  title: PHASE_TITLES.load,
  async run(ctx) {
    const checks: CheckResult[] = [];
    // One at a time so each profile's figures are its own: two profiles at once would share the
    // CPU (and a real target) and each would measure the other's load. Two runs in one process
    // are safe (JS histograms, decision 017; test/hardening/load-overlap.test.ts).
    for (const lp of ctx.inputs.profiles)
      checks.push(...(await runProfile(ctx.targets, lp, 'load')));
    return { checks, detail: checks.find((x) => x.kind === 'load')?.summary ?? '' };
  },
};

export const storagePhase: Phase<'storage'> = {
  id: 'storage',
  title: PHASE_TITLES.storage,
  async run(ctx) {
    // Message sizes come from the first load profile's run.
    const first = ctx.results.get('load')?.find((x) => x.kind === 'load');
    if (!first) return { checks: [], detail: 'no load run measured message sizes', state: 'skip' };
    const projected = projectStorage(ctx.inputs.storage!, measuredSizesOf(first));
    return { checks: [projected], detail: projected.summary };
  },
};

export const failoverPhase: Phase<'failover'> = {
  id: 'failover',
  title: PHASE_TITLES.failover,
  async run(ctx) {
    const checks = await runProfile(ctx.targets, ctx.inputs.failover!, 'failover');
    return { checks, detail: checks[checks.length - 1]?.summary ?? '' };
  },
};
