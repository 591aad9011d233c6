import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { UserError } from '../../core/index.js';
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
import { createProgress, formatScenarioList } from '../../scenarios/index.js';
import { colourFor, useColour } from '../../report/terminal.js';
import type { RunEvent } from '../../scenarios/index.js';
import { scenarioRunJson, scenarioRunJunit } from '../../report/reporter-documents.js';
import { targetsFor } from '../../runner/targets.js';
import { PROFILE_HELP, parseProfileOption } from '../profile-option.js';
import type { RegisterCommand } from '../command-types.js';
import { positiveInt } from '../options.js';
import {
  addOutputOptions,
  emitOutputs,
  listOnStdout,
  resolveOutputs,
  type OutputFlags,
  type OutputSpec,
} from '../output-options.js';

const LIST_OUTPUT: OutputSpec = { command: 'scenarios', reporters: ['list', 'json'] };
const RUN_OUTPUT: OutputSpec = { command: 'scenarios', reporters: ['list', 'json', 'junit'] };

interface RunOpts extends OutputFlags {
  config?: string;
  target?: string;
  faults?: string;
  profile?: string;
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

/** The console text of a finished run, without colour or live status lines. */
function replay(events: readonly RunEvent[], verbose: boolean | undefined): string {
  let text = '';
  const p = createProgress({ write: (s) => (text += s), color: false, live: false, verbose });
  for (const e of events) p(e);
  return text;
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

  const list = cmd.command('list').description('List the built-in scenarios (one line each)');
  addOutputOptions(list, LIST_OUTPUT, { json: 'the list as JSON, to stdout or to FILE' });
  list.action(async (opts: OutputFlags) => {
    const targets = resolveOutputs(opts, LIST_OUTPUT);
    const rows = listScenarios(loadBuiltinScenarios());
    await emitOutputs(targets, 'scenarios list', {
      json: () => rows.map(({ file: _f, ...r }) => r),
      text: () => formatScenarioList(rows),
    });
  });

  const run = cmd
    .command('run')
    .description(
      'Run scenarios against the target; exit 0 all pass, 1 any fail, 2 bad input, 3 unreachable',
    )
    .argument(
      '[scenarios...]',
      'scenario ids, globs (order.*) or YAML files (default: those in scope in the config)',
    )
    .option('--config <file>', 'site configuration (default: ./golive.yaml when present)')
    .addOption(
      new Option(
        '--target <target>',
        'embedded (start the reference site in-process) or config (the target of the config)',
      ).default('config', 'config'),
    )
    .option('--faults <a,b>', 'reference-site faults to switch on (with --target embedded)')
    .option('--profile <name>', PROFILE_HELP)
    .option(
      '--concurrency <n>',
      'scenarios run at once (default: scenarios.concurrency of the config, else 4)',
    )
    .option('--verbose', 'print every step as it ends')
    .option('--attended', 'ask a person at the terminal to confirm manual steps');
  addOutputOptions(run, RUN_OUTPUT, {
    json: 'the results (steps, exchanges) as JSON, to stdout (instead of the progress) or to FILE',
    junit: 'JUnit XML for CI, to stdout or to FILE',
  });
  run.action(async (ids: string[], opts: RunOpts) => {
    // Output paths first: a bad one must stop before any scenario runs (exit 2).
    const outputs = resolveOutputs(opts, RUN_OUTPUT);
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
    // The progress is the console text: on stdout when the list reporter is there, else on
    // stderr (stdout then carries the JSON or JUnit document).
    const out = listOnStdout(outputs) ? process.stdout : process.stderr;
    const events: RunEvent[] = [];
    const progress = createProgress({
      out,
      color: out === process.stdout ? useColour() : colourFor(process.stderr),
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
          events.push(e);
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
    const results = result.results;
    await emitOutputs(
      outputs,
      'scenarios run',
      {
        results,
        // On stdout the progress already printed it; a file gets the same lines, plain.
        text: (to) => (to.kind === 'stdout' ? '' : replay(events, opts.verbose)),
        json: () => scenarioRunJson(results, meta),
        junit: () => scenarioRunJunit(results, meta),
      },
      { startedAt },
    );
    if (result.unreachable && result.exitCode === 3) {
      process.stderr.write(
        'golive: the target could not be reached: results are inconclusive (exit 3)\n',
      );
    }
    setExit(result.exitCode);
  });
};
