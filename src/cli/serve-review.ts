/**
 * `golive serve --config golive.yaml`: the review the dashboard's "Start review" runs. It is
 * `golive run` itself (runner/run.ts, the same phases, recording and decision), recording into
 * the store the dashboard shows, with the runner's progress mirrored to the dashboard's live
 * view instead of the terminal. server/ does not import runner/; this is where they meet.
 */
import { resolve } from 'node:path';
import { UserError } from '../core/index.js';
import { loadConfigFile } from '../config/index.js';
import { TaskList, type TaskState } from '../runner/index.js';
import { planReview, runReview, type PlanReviewOptions } from '../runner/index.js';
import type { ReviewProgress, ReviewStarter } from '../server/index.js';
import { parseProfileOption } from './profile-option.js';

/** The runner's task list, silent, reporting each change to the dashboard. */
class MirroredTasks extends TaskList {
  constructor(private readonly sink: ReviewProgress) {
    // Not a terminal: nothing is redrawn, and what it would print goes nowhere.
    super({ write: () => true, isTTY: false });
  }
  override add(id: string, title: string): void {
    super.add(id, title);
    this.sink.add(id, title);
  }
  override start(id: string, detail = ''): void {
    super.start(id, detail);
    this.sink.start(id, detail);
  }
  override note(id: string, detail: string): void {
    super.note(id, detail);
    this.sink.note(id, detail);
  }
  override finish(id: string, state: Exclude<TaskState, 'pending' | 'running'>, detail = ''): void {
    super.finish(id, state, detail);
    this.sink.finish(id, state, detail);
  }
}

export interface ServeReviewFlags {
  config?: string;
  target?: string;
  profile?: string;
}

/**
 * The review "Start review" runs, or undefined without --config. The configuration and every
 * file it names are read now, so a bad one stops `serve` at start (exit 2), not a later click.
 */
export function serveReview(
  flags: ServeReviewFlags,
  o: { store: string; version: string },
): ReviewStarter | undefined {
  if (!flags.config) {
    if (flags.target || flags.profile) {
      throw new UserError('E_OPTION', '--target and --profile need --config', {
        hint: 'golive serve --config golive.yaml --target embedded lets the page start that review',
      });
    }
    return undefined;
  }
  if (flags.target !== undefined && flags.target !== 'embedded') {
    throw new UserError('E_OPTION', `--target "${flags.target}" is not "embedded"`, {
      hint: 'omit --target to review the target of golive.yaml, or give --target embedded',
    });
  }
  const embedded = flags.target === 'embedded';
  const profile = parseProfileOption(flags.profile, embedded);
  const loaded = loadConfigFile(resolve(flags.config));
  const none: string[] = [];
  const plan: PlanReviewOptions = {
    loaded,
    evidence: o.store,
    ...(embedded
      ? {
          embedded: {
            faults: { scenarios: none, load: none, failover: none },
            ...(profile ? { profile } : {}),
          },
          targetLabel: `embedded reference site${profile ? ` (${profile} profile)` : ''}`,
        }
      : {}),
  };
  planReview(plan); // reads and checks every input now
  const target = embedded ? plan.targetLabel! : 'the target of the configuration';
  return {
    label: `${flags.config} against ${target}`,
    async start({ author, progress }) {
      const tasks = new MirroredTasks(progress);
      try {
        const r = await runReview({ ...plan, tasks, toolVersion: o.version, author });
        return { runId: r.runId, decision: r.review.decision };
      } finally {
        tasks.close();
      }
    },
  };
}
