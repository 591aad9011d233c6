/**
 * `golive demo`: the whole review against the embedded reference site, with Riverside General's
 * configuration and records under examples/. The demo fault profile switches on realistic
 * defects so the review ends NO-GO with findings in every domain; `clean` uses the remediated
 * records (examples/golive-clean.yaml) on a fault-free site and ends GO. It is `golive run`
 * with a fixed configuration: the same code path a site's own review takes.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../config/index.js';
import { runReview, type RunReviewResult } from './run.js';
import type { TaskList } from './progress.js';

/** Defects found in real go-lives, one or more per domain the machine can observe. */
export const DEMO_FAULTS = [
  'ignore-corrections',
  'merge-not-applied',
  'unit-rewrite',
  'no-audit-on-read',
];
export const DEMO_LOAD_FAULTS = ['slow-under-load'];
export const DEMO_FAILOVER_FAULTS = ['lost-on-restart'];
/** The example site files are dated for a review on this day. */
export const EXAMPLES_AS_OF = new Date('2026-02-27T12:00:00Z');

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export interface DemoOptions {
  clean: boolean;
  outDir: string;
  tasks: TaskList;
  toolVersion: string;
  /** Reference-site profile (docs/site.md, Profiles); default standard. */
  profile?: 'standard' | 'minimal';
  /** Evidence store (default evidence.db in `outDir`). */
  evidence?: string;
}

export function demoConfigFile(clean: boolean): string {
  return join(ROOT, 'examples', clean ? 'golive-clean.yaml' : 'golive.yaml');
}

export async function runDemo(o: DemoOptions): Promise<RunReviewResult> {
  const loaded = loadConfigFile(demoConfigFile(o.clean), {});
  const faults = o.clean
    ? { scenarios: [], load: [], failover: [] }
    : { scenarios: DEMO_FAULTS, load: DEMO_LOAD_FAULTS, failover: DEMO_FAILOVER_FAULTS };
  // A milder slow-under-load than the site default (5 ms per message per message/s of load):
  // it still fails every latency threshold of the peak profile, in half the time.
  // lost-on-restart's journal is flushed less often than the failover run lasts, so the
  // restart always loses acknowledged results (with the 2 s default, a restart landing just
  // after a flush could lose none and the demo would vary from run to run).
  const faultOptions = o.clean ? undefined : { slowPerMessageMs: 1, flushIntervalMs: 60_000 };
  const all = [...faults.scenarios, ...faults.load, ...faults.failover];
  const profile = o.profile && o.profile !== 'standard' ? ` (${o.profile} profile)` : '';
  return runReview({
    loaded,
    embedded: {
      faults,
      ...(faultOptions ? { faultOptions } : {}),
      ...(o.profile ? { profile: o.profile } : {}),
    },
    tasks: o.tasks,
    toolVersion: o.toolVersion,
    author: 'golive demo',
    label: 'demo',
    reportDir: o.outDir,
    evidence: o.evidence ?? join(o.outDir, 'evidence.db'),
    asOf: EXAMPLES_AS_OF,
    overlapPhases: true,
    targetLabel: `embedded reference site${profile}${all.length ? ` (faults: ${all.join(', ')})` : ''}`,
  });
}
