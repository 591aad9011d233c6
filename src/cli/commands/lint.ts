/**
 * `golive lint`: semantic lint of captured HL7 v2 traffic (docs/lint.md).
 * Text output is grouped by rule + sender + field (`--detail`: finding by finding).
 * `--write-baseline FILE` records the kinds of findings of this run; `--baseline FILE` reports
 * only findings of kinds not in it (docs/lint.md#grouped-output-and-baselines).
 * Exit 0 no reported error-level finding, 1 any, 2 bad input, config or baseline.
 */
import { exitCodeOf } from '../../core/index.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { UserError } from '../../core/index.js';
import { resolveHl7Inputs } from '../../inputs/index.js';
import { LintProgress } from '../lint-progress.js';
import {
  baselineOf,
  formatBaseline,
  formatGroups,
  formatText,
  lintJunit,
  lintInputs,
  loadLintConfig,
  parseBaseline,
  parseLintConfig,
  toJsonReport,
  type Baseline,
  type LintConfig,
} from '../../lint/index.js';
import type { RegisterCommand } from '../command-types.js';
import {
  addAsOfOption,
  addOutputOptions,
  asOfFlag,
  checkOutputFile,
  Deprecations,
  emitOutputs,
  namesFolder,
  resolveOutputs,
  type OutputSpec,
  type OutputTarget,
  type RequestedReporter,
} from '../output-options.js';
import { useColour } from '../../report/terminal.js';

interface LintOpts {
  config?: string;
  format?: string;
  output?: string;
  reporter?: string[];
  json?: string | boolean;
  junit?: string | boolean;
  asOf?: string;
  now?: string;
  timeZone?: string;
  progress: boolean;
  color?: boolean;
  detail?: boolean;
  baseline?: string;
  writeBaseline?: string;
}

/** Read and check a baseline before any input is read (a bad one is exit 2, nothing linted). */
function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError('E_BASELINE', `cannot read the baseline (${code ?? 'error'})`, {
      location: { file },
      hint: 'write one first: golive lint <inputs> --write-baseline FILE',
    });
  }
  return parseBaseline(text, file);
}

function writeBaseline(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError('E_BASELINE', `cannot write the baseline (${code ?? 'error'})`, {
      location: { file },
      hint: 'check that the directory exists and is writable',
    });
  }
}

/** --as-of (or the old --now), else GOLIVE_NOW, else the clock. */
export function parseNow(flag: string | undefined): number {
  const v = flag ?? process.env.GOLIVE_NOW;
  if (!v) return Date.now();
  const ms = Date.parse(v);
  if (Number.isNaN(ms))
    throw new UserError('E_OPTION', `--as-of: "${v}" is not an ISO date or date-time`, {
      hint: 'e.g. --as-of 2026-02-27T09:00:00Z',
    });
  return ms;
}

const OUTPUT: OutputSpec = { command: 'lint', reporters: ['list', 'json', 'junit'] };
const FORMATS: Record<string, RequestedReporter['name']> = {
  text: 'list',
  json: 'json',
  junit: 'junit',
};

/**
 * The reporters of a lint run. The old `-f/--format` and `-o/--output FILE` keep working for one
 * release (one deprecation line); `-o` given an existing folder, or a path ending in `/`, is the
 * new `--output DIR`.
 */
function lintOutputs(o: LintOpts, deprecations: Deprecations): OutputTarget[] {
  if (o.format !== undefined && !(o.format in FORMATS))
    throw new UserError('E_OPTION', `--format: "${o.format}" is not text, json or junit`, {
      hint: 'use --json or --junit (or --reporter list|json|junit); --format is deprecated',
    });
  const dir = o.output !== undefined && namesFolder(o.output) ? o.output : undefined;
  const file = o.output !== undefined && dir === undefined ? o.output : undefined;
  const legacy: RequestedReporter[] = [];
  if (o.format !== undefined || file !== undefined) {
    const name = FORMATS[o.format ?? 'text']!;
    legacy.push({ name, ...(file !== undefined ? { file } : {}), flag: file ? '-o' : '--format' });
    const old = [o.format !== undefined ? `--format ${o.format}` : '', file ? `-o ${file}` : '']
      .filter(Boolean)
      .join(' ');
    const use =
      name === 'list'
        ? file
          ? `--reporter list=${file} (-o DIR is a folder now)`
          : '--reporter list (the default)'
        : file
          ? `--${name} ${file} (or --reporter ${name}=${file})`
          : `--${name} (or --reporter ${name})`;
    deprecations.add(old, use);
  }
  const flags = {
    ...(o.reporter ? { reporter: o.reporter } : {}),
    ...(o.json !== undefined ? { json: o.json } : {}),
    ...(o.junit !== undefined ? { junit: o.junit } : {}),
    ...(dir !== undefined ? { output: dir } : {}),
  };
  // The old -o FILE wrote the report there and nothing to stdout.
  return resolveOutputs(flags, OUTPUT, legacy, { defaultList: file === undefined });
}

export const register: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('lint')
    .description(
      'Semantic lint of captured HL7 v2 traffic: identity, units, flags, time, updates, structure',
    )
    .argument('<inputs...>', 'files, folders, globs (quoted) or - for stdin')
    .option(
      '-c, --config <file>',
      'lint config YAML (rules, site facts, limits): docs/lint.md#configuration',
    )
    .addOption(new Option('-f, --format <format>', 'deprecated: use --json or --junit').hideHelp())
    .option(
      '-o, --output <dir>',
      'folder for reports given without FILE (golive-lint.json, golive-lint.xml); an existing folder or a path ending in /; any other path is the old -o FILE (deprecated)',
    );
  addOutputOptions(cmd, OUTPUT, { output: false, folderArguments: true });
  addAsOfOption(cmd, 'instant for future-time checks (default: $GOLIVE_NOW, else the clock)');
  cmd
    .option(
      '--time-zone <zone>',
      'IANA zone of senders that omit offsets (overrides site.timeZone)',
    )
    .option('--no-progress', 'no progress line on stderr (shown on a terminal only)')
    .option('--color', 'colour text output even when not a terminal')
    .option('--detail', 'text output finding by finding instead of grouped by sender and field')
    .option(
      '--baseline <file>',
      'report only findings of kinds not in this baseline (and say how many it suppressed)',
    )
    .option(
      '--write-baseline <file>',
      "record this run's kinds of findings (rule, sender, field, value) as a baseline",
    )
    .action(async (inputs: string[], o: LintOpts) => {
      const deprecations = new Deprecations();
      const targets = lintOutputs(o, deprecations);
      const asOf = asOfFlag(o, deprecations);
      if (o.writeBaseline) checkOutputFile(o.writeBaseline, '--write-baseline');
      deprecations.flush();
      let config: LintConfig = o.config ? loadLintConfig(o.config) : parseLintConfig({});
      if (o.timeZone) config = { ...config, site: { ...config.site, timeZone: o.timeZone } };
      const nowMs = parseNow(asOf);
      resolveHl7Inputs(inputs); // bad paths fail (exit 2) before anything is read
      const baseline = o.baseline ? readBaseline(o.baseline) : undefined;
      const progress = new LintProgress(process.stderr, { enabled: o.progress });
      let result: Awaited<ReturnType<typeof lintInputs>>;
      try {
        result = await lintInputs(inputs, {
          config,
          nowMs,
          baseline,
          onProgress: progress.update,
        });
      } finally {
        progress.done();
      }
      const written = o.writeBaseline ? baselineOf(result, inputs) : undefined;
      if (o.writeBaseline && written) writeBaseline(o.writeBaseline, formatBaseline(written));
      await emitOutputs(targets, 'lint', {
        text: (to) => {
          const colour = o.color ?? (to.kind === 'stdout' && useColour());
          return o.detail ? formatText(result, { colour }) : formatGroups(result, { colour });
        },
        json: () => toJsonReport(result, inputs),
        junit: () => lintJunit(result),
      });
      if (o.writeBaseline && written)
        process.stderr.write(
          `baseline written to ${o.writeBaseline}: ${written.entries.length} kind(s) of finding\n`,
        );
      setExit(exitCodeOf([result.summary.findings.error > 0 ? 'fail' : 'pass']));
    });
};
