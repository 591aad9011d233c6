/**
 * Adoption evidence: four CheckResults, one per REVIEW.md criterion (adoption.unaided-tasks,
 * adoption.exceptions-understood, adoption.workaround-signals, adoption.floor-support).
 */
import type { CheckResult } from '../core/index.js';
import { loadGuides, loadPlan, loadRoster, loadSignals, loadTasks } from './load.js';
import { reviewFloorSupport } from './roster.js';
import { reviewWorkarounds } from './signals.js';
import { reviewExceptions, reviewUnaidedTasks } from './tasks.js';

export * from './schema.js';
export * from './tasks.js';
export * from './signals.js';
export * from './roster.js';
export * from './load.js';

/** Input files as listed in golive.yaml (`adoption:`) or given on the command line. */
export interface AdoptionFiles {
  tasks?: string;
  guides?: string;
  signals?: string;
  roster?: string;
  plan?: string;
}

export interface AdoptionOptions {
  now: Date;
  thresholdPct?: number;
}

/**
 * Load every given file (all validated before any analysis: nothing half-imported), then run
 * the analyses their inputs allow. Throws UserError on bad input.
 */
export function reviewAdoptionFiles(files: AdoptionFiles, opts: AdoptionOptions): CheckResult[] {
  const tasks = files.tasks ? loadTasks(files.tasks) : undefined;
  const guides = files.guides ? loadGuides(files.guides) : undefined;
  const signals = files.signals ? loadSignals(files.signals) : undefined;
  const roster = files.roster ? loadRoster(files.roster) : undefined;
  const plan = files.plan ? loadPlan(files.plan) : undefined;
  const t = {
    now: opts.now,
    ...(opts.thresholdPct !== undefined ? { thresholdPct: opts.thresholdPct } : {}),
  };
  const out: CheckResult[] = [];
  if (tasks)
    out.push(
      reviewUnaidedTasks(tasks, { ...t, ...(plan?.roles ? { requiredRoles: plan.roles } : {}) }),
    );
  if (tasks && guides) out.push(reviewExceptions(tasks, guides, t));
  if (signals) out.push(reviewWorkarounds(signals, t));
  if (plan && roster) out.push(reviewFloorSupport(plan.shifts, roster, t));
  return out;
}
