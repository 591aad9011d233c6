/**
 * One output convention for every command, parsed here and nowhere else (issue 13):
 *
 * - `--reporter <name[=FILE]>`, repeatable or comma-separated: `list` (the console text),
 *   `json`, `junit`, `markdown`, as the command offers them.
 * - `--json [FILE]`: the command's JSON document to stdout (instead of the text) or to FILE;
 *   `--junit [FILE]` likewise where results are checks.
 * - `--output DIR`: where reporters named without a FILE write (`golive-<command>.json`,
 *   `.xml`, `.md`, `.txt`); for `run` and `demo` the reports folder.
 * - `--store` for the evidence store, `--as-of` for the review instant.
 *
 * Output paths are checked before any work starts (issue 16 item 6). Old flags keep working for
 * one release and print one deprecation line on stderr naming the new flag.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { Option, type Command } from 'commander';
import { UserError } from '../core/index.js';
import {
  createReporter,
  describeDestination,
  isReporterName,
  multiplex,
  report,
  type CommandOutput,
  type Destination,
  type ReporterIo,
  type ReporterName,
} from '../report/reporter.js';

// ---- deprecations ----

/** Old flags seen on one command line, printed as one line on stderr. */
export class Deprecations {
  private readonly items: { old: string; use: string }[] = [];

  add(old: string, use: string): void {
    this.items.push({ old, use });
  }

  /** The one line, or undefined when no old flag was used. */
  line(): string | undefined {
    if (this.items.length === 0) return undefined;
    return `golive: ${this.items.map((i) => `${i.old} is deprecated; use ${i.use}`).join('. ')}`;
  }

  /** Print the line (at most once). */
  flush(write: (s: string) => void = (s) => void process.stderr.write(s)): void {
    const l = this.line();
    if (l) write(`${l}\n`);
    this.items.length = 0;
  }
}

// ---- output paths ----

function statOrUndefined(path: string, flag: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR')
      throw new UserError('E_OUTPUT', `${flag}: a part of the path is a file, not a folder`, {
        location: { file: path },
        hint: 'choose a path whose folders exist',
      });
    throw new UserError('E_OUTPUT', `${flag}: cannot use this path (${code ?? 'error'})`, {
      location: { file: path },
      hint: 'check the path and its permissions',
    });
  }
}

function assertWritable(path: string, flag: string, what: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    throw new UserError(
      'E_OUTPUT',
      `${flag}: ${what} is not writable (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        location: { file: path },
        hint: 'choose a folder you can write to, or fix its permissions',
      },
    );
  }
}

/**
 * A file golive will write: not an existing folder, in a folder that exists and is writable.
 * Throws E_OUTPUT (exit 2) naming the path and what to do.
 */
export function checkOutputFile(path: string, flag: string): void {
  const abs = resolve(path);
  const st = statOrUndefined(abs, flag);
  if (st?.isDirectory())
    throw new UserError('E_OUTPUT', `${flag}: this is a folder, not a file`, {
      location: { file: path },
      hint: `name a file in it (e.g. ${join(path, 'report.json')}), or give the folder to --output`,
    });
  const parent = dirname(abs);
  const pst = statOrUndefined(parent, flag);
  if (!pst)
    throw new UserError('E_OUTPUT', `${flag}: the folder ${parent} does not exist`, {
      location: { file: path },
      hint: `create it first (mkdir -p ${parent}) or choose another path`,
    });
  if (!pst.isDirectory())
    throw new UserError('E_OUTPUT', `${flag}: ${parent} is a file, not a folder`, {
      location: { file: path },
      hint: 'choose a path whose folders exist',
    });
  if (st) assertWritable(abs, flag, 'the file');
  else assertWritable(parent, flag, `the folder ${parent}`);
}

/**
 * A folder golive will write into (created when missing): not an existing file, and writable
 * (when missing: its nearest existing parent is a writable folder).
 */
export function checkOutputDir(dir: string, flag: string): void {
  const abs = resolve(dir);
  const st = statOrUndefined(abs, flag);
  if (st && !st.isDirectory())
    throw new UserError('E_OUTPUT', `${flag}: this is a file, not a folder`, {
      location: { file: dir },
      hint: 'give a folder (it is created when missing), or remove the file',
    });
  if (st) return assertWritable(abs, flag, 'the folder');
  let up = dirname(abs);
  for (;;) {
    const ust = statOrUndefined(up, flag);
    if (ust) {
      if (!ust.isDirectory())
        throw new UserError('E_OUTPUT', `${flag}: ${up} is a file, not a folder`, {
          location: { file: dir },
          hint: 'choose a folder path whose parents are folders',
        });
      return assertWritable(up, flag, `the folder ${up}`);
    }
    const next = dirname(up);
    if (next === up) return;
    up = next;
  }
}

/**
 * `lint -o/--output` once named a FILE and now names a DIR: an existing folder, or a path
 * ending in a slash, is a folder; anything else is the old FILE (deprecated).
 */
export function namesFolder(path: string): boolean {
  if (path.endsWith('/') || path.endsWith(sep)) return true;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

// ---- reporters ----

export interface OutputSpec {
  /** Names the default files: `golive-<command>.json` and so on. */
  command: string;
  /** The reporters this command offers; `list` is its console text. */
  reporters: readonly ReporterName[];
}

export interface OutputFlags {
  reporter?: string[];
  json?: string | boolean;
  junit?: string | boolean;
  output?: string;
}

/** A reporter asked for on the command line, with the flag that asked (for messages). */
export interface RequestedReporter {
  name: ReporterName;
  file?: string;
  flag: string;
}

export interface OutputTarget {
  name: ReporterName;
  to: Destination;
  flag: string;
}

const EXTENSION: Record<ReporterName, string> = {
  list: 'txt',
  json: 'json',
  junit: 'xml',
  markdown: 'md',
  html: 'html',
};

export function defaultFileName(command: string, name: ReporterName): string {
  return `golive-${command}.${EXTENSION[name]}`;
}

const collect = (v: string, all: string[] | undefined) => [...(all ?? []), v];

/**
 * `--json` and `--junit` take an optional FILE. On a command with arguments of its own
 * (`lint FILES`, `hl7 inspect FILES`), the word after a bare `--json` is taken as its FILE only
 * when it ends in `.json`, `.ndjson` or `.jsonl` (`--junit`: `.xml`) or names a folder (refused then, as a folder is
 * no file) on a command whose arguments are never folders; otherwise it stays the command's
 * argument, so `golive hl7 inspect --json a.hl7` inspects a.hl7. `--json=FILE` names any file.
 */
const OPTIONAL_FILE_EXT: Record<string, readonly string[]> = {
  '--json': ['.json', '.ndjson', '.jsonl'],
  '--junit': ['.xml'],
};

export interface ArgumentKinds {
  /** The command takes arguments of its own. */
  takesArguments: boolean;
  /** Its arguments may be folders (`lint`). */
  folders?: boolean;
}

function takenAsFile(word: string, exts: readonly string[], kinds: ArgumentKinds): boolean {
  if (exts.some((e) => word.toLowerCase().endsWith(e))) return true;
  if (kinds.folders) return false;
  return namesFolder(word);
}

export function rewriteOptionalValues(args: readonly string[], kinds: ArgumentKinds): string[] {
  if (!kinds.takesArguments) return [...args];
  const end = args.indexOf('--');
  const head = end === -1 ? args : args.slice(0, end);
  const tail = end === -1 ? [] : args.slice(end);
  const out: string[] = [];
  const bare: string[] = [];
  for (let i = 0; i < head.length; i++) {
    const a = head[i]!;
    const ext = OPTIONAL_FILE_EXT[a];
    const next = head[i + 1];
    if (ext === undefined || next === undefined || next.startsWith('-')) {
      out.push(a);
      continue;
    }
    if (takenAsFile(next, ext, kinds)) {
      out.push(`${a}=${next}`);
      i++;
    } else bare.push(a); // kept, after the arguments, where it cannot take one of them
  }
  return [...out, ...bare, ...tail];
}

/** Install the rule above on a command. */
function optionalFileRule(cmd: Command, folders: boolean): void {
  const parse = cmd.parseOptions.bind(cmd);
  cmd.parseOptions = (argv: string[]) =>
    parse(
      rewriteOptionalValues(argv, { takesArguments: cmd.registeredArguments.length > 0, folders }),
    );
}

export interface OutputOptionHelp {
  json?: string;
  junit?: string;
}

/** Add `--reporter`, `--json [FILE]`, `--junit [FILE]` (when offered) and `--output DIR`. */
export function addOutputOptions(
  cmd: Command,
  spec: OutputSpec,
  help: OutputOptionHelp & { output?: false | string; folderArguments?: boolean } = {},
): Command {
  cmd.option(
    '--reporter <name[=file]>',
    `${spec.reporters.join(', ')} (repeatable or comma-separated; =FILE writes to a file)`,
    collect,
  );
  cmd.option(
    '--json [file]',
    help.json ?? 'the JSON document, to stdout (instead of the text) or to FILE',
  );
  if (spec.reporters.includes('junit'))
    cmd.option('--junit [file]', help.junit ?? 'JUnit XML for CI, to stdout or to FILE');
  if (help.output !== false)
    cmd.option(
      '--output <dir>',
      help.output ??
        `folder for reporters given without FILE (${defaultFileName(spec.command, 'json')}, ...)`,
    );
  optionalFileRule(cmd, help.folderArguments === true);
  return cmd;
}

function parseReporterFlags(values: readonly string[] | undefined): RequestedReporter[] {
  const out: RequestedReporter[] = [];
  for (const v of values ?? []) {
    for (const item of v.split(',')) {
      const s = item.trim();
      if (s === '') continue;
      const eq = s.indexOf('=');
      const name = eq === -1 ? s : s.slice(0, eq);
      const file = eq === -1 ? undefined : s.slice(eq + 1);
      if (!isReporterName(name))
        throw new UserError('E_OPTION', `--reporter: "${name}" is not a reporter`, {
          hint: 'one of: list, json, junit, markdown, html (e.g. --reporter junit=results.xml)',
        });
      if (file === '')
        throw new UserError('E_OPTION', `--reporter: "${s}" names no file`, {
          hint: `write --reporter ${name}=FILE, or --reporter ${name} for stdout`,
        });
      out.push({ name, ...(file !== undefined ? { file } : {}), flag: `--reporter ${s}` });
    }
  }
  return out;
}

function flagFile(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Which reporters run and where they write, from the flags (plus `extra`: what old flags asked
 * for). Paths are checked here, before the command does any work.
 *
 * - A reporter given a FILE writes it; without one it writes `golive-<command>.<ext>` in
 *   `--output DIR` when given (the list reporter stays on stdout), else to stdout.
 * - When no reporter writes to stdout and `list` was not asked for, `list` prints the console
 *   text as before (unless `defaultList` is false: the old `lint -o FILE` printed nothing).
 * - Two reporters on stdout is an error (E_OPTION).
 */
export function resolveOutputs(
  flags: OutputFlags,
  spec: OutputSpec,
  extra: readonly RequestedReporter[] = [],
  opts: { defaultList?: boolean } = {},
): OutputTarget[] {
  const requested: RequestedReporter[] = [...parseReporterFlags(flags.reporter)];
  if (flags.json !== undefined && flags.json !== false) {
    const f = flagFile(flags.json);
    requested.push({ name: 'json', ...(f ? { file: f } : {}), flag: '--json' });
  }
  if (flags.junit !== undefined && flags.junit !== false) {
    const f = flagFile(flags.junit);
    requested.push({ name: 'junit', ...(f ? { file: f } : {}), flag: '--junit' });
  }
  requested.push(...extra);
  for (const r of requested)
    if (!spec.reporters.includes(r.name))
      throw new UserError('E_OPTION', `${r.flag}: golive ${spec.command} has no ${r.name} output`, {
        hint: `its reporters: ${spec.reporters.join(', ')}`,
      });
  const dir = flags.output;
  if (dir !== undefined) checkOutputDir(dir, '--output');
  const targets: OutputTarget[] = [];
  for (const r of requested) {
    const to: Destination =
      r.file !== undefined
        ? { kind: 'file', path: resolve(r.file) }
        : dir !== undefined && r.name !== 'list'
          ? { kind: 'file', path: resolve(dir, defaultFileName(spec.command, r.name)) }
          : { kind: 'stdout' };
    const same = targets.find(
      (t) => t.name === r.name && describeDestination(t.to) === describeDestination(to),
    );
    if (same) continue;
    const clash =
      to.kind === 'file' && targets.find((t) => t.to.kind === 'file' && t.to.path === to.path);
    if (clash)
      throw new UserError('E_OPTION', `${clash.flag} and ${r.flag} would write the same file`, {
        location: { file: describeDestination(to) },
        hint: 'give each reporter its own file',
      });
    targets.push({ name: r.name, to, flag: r.flag });
  }
  const onStdout = targets.filter((t) => t.to.kind === 'stdout');
  if (
    opts.defaultList !== false &&
    onStdout.length === 0 &&
    !targets.some((t) => t.name === 'list')
  )
    targets.unshift({ name: 'list', to: { kind: 'stdout' }, flag: '(default)' });
  if (onStdout.length > 1)
    throw new UserError(
      'E_OPTION',
      `${onStdout.map((t) => t.flag).join(' and ')} would all write to stdout`,
      {
        hint: `give all but one a FILE (e.g. --reporter ${onStdout[1]!.name}=${defaultFileName(spec.command, onStdout[1]!.name)}), or a folder with --output DIR`,
      },
    );
  // A file in an --output folder that does not exist yet: the folder was checked above.
  const dirMissing = dir !== undefined && !existsSync(dir);
  for (const t of targets)
    if (t.to.kind === 'file' && !(dirMissing && dirname(t.to.path) === resolve(dir)))
      checkOutputFile(t.to.path, t.flag);
  return targets;
}

/** Does the console text go to stdout (where a command may show live progress)? */
export function listOnStdout(targets: readonly OutputTarget[]): boolean {
  return targets.some((t) => t.name === 'list' && t.to.kind === 'stdout');
}

/** The destination of the one reporter of this name, if asked for. */
export function destinationOf(targets: readonly OutputTarget[], name: ReporterName): Destination[] {
  return targets.filter((t) => t.name === name).map((t) => t.to);
}

/**
 * Hand the command's output to its reporters: each writes its rendering to its destination
 * (folders of `--output` are created now, once the work is done).
 */
export async function emitOutputs(
  targets: readonly OutputTarget[],
  command: string,
  output: CommandOutput,
  opts: { startedAt?: string; io?: ReporterIo } = {},
): Promise<void> {
  for (const t of targets)
    if (t.to.kind === 'file') mkdirSync(dirname(t.to.path), { recursive: true });
  const reporter = multiplex(targets.map((t) => createReporter(t.name, t.to, opts.io)));
  await report(
    reporter,
    { command, startedAt: opts.startedAt ?? new Date().toISOString() },
    output,
  );
}

// ---- the evidence store, the review instant, the reports folder ----

/** An old flag kept for one release: accepted, hidden from help. */
export function deprecatedOption(flags: string, use: string): Option {
  return new Option(flags, `deprecated: use ${use}`).hideHelp();
}

/** `--as-of <date>`, with the old `--now` kept (hidden) for one release. */
export function addAsOfOption(cmd: Command, help: string): Command {
  return cmd
    .option('--as-of <date>', help)
    .addOption(new Option('--now <iso>', 'deprecated: use --as-of').hideHelp());
}

export function asOfFlag(
  o: { asOf?: string; now?: string },
  deprecations: Deprecations,
): string | undefined {
  if (o.now === undefined) return o.asOf;
  if (o.asOf !== undefined)
    throw new UserError('E_OPTION', '--now and --as-of both given', {
      hint: '--now is the old name of --as-of: give --as-of only',
    });
  deprecations.add('--now', '--as-of');
  return o.now;
}

/** `--store <store>`, with the old `--evidence` kept (hidden) for one release. */
export function addStoreOption(cmd: Command, help: string): Command {
  return cmd
    .option('--store <store>', help)
    .addOption(new Option('--evidence <store>', 'deprecated: use --store').hideHelp());
}

export function storeFlag(
  o: { store?: string; evidence?: string },
  deprecations: Deprecations,
): string | undefined {
  if (o.evidence === undefined) return o.store;
  if (o.store !== undefined)
    throw new UserError('E_OPTION', '--evidence and --store both given', {
      hint: '--evidence is the old name of --store: give --store only',
    });
  deprecations.add('--evidence', '--store');
  return o.evidence;
}

/** `--output <dir>` as the reports folder (run, demo), with the old `--out` kept (hidden). */
export function addReportsDirOption(cmd: Command, help: string): Command {
  return cmd
    .option('--output <dir>', help)
    .addOption(new Option('--out <dir>', 'deprecated: use --output').hideHelp());
}

/** The reports folder from `--output` (or the old `--out`), checked before any work. */
export function reportsDirFlag(
  o: { output?: string; out?: string },
  deprecations: Deprecations,
): string | undefined {
  let dir = o.output;
  if (o.out !== undefined) {
    if (o.output !== undefined)
      throw new UserError('E_OPTION', '--out and --output both given', {
        hint: '--out is the old name of --output: give --output only',
      });
    deprecations.add('--out', '--output');
    dir = o.out;
  }
  if (dir !== undefined) checkOutputDir(dir, o.out !== undefined ? '--out' : '--output');
  return dir;
}

/** `--json [FILE]` of a command whose JSON is not a check report: stdout or the file, checked. */
export function jsonDestination(
  json: string | boolean | undefined,
  flag = '--json',
): Destination | undefined {
  if (json === undefined || json === false) return undefined;
  const f = flagFile(json);
  if (!f) return { kind: 'stdout' };
  checkOutputFile(f, flag);
  return { kind: 'file', path: resolve(f) };
}
