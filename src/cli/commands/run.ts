import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UserError } from '../../core/index.js';
import { loadConfigFile, resolveConfigPath, type LoadedConfig } from '../../config/index.js';
import { planReview, runReview, type PlanReviewOptions } from '../../runner/index.js';
import { renderPlan } from '../../runner/index.js';
import { TaskList } from '../../runner/index.js';
import { PROFILE_HELP, parseProfileOption } from '../profile-option.js';
import type { RegisterCommand } from '../command-types.js';
import { writeVerdict } from '../verdict.js';
import { VERSION } from '../version.js';
import {
  checkOutputDir,
  deprecatedOption,
  Deprecations,
  emitOutputs,
  reportsDirFlag,
  resolveOutputs,
  storeFlag,
} from '../output-options.js';

interface RunOpts {
  config?: string;
  target?: string;
  faults?: string;
  profile?: string;
  output?: string;
  out?: string;
  store?: string;
  evidence?: string;
  asOf?: string;
  author?: string;
  plan?: boolean;
  json?: string | boolean;
}

function loadConfig(file: string | undefined): LoadedConfig {
  if (file) return loadConfigFile(file);
  if (existsSync('golive.yaml')) return loadConfigFile('golive.yaml');
  throw new UserError('E_CONFIG', 'no golive.yaml here and no --config given', {
    hint: 'golive run --config path/to/golive.yaml (examples/golive.yaml is a complete example)',
  });
}

function parseAsOf(v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T12:00:00Z` : v);
  if (Number.isNaN(d.getTime())) {
    throw new UserError('E_OPTION', `--as-of "${v}" is not a date`, {
      hint: 'give an ISO date or instant, e.g. 2026-02-27 or 2026-02-27T09:00:00Z',
    });
  }
  return d;
}

export const register: RegisterCommand = (program: Command, setExit) => {
  program
    .command('run')
    .description(
      'Run the go-live review golive.yaml describes (scenarios, audit, lint, load, failover, records) and decide; exit 0 GO, 1 CONDITIONAL GO or NO-GO, 2 bad config, 3 target unreachable',
    )
    .option('--config <file>', 'site configuration (default: ./golive.yaml)')
    .option('--target <target>', '"embedded" runs against the reference site started in-process')
    .option('--faults <a,b>', 'reference-site faults to switch on (with --target embedded)')
    .option('--profile <name>', PROFILE_HELP)
    .option('--output <dir>', 'reports folder (default: review.reports of the config)')
    .addOption(deprecatedOption('--out <dir>', '--output'))
    .option(
      '--store <store>',
      'evidence store: SQLite file or postgres:// URL (default: review.evidence of the config)',
    )
    .addOption(deprecatedOption('--evidence <store>', '--store'))
    .option('--as-of <date>', 'evaluate dated records (accounts, rosters, waivers) as of this date')
    .addOption(
      new Option('--author <name>', 'recorded as the author of the evidence').default(
        process.env.USER ?? 'golive',
        '$USER, else golive',
      ),
    )
    .option(
      '--plan',
      'print what the run would do (phases, scenarios, inputs) and exit 0; sends and stores nothing',
    )
    .option('--json [file]', 'with --plan: the plan as JSON, to stdout or to FILE')
    .action(async (opts: RunOpts) => {
      const deprecations = new Deprecations();
      const reportDir = reportsDirFlag(opts, deprecations);
      const store = storeFlag(opts, deprecations);
      deprecations.flush();
      const planOutputs =
        opts.plan && opts.json !== undefined
          ? resolveOutputs(
              { json: opts.json },
              { command: 'run-plan', reporters: ['list', 'json'] },
            )
          : undefined;
      const o = reviewOptions(opts, reportDir, store);
      if (opts.plan) {
        const { plan } = planReview(o);
        await emitOutputs(
          planOutputs ?? [{ name: 'list', to: { kind: 'stdout' }, flag: '' }],
          'run',
          {
            text: () => `${renderPlan(plan, { cwd: process.cwd() })}\n`,
            json: () => plan,
          },
        );
        setExit(0);
        return;
      }
      // The reports folder of the config is checked too, before anything runs.
      if (!reportDir) checkOutputDir(defaultReportDir(o.loaded), 'review.reports');
      if (opts.json) {
        throw new UserError('E_OPTION', '--json needs --plan', {
          hint: 'the run writes report.json to the reports folder (--output); --plan --json prints the plan',
        });
      }
      const tasks = new TaskList(process.stderr);
      let result;
      try {
        result = await runReview({
          ...o,
          tasks,
          toolVersion: VERSION,
          author: opts.author ?? 'golive',
          asOf: parseAsOf(opts.asOf),
        });
      } finally {
        tasks.close();
      }
      // The verdict block ends the output: decision, blockers, reports and evidence, last.
      writeVerdict(result);
      setExit(result.review.decision === 'GO' ? 0 : 1);
    });
};

/** The reports folder a run writes when no --output is given (as runner/run.ts resolves it). */
function defaultReportDir(loaded: LoadedConfig): string {
  const r = loaded.config.review?.reports;
  return r ? resolveConfigPath(loaded, r) : '.golive/reports';
}

/** The options of a run (or its plan) from the flags: bad flags stop here (exit 2). */
function reviewOptions(
  opts: RunOpts,
  reportDir: string | undefined,
  store: string | undefined,
): PlanReviewOptions {
  if (opts.target !== undefined && opts.target !== 'embedded') {
    throw new UserError('E_OPTION', `--target "${opts.target}" is not "embedded"`, {
      hint: 'omit --target to use target of golive.yaml, or give --target embedded',
    });
  }
  if (opts.faults && opts.target !== 'embedded') {
    throw new UserError('E_OPTION', '--faults needs --target embedded', {
      hint: 'faults belong to the reference site; a real target has its own',
    });
  }
  const embedded = opts.target === 'embedded';
  const profile = parseProfileOption(opts.profile, embedded);
  parseAsOf(opts.asOf);
  const loaded = loadConfig(opts.config);
  const faults = (opts.faults ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return {
    loaded,
    ...(embedded
      ? {
          embedded: {
            faults: { scenarios: faults, load: faults, failover: faults },
            ...(profile ? { profile } : {}),
          },
          targetLabel: `embedded reference site${profile ? ` (${profile} profile)` : ''}${faults.length ? ` (faults: ${faults.join(', ')})` : ''}`,
        }
      : {}),
    ...(reportDir ? { reportDir: resolve(reportDir) } : {}),
    ...(store ? { evidence: store } : {}),
  };
}
