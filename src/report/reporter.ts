/**
 * The reporter pipeline every check command renders through (issue 13, Playwright's reporter
 * shape): a `Reporter` has optional hooks called as the command works (`onBegin`, `onResult`)
 * and `onEnd`, which receives the command's output and writes it. `multiplex` fans one stream
 * of calls out to several reporters and waits for all of them.
 *
 * A command does not write its own files: it says what it produced (`CommandOutput`: its
 * console text, its JSON document, its JUnit suites, its Markdown) and the built-in reporters
 * `list`, `json`, `junit` and `markdown` each take the rendering they stand for and write it to
 * their destination, standard output or a file. Which reporters run, and where they write, is
 * decided from the command line in one place (src/cli/output-options.ts).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import type { CheckResult } from '../core/index.js';
import { renderJunitXml, type JunitSuite } from './junit-xml.js';

/** The built-in reporters. */
export const REPORTER_NAMES = ['list', 'json', 'junit', 'markdown', 'html'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];

export function isReporterName(v: string): v is ReporterName {
  return (REPORTER_NAMES as readonly string[]).includes(v);
}

/** Where a reporter writes: the process's standard output, or a file (written whole, then renamed). */
export type Destination = { kind: 'stdout' } | { kind: 'file'; path: string };

export const STDOUT: Destination = { kind: 'stdout' };

export function describeDestination(d: Destination): string {
  return d.kind === 'stdout' ? 'stdout' : d.path;
}

/** What `onBegin` is told: which command runs, and when it started. */
export interface BeginInfo {
  command: string;
  startedAt: string;
}

/** A JUnit document: its root name and suites, rendered by the one writer (junit-xml.ts). */
export interface JunitDocument {
  name: string;
  suites: JunitSuite[];
}

/**
 * Everything a command produced, each rendering built only when a reporter asks for it.
 * A command offers the renderings it has; a reporter asked for one that is missing is a bug
 * of the command (the CLI only offers reporters a command declares).
 */
export interface CommandOutput {
  /** The check results, when the command's results are checks. */
  results?: readonly CheckResult[];
  /** The console text (the `list` reporter); `to` tells whether it goes to a terminal. */
  text?: (to: Destination) => string;
  /** The command's JSON document (the `json` reporter prints it pretty, one trailing newline). */
  json?: () => unknown;
  junit?: () => JunitDocument;
  markdown?: () => string;
  /** A self-contained HTML page (the review report of `run` and `demo`). */
  html?: () => string;
}

export interface Reporter {
  readonly name: string;
  onBegin?(info: BeginInfo): void | Promise<void>;
  onResult?(result: CheckResult): void | Promise<void>;
  onEnd(output: CommandOutput): Promise<void>;
}

/** How reporters reach standard output (injected in tests). */
export interface ReporterIo {
  stdout: (text: string) => void;
}

const processIo: ReporterIo = { stdout: (s) => void process.stdout.write(s) };

/** Write `text` to a file under a temporary name, then rename it: no reader sees half of it. */
async function writeWhole(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

export async function writeTo(
  to: Destination,
  text: string,
  io: ReporterIo = processIo,
): Promise<void> {
  if (to.kind === 'stdout') io.stdout(text);
  else await writeWhole(to.path, text);
}

function missing(reporter: string): Error {
  return new Error(`this command has no ${reporter} output`);
}

/** The command's console text. */
export function listReporter(to: Destination, io: ReporterIo = processIo): Reporter {
  return {
    name: 'list',
    async onEnd(o) {
      if (!o.text) throw missing('list');
      const text = o.text(to);
      if (text !== '') await writeTo(to, text, io);
    },
  };
}

/** The command's JSON document, pretty-printed (two spaces) with one trailing newline. */
export function jsonReporter(to: Destination, io: ReporterIo = processIo): Reporter {
  return {
    name: 'json',
    async onEnd(o) {
      if (!o.json) throw missing('json');
      await writeTo(to, `${JSON.stringify(o.json(), null, 2)}\n`, io);
    },
  };
}

/** JUnit XML of the command's checks, through the one JUnit writer. */
export function junitReporter(to: Destination, io: ReporterIo = processIo): Reporter {
  return {
    name: 'junit',
    async onEnd(o) {
      if (!o.junit) throw missing('junit');
      const doc = o.junit();
      await writeTo(to, renderJunitXml(doc.name, doc.suites), io);
    },
  };
}

export function markdownReporter(to: Destination, io: ReporterIo = processIo): Reporter {
  return {
    name: 'markdown',
    async onEnd(o) {
      if (!o.markdown) throw missing('markdown');
      await writeTo(to, o.markdown(), io);
    },
  };
}

export function htmlReporter(to: Destination, io: ReporterIo = processIo): Reporter {
  return {
    name: 'html',
    async onEnd(o) {
      if (!o.html) throw missing('html');
      await writeTo(to, o.html(), io);
    },
  };
}

export function createReporter(
  name: ReporterName,
  to: Destination,
  io: ReporterIo = processIo,
): Reporter {
  switch (name) {
    case 'list':
      return listReporter(to, io);
    case 'json':
      return jsonReporter(to, io);
    case 'junit':
      return junitReporter(to, io);
    case 'markdown':
      return markdownReporter(to, io);
    case 'html':
      return htmlReporter(to, io);
  }
}

/** Wait for every call; the first failure (in reporter order) is thrown once all have ended. */
async function settleAll(calls: (void | Promise<void>)[]): Promise<void> {
  const settled = await Promise.allSettled(calls);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * One reporter that calls every hook of every reporter given, in order, and waits for them all:
 * a reporter that fails does not stop the others from writing.
 */
export function multiplex(reporters: readonly Reporter[]): Reporter {
  return {
    name: reporters.map((r) => r.name).join(','),
    onBegin: (info) => settleAll(reporters.map((r) => r.onBegin?.(info))),
    onResult: (result) => settleAll(reporters.map((r) => r.onResult?.(result))),
    onEnd: (output) => settleAll(reporters.map((r) => r.onEnd(output))),
  };
}

/**
 * Drive a reporter through a finished command: onBegin, onResult for each check result, onEnd.
 * Commands whose results arrive over time call the hooks themselves.
 */
export async function report(
  reporter: Reporter,
  info: BeginInfo,
  output: CommandOutput,
): Promise<void> {
  await reporter.onBegin?.(info);
  for (const r of output.results ?? []) await reporter.onResult?.(r);
  await reporter.onEnd(output);
}

/**
 * A text destination written piece by piece (streamed output: `hl7 inspect`, `send`). A file is
 * written under a temporary name and renamed when `end` is called.
 */
export interface OutputStream {
  write(text: string): void;
  end(): Promise<void>;
}

export function openStream(to: Destination, io: ReporterIo = processIo): OutputStream {
  if (to.kind === 'stdout') return { write: (s) => io.stdout(s), end: async () => undefined };
  const tmp = `${to.path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  let failure: Error | undefined;
  out.on('error', (e) => (failure ??= e));
  return {
    write: (s) => {
      if (!failure) out.write(s);
    },
    end: async () => {
      if (!failure) {
        out.end();
        await Promise.race([once(out, 'finish'), once(out, 'error')]).catch(() => undefined);
      }
      if (failure) {
        await unlink(tmp).catch(() => undefined);
        throw failure;
      }
      await rename(tmp, to.path);
    },
  };
}
