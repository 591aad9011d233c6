import { existsSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import {
  defaultConfig,
  loadConfigFile,
  resolveConfigPath,
  type LoadedConfig,
} from '../../config/index.js';
import {
  listScenarios,
  loadBuiltinScenarios,
  runScenarios,
  selectScenarios,
  templateStoreFor,
  type ManualPrompt,
} from '../../scenarios/index.js';
import { createProgress, formatScenarioList } from '../../scenarios/progress.js';
import { useColour } from '../../report/terminal.js';
import { buildJson, buildJunit } from '../../scenarios/output.js';
import { targetsFor } from '../../runner/targets.js';
import { PROFILE_HELP, parseProfileOption } from '../profile-option.js';
import type { RegisterCommand } from '../command-types.js';
import { positiveInt } from '../options.js';

interface RunOpts {
  config?: string;
  target?: string;
  faults?: string;
  profile?: string;
  json?: string;
  junit?: string;
  concurrency?: string;
  verbose?: boolean;
  attended?: boolean;
}

/** golive.yaml from --config, else ./golive.yaml when present, else the defaults. */
function loadConfig(file: string | undefined): LoadedConfig {
  if (file) return loadConfigFile(file);
  if (existsSync('golive.yaml')) return loadConfigFile('golive.yaml');
  return { config: defaultConfig(), baseDir: process.cwd() };
}

/** Ask a person at the terminal to confirm a manual step. */
const askAtTerminal: ManualPrompt = async (p) => {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    process.stdout.write(`\n[${p.scenario}] ${p.step}\n  ${p.prompt}\n`);
    const yes = (await rl.question('  Confirmed? (y/n) ')).trim().toLowerCase().startsWith('y');
    const by = (await rl.question('  Your name: ')).trim() || 'unknown';
    const role = (await rl.question('  Your role: ')).trim() || 'unknown';
    return { confirmed: yes, by, role };
  } finally {
    rl.close();
  }
};

export const register: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('scenarios')
    .description('Clinical workflow scenarios over HL7 v2 (MLLP) and FHIR R4');

  cmd
    .command('list')
    .description('List the built-in scenarios (one line each)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = listScenarios(loadBuiltinScenarios());
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(
            rows.map(({ file: _f, ...r }) => r),
            null,
            2,
          )}\n`,
        );
        return;
      }
      process.stdout.write(formatScenarioList(rows));
    });

  cmd
    .command('run')
    .description(
      'Run scenarios against the target; exit 0 all pass, 1 any fail, 2 bad input, 3 unreachable',
    )
    .argument(
      '[scenarios...]',
      'scenario ids, globs (order.*) or YAML files; default: those in scope in the config',
    )
    .option('--config <file>', 'site configuration (default ./golive.yaml when present)')
    .option(
      '--target <target>',
      'embedded (start the reference site in-process) or config',
      'config',
    )
    .option('--faults <a,b>', 'reference-site faults to switch on (with --target embedded)')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json <file>', 'write the results (steps, exchanges) as JSON')
    .option('--junit <file>', 'write JUnit XML for CI')
    .option('--concurrency <n>', 'scenarios run at once (default from the config, 4)')
    .option('--verbose', 'print every step as it ends')
    .option('--attended', 'ask a person at the terminal to confirm manual steps')
    .action(async (ids: string[], opts: RunOpts) => {
      const loaded = loadConfig(opts.config);
      const config = loaded.config;
      if (opts.target !== 'embedded' && opts.target !== 'config') {
        throw new UserError('E_OPTION', `--target "${opts.target}" is not embedded or config`, {
          hint: 'use --target embedded for the reference site, or name the endpoints in golive.yaml',
        });
      }
      if (opts.faults && opts.target !== 'embedded') {
        throw new UserError('E_OPTION', '--faults needs --target embedded', {
          hint: 'faults belong to the reference site; a real target has its own',
        });
      }
      const concurrency = opts.concurrency
        ? positiveInt(opts.concurrency, '--concurrency', '4')
        : config.scenarios.concurrency;
      if (concurrency < 1) throw new UserError('E_OPTION', '--concurrency must be at least 1');
      const templates = templateStoreFor(loaded);
      const scenarios = selectScenarios(ids, {
        include: config.scenarios.include,
        exclude: config.scenarios.exclude,
        files: (config.scenarios.files ?? []).map((f) => resolveConfigPath(loaded, f)),
        loadOptions: { templates },
      });
      if (scenarios.length === 0) {
        throw new UserError('E_SCENARIO_NONE', 'no scenario is in scope', {
          hint: 'check scenarios.include/exclude in golive.yaml, or name scenarios on the command line',
        });
      }
      const profile = parseProfileOption(opts.profile, opts.target === 'embedded');
      const faults = (opts.faults ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean);
      const attended = opts.attended && process.stdin.isTTY;
      const startedAt = new Date().toISOString();
      let targetName = '';
      const progress = createProgress({
        out: process.stdout,
        color: useColour(),
        // A person answering prompts on this terminal: no status line redrawn under the answers.
        ...(attended ? { live: false } : {}),
        verbose: opts.verbose,
      });
      const runConfig = attended
        ? { ...config, scenarios: { ...config.scenarios, unattended: false } }
        : config;
      const embedded = opts.target === 'embedded';
      const targets = targetsFor(
        { ...loaded, config: runConfig },
        embedded
          ? {
              embedded: {
                faults: { scenarios: faults, load: [], failover: [] },
                ...(profile ? { profile } : {}),
              },
            }
          : {},
      );
      const w = await targets.workflow();
      let result;
      try {
        result = await runScenarios({
          config: w.config,
          scenarios,
          target: w.target(),
          ...(w.capture ? { capture: w.capture } : {}),
          concurrency,
          templates,
          manual: attended ? askAtTerminal : undefined,
          onEvent: (e) => {
            if (e.type === 'run-begin') targetName = e.target;
            progress(e);
          },
        });
      } finally {
        progress.close();
        await w.stop();
      }
      const meta = {
        target: targetName,
        startedAt,
        durationMs: result.durationMs,
        exitCode: result.exitCode,
      };
      if (opts.json)
        writeFileSync(opts.json, `${JSON.stringify(buildJson(result.results, meta), null, 2)}\n`);
      if (opts.junit) writeFileSync(opts.junit, buildJunit(result.results, meta));
      if (result.unreachable && result.exitCode === 3) {
        process.stderr.write(
          'golive: the target could not be reached: results are inconclusive (exit 3)\n',
        );
      }
      setExit(result.exitCode);
    });
};
