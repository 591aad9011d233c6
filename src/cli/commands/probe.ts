/**
 * `golive probe`: what the target supports, before any scenario runs. Reachability of MLLP and
 * FHIR, the CapabilityStatement, one harmless search per lookup strategy of target.lookups
 * (applied, ignored or refused), and which scenarios in scope can be exercised on this target.
 * Sends no clinical message and writes nothing. Exit 0 probed, 3 unreachable, 2 bad input.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../../core/index.js';
import { defaultConfig, loadConfigFile, resolveConfigPath } from '../../config/index.js';
import {
  probeCapabilities,
  probeTarget,
  renderProbe,
  selectScenarios,
  templateStoreFor,
} from '../../scenarios/index.js';
import { targetsFor } from '../../runner/targets.js';
import { PROFILE_HELP, parseProfileOption } from '../profile-option.js';
import type { RegisterCommand } from '../command-types.js';
import {
  addOutputOptions,
  emitOutputs,
  resolveOutputs,
  type OutputFlags,
  type OutputSpec,
} from '../output-options.js';

const OUTPUT: OutputSpec = { command: 'probe', reporters: ['list', 'json'] };

interface ProbeOpts extends OutputFlags {
  config?: string;
  target?: string;
  profile?: string;
}

export const register: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('probe')
    .description(
      'Discover what the target supports (CapabilityStatement, the searches golive needs, which scenarios can run there); sends no clinical data',
    )
    .option('--config <file>', 'site configuration (default: ./golive.yaml when present)')
    .option('--target <target>', '"embedded" probes the reference site started in-process')
    .option('--profile <name>', PROFILE_HELP);
  addOutputOptions(cmd, OUTPUT, {
    json: 'the probe result as JSON, to stdout (instead of the text) or to FILE',
  });
  cmd.action(async (opts: ProbeOpts) => {
    const outputs = resolveOutputs(opts, OUTPUT);
    if (opts.target !== undefined && opts.target !== 'embedded')
      throw new UserError('E_OPTION', `--target "${opts.target}" is not "embedded"`, {
        hint: 'omit --target to probe the target of golive.yaml',
      });
    const embedded = opts.target === 'embedded';
    const profile = parseProfileOption(opts.profile, embedded);
    // --config, else ./golive.yaml when present (as its help says), else the defaults.
    const file = opts.config ?? (existsSync('golive.yaml') ? 'golive.yaml' : undefined);
    const loaded = file
      ? loadConfigFile(file)
      : { config: defaultConfig(), baseDir: process.cwd() };
    const c = loaded.config;
    const scenarios = selectScenarios([], {
      include: c.scenarios.include,
      exclude: c.scenarios.exclude,
      files: (c.scenarios.files ?? []).map((f) => resolveConfigPath(loaded, f)),
      loadOptions: { templates: templateStoreFor(loaded) },
    });
    const targets = targetsFor(
      loaded,
      embedded
        ? {
            embedded: {
              faults: { scenarios: [], load: [], failover: [] },
              ...(profile ? { profile } : {}),
            },
          }
        : {},
    );
    // Probing writes nothing: the embedded site needs no data file.
    const w = await targets.workflow({ dataFile: false });
    try {
      const target = w.target();
      const problem = await probeTarget(target);
      if (problem) {
        process.stderr.write(`golive probe: the target cannot be reached: ${problem}\n`);
        setExit(3);
        return;
      }
      const r = await probeCapabilities({ config: w.config, client: target.fhir, scenarios });
      await emitOutputs(outputs, 'probe', {
        text: () => `${target.name}\n${renderProbe(r)}\n`,
        json: () => r,
      });
      setExit(r.outcome === 'error' ? 3 : 0);
    } finally {
      await w.stop();
    }
  });
};
