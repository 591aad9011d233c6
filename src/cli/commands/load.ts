import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfigFile } from '../../config/index.js';
import { loadYamlFile } from '../../inputs/index.js';
import { UserError } from '../../core/index.js';
import type { CheckResult } from '../../core/index.js';
import {
  BUILTIN_PROFILES,
  LiveView,
  loadBuiltinProfile,
  loadProfileFile,
  measuredSizesOf,
  projectStorage,
  renderSummary,
  runLoadProfile,
  storageDeclarationSchema,
  storageFromConfig,
  type LoadedProfile,
} from '../../load/index.js';
import { targetsFor } from '../../runner/targets.js';
import { loadJunit } from '../../report/reporter-documents.js';
import { PROFILE_HELP, parseProfileOption } from '../profile-option.js';
import type { RegisterCommand } from '../command-types.js';
import {
  addOutputOptions,
  emitOutputs,
  resolveOutputs,
  type OutputFlags,
  type OutputSpec,
} from '../output-options.js';

const OUTPUT: OutputSpec = { command: 'load', reporters: ['list', 'json', 'junit'] };

interface LoadOptions extends OutputFlags {
  config?: string;
  target?: string;
  faults?: string;
  profile?: string;
  storage?: string;
}

function readProfile(arg: string): LoadedProfile {
  if (!existsSync(arg) && (BUILTIN_PROFILES as readonly string[]).includes(arg)) {
    return loadBuiltinProfile(arg);
  }
  return loadProfileFile(arg);
}

export const register: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('load')
    .description(
      'Run a load profile (analyzer bursts, ADT waves, FHIR readers, failover) and check its thresholds',
    )
    .argument(
      '<profile>',
      `load profile YAML, or a built-in profile: ${BUILTIN_PROFILES.join(', ')}`,
    )
    .option('--config <file>', 'golive.yaml: target, capture listener, control hooks, storage')
    .option('--target <target>', '"embedded" starts the reference site in-process')
    .option('--faults <list>', 'site faults for --target embedded (comma-separated)')
    .option('--profile <name>', PROFILE_HELP)
    .option('--storage <file>', 'storage declaration YAML (else load.storage of golive.yaml)');
  addOutputOptions(cmd, OUTPUT, {
    json: 'the check results as JSON, to stdout (instead of the summary) or to FILE',
    junit: 'thresholds as JUnit XML, to stdout or to FILE',
  });
  cmd.action(async (profileArg: string, opts: LoadOptions) => {
    // Output paths first: a bad one must stop before any load is generated (exit 2).
    const targetsOut = resolveOutputs(opts, OUTPUT);
    const lp = readProfile(profileArg);
    // Read the storage declaration early: bad input must stop before any load is generated.
    if (opts.storage) loadYamlFile(opts.storage, storageDeclarationSchema);
    const cfg = opts.config ? loadConfigFile(opts.config) : undefined;
    const storage = cfg && !opts.storage ? storageFromConfig(cfg) : undefined;
    if (opts.target !== undefined && opts.target !== 'embedded') {
      throw new UserError('E_LOAD_TARGET', `unknown target "${opts.target}"`, {
        hint: 'use --target embedded, or describe the target in golive.yaml (--config)',
      });
    }
    if (opts.faults && opts.target !== 'embedded') {
      throw new UserError('E_LOAD_TARGET', '--faults applies to --target embedded only', {
        hint: 'add --target embedded',
      });
    }
    const faults = (opts.faults ?? '').split(/[,\s]+/).filter(Boolean);
    const profile = parseProfileOption(opts.profile, opts.target === 'embedded');
    const targets = targetsFor(
      cfg,
      opts.target === 'embedded'
        ? {
            embedded: {
              faults: { scenarios: [], load: faults, failover: faults },
              ...(profile ? { profile } : {}),
            },
          }
        : {},
    );
    const { target, site, stop } = await targets.load(
      lp,
      lp.profile.failover ? 'failover' : 'load',
    );
    if (site) {
      process.stderr.write(
        `embedded site: mllp ${site.mllp.host}:${site.mllp.port}, fhir ${site.fhirBase}${faults.length ? `, faults ${faults.join(',')}` : ''}\n`,
      );
    }
    const view = new LiveView(process.stderr, { profile: lp.profile });
    let results: CheckResult[];
    try {
      results = await runLoadProfile({ profile: lp, target, onProgress: (p) => view.update(p) });
    } finally {
      view.end();
      await stop();
    }
    const storageFile = opts.storage
      ? loadYamlFile(opts.storage, storageDeclarationSchema).value
      : undefined;
    if (storageFile) results.push(projectStorage(storageFile, measuredSizesOf(results[0]!)));
    else if (storage) results.push(projectStorage(storage, measuredSizesOf(results[0]!)));
    await emitOutputs(targetsOut, 'load', {
      results,
      text: () => `${renderSummary(results)}\n`,
      json: () => results,
      junit: () => loadJunit(results),
    });
    // 0 thresholds met; 1 not met; an inconclusive run (tool or connection failed) is 3.
    const outcomes = results.map((r) => r.outcome);
    setExit(outcomes.includes('fail') ? 1 : outcomes.includes('error') ? 3 : 0);
  });
};
