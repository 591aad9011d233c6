/**
 * `golive lint`: semantic lint of captured HL7 v2 traffic (docs/lint.md).
 * Text output is grouped by rule + sender + field (`--detail`: finding by finding).
 * `--write-baseline FILE` records the kinds of findings of this run; `--baseline FILE` reports
 * only findings of kinds not in it (docs/lint.md#grouped-output-and-baselines).
 * Exit 0 no reported error-level finding, 1 any, 2 bad input, config or baseline.
 */
import { exitCodeOf } from '../../core/result.js';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { resolveHl7Inputs, type ReadProgress } from '../../inputs/hl7-files.js';
import {
  baselineOf,
  formatBaseline,
  formatGroups,
  formatJunit,
  formatText,
  lintInputs,
  loadLintConfig,
  parseBaseline,
  parseLintConfig,
  toJsonReport,
  type Baseline,
  type LintConfig,
} from '../../lint/index.js';
import type { RegisterCommand } from '../command-types.js';
import { useColour } from '../../report/terminal.js';

interface LintOpts {
  config?: string;
  format: string;
  output?: string;
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

/** --now, else GOLIVE_NOW, else the clock. */
export function parseNow(flag: string | undefined): number {
  const v = flag ?? process.env.GOLIVE_NOW;
  if (!v) return Date.now();
  const ms = Date.parse(v);
  if (Number.isNaN(ms))
    throw new UserError('E_OPTION', `--now: "${v}" is not an ISO date or date-time`, {
      hint: 'e.g. --now 2026-02-27T09:00:00Z',
    });
  return ms;
}

const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;

/** Progress on stderr: a rewritten line on a terminal, a line every 5 s otherwise. */
function progressPrinter(enabled: boolean): {
  update: (p: ReadProgress) => void;
  done: () => void;
} {
  const start = Date.now();
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  const update = (p: ReadProgress) => {
    if (!enabled || p.bytesRead < PROGRESS_MIN_BYTES) return;
    const now = Date.now();
    if (now - last < (tty ? 250 : 5000)) return;
    last = now;
    const secs = Math.max(0.001, (now - start) / 1000);
    const mb = p.bytesRead / 1048576;
    let line = `lint: ${mb.toFixed(0)} MB`;
    if (p.totalBytes) line += ` of ${(p.totalBytes / 1048576).toFixed(0)} MB`;
    line += `, ${Math.round(p.messages / secs)} msg/s, ${(mb / secs).toFixed(1)} MB/s`;
    if (p.totalBytes && p.bytesRead > 0)
      line += `, ETA ${Math.max(0, Math.round(((p.totalBytes - p.bytesRead) / p.bytesRead) * secs))} s`;
    process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    shown = true;
  };
  return { update, done: () => shown && tty && process.stderr.write('\r\u001b[K') && undefined };
}

export const register: RegisterCommand = (program: Command, setExit) => {
  program
    .command('lint')
    .description(
      'Semantic lint of captured HL7 v2 traffic: identity, units, flags, time, updates, structure',
    )
    .argument('<inputs...>', 'files, folders, globs (quoted) or - for stdin')
    .option(
      '-c, --config <file>',
      'lint config YAML (rules, site facts, limits): docs/lint.md#configuration',
    )
    .option('-f, --format <format>', 'text, json or junit', 'text')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--now <iso>', 'instant for future-time checks (default GOLIVE_NOW or the clock)')
    .option(
      '--time-zone <zone>',
      'IANA zone of senders that omit offsets (overrides site.timeZone)',
    )
    .option('--no-progress', 'no progress on stderr')
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
      if (!['text', 'json', 'junit'].includes(o.format))
        throw new UserError('E_OPTION', `--format: "${o.format}" is not text, json or junit`, {
          hint: 'e.g. --format json',
        });
      let config: LintConfig = o.config ? loadLintConfig(o.config) : parseLintConfig({});
      if (o.timeZone) config = { ...config, site: { ...config.site, timeZone: o.timeZone } };
      const nowMs = parseNow(o.now);
      resolveHl7Inputs(inputs); // bad paths fail (exit 2) before anything is read
      const baseline = o.baseline ? readBaseline(o.baseline) : undefined;
      const progress = progressPrinter(o.progress);
      const result = await lintInputs(inputs, {
        config,
        nowMs,
        baseline,
        onProgress: progress.update,
      });
      progress.done();
      const written = o.writeBaseline ? baselineOf(result, inputs) : undefined;
      if (o.writeBaseline && written) writeBaseline(o.writeBaseline, formatBaseline(written));
      const colour = o.color ?? (!o.output && useColour());
      const out =
        o.format === 'json'
          ? `${JSON.stringify(toJsonReport(result, inputs), null, 2)}\n`
          : o.format === 'junit'
            ? formatJunit(result)
            : o.detail
              ? formatText(result, { colour })
              : formatGroups(result, { colour });
      if (o.output) writeFileSync(o.output, out);
      else process.stdout.write(out);
      if (o.writeBaseline && written)
        process.stderr.write(
          `baseline written to ${o.writeBaseline}: ${written.entries.length} kind(s) of finding\n`,
        );
      setExit(exitCodeOf([result.summary.findings.error > 0 ? 'fail' : 'pass']));
    });
};
