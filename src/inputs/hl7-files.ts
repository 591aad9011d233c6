/**
 * Streaming reader of HL7 v2 traffic for every command that reads captured messages (lint,
 * load replay, review inputs): files, folders (recursively), simple globs (`*`, `?`, `**`) and
 * stdin (`-`). Bytes flow through the pure MessageSplitter and MSH-18 charset decoding in chunks,
 * so memory stays flat however large the input. Each item is a parsed message (or its parse
 * error) with file, 1-based index in that file and byte offset, or a run of garbage bytes.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { UserError, isUserError } from '../core/index.js';
import { Hl7Message, MessageSplitter, decodeMessage, type RawMessage } from '../hl7/index.js';

export interface Hl7MessageItem {
  kind: 'message';
  file: string;
  /** 1-based index of the message in its file. */
  index: number;
  /** Byte offset of the message's first byte in its file. */
  offset: number;
  /** Length in bytes. */
  length: number;
  /** Decoded text (MSH-18 charset). */
  text: string;
  /** The message's bytes as framed (segments joined by CR), before decoding. */
  bytes?: Uint8Array;
  message?: Hl7Message;
  parseError?: UserError;
  charset: string;
  /** Set when the bytes did not fit the declared character set. */
  charsetProblem?: string;
}

export interface Hl7GarbageItem {
  kind: 'garbage';
  file: string;
  offset: number;
  length: number;
  preview: string;
  reason: 'not-a-segment' | 'oversized';
}

export type Hl7Item = Hl7MessageItem | Hl7GarbageItem;

export interface ReadProgress {
  file: string;
  /** Bytes read so far over all inputs. */
  bytesRead: number;
  /** Sum of the input file sizes; undefined when stdin is among them. */
  totalBytes?: number;
  messages: number;
}

export interface ReadOptions {
  /** Called after each chunk (about 64 KiB): the caller throttles what it prints. */
  onProgress?: (p: ReadProgress) => void;
  /** Chunk size in bytes (default DEFAULT_CHUNK_BYTES). */
  chunkSize?: number;
  /** Parse messages (default true); false yields text only. */
  parse?: boolean;
  /** Stream read for `-` (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** File extensions taken when walking a folder (default HL7_EXTENSIONS). */
  extensions?: readonly string[];
  /** Largest message kept (default 64 MiB); larger ones become garbage items. */
  maxMessageBytes?: number;
  /**
   * Stop with E_HL7_NO_MESSAGE once this many bytes in a row hold no message (garbage, blank
   * runs, an oversized message): for readers of input that may never end, like `hl7 inspect`
   * on a device. Unset: read to the end, reporting garbage items (lint).
   */
  maxBytesWithoutMessage?: number;
}

/** The error for input with no message structure within a reader's limit. */
export function noMessageError(file: string, offset: number, bytes: number): UserError {
  return new UserError(
    'E_HL7_NO_MESSAGE',
    `no HL7 v2 message in ${bytes} bytes from offset ${offset}; stopped reading`,
    {
      location: { file, offset },
      hint: 'an HL7 v2 message starts with a line "MSH|^~\\&|..."; check that this is an HL7 file (not a device or binary data) and that its messages are under the size cap',
    },
  );
}

export const HL7_EXTENSIONS: readonly string[] = [
  '.hl7',
  '.hl7v2',
  '.er7',
  '.msg',
  '.txt',
  '.dat',
  '.mllp',
  '.log',
];

/**
 * Read size. Small enough that a chunk's queued raw messages are consumed before V8's young
 * generation is collected twice: with 1 MiB chunks (~900 messages) a slow consumer such as
 * lint kept them alive across scavenges, so every raw message (and the off-heap buffer of its
 * bytes, freed only by a full GC) was promoted: +60% RSS and more GC for lint. A bare read is
 * as fast with 64 KiB as with 1 MiB.
 */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

export interface InputFile {
  /** Path as given or found ('-' for stdin). */
  path: string;
  size?: number;
}

const GLOB = /[*?]/;

function walk(dir: string, exts: readonly string[], out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, exts, out);
    else if (st.isFile() && exts.some((e) => name.toLowerCase().endsWith(e))) out.push(p);
  }
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more folders.
      re += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function expandGlob(pattern: string): string[] {
  const parts = pattern.split(/[\\/]/);
  const firstGlob = parts.findIndex((p) => GLOB.test(p));
  const base = parts.slice(0, firstGlob).join('/') || '.';
  const rest = parts.slice(firstGlob).join('/');
  const re = globToRegExp(rest);
  const all: string[] = [];
  try {
    walk(base, [''], all);
  } catch {
    return [];
  }
  return all
    .filter((f) => re.test(relative(base, f).split(sep).join('/')))
    .map((f) => (base === '.' ? relative('.', f) : f));
}

/** Resolve the inputs to files (checked to exist) before anything is read. */
export function resolveHl7Inputs(inputs: readonly string[], opts: ReadOptions = {}): InputFile[] {
  if (inputs.length === 0)
    throw new UserError('E_INPUT', 'no input given', {
      hint: 'give files, folders, globs, or - for stdin',
    });
  const exts = opts.extensions ?? HL7_EXTENSIONS;
  const out: InputFile[] = [];
  for (const input of inputs) {
    if (input === '-') {
      out.push({ path: '-' });
      continue;
    }
    if (GLOB.test(input)) {
      const files = expandGlob(input);
      if (files.length === 0)
        throw new UserError('E_INPUT', `no file matches "${input}"`, {
          location: { file: input },
          hint: 'check the pattern; quote it so the shell does not expand it',
        });
      for (const f of files) out.push({ path: f, size: statSync(f).size });
      continue;
    }
    let st;
    try {
      st = statSync(input);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError('E_INPUT', `cannot read input (${code ?? 'error'})`, {
        location: { file: input },
        hint: code === 'ENOENT' ? 'check the path' : 'check permissions',
      });
    }
    if (st.isDirectory()) {
      const files: string[] = [];
      walk(resolve(input), exts, files);
      if (files.length === 0)
        throw new UserError('E_INPUT', `the folder holds no HL7 files (${exts.join(' ')})`, {
          location: { file: input },
          hint: 'give the files directly to read other extensions',
        });
      for (const f of files)
        out.push({ path: join(input, relative(resolve(input), f)), size: statSync(f).size });
    } else out.push({ path: input, size: st.size });
  }
  return out;
}

/** Read every message of the inputs, in order, as a stream. */
export async function* readHl7Inputs(
  inputs: readonly string[],
  opts: ReadOptions = {},
): AsyncGenerator<Hl7Item> {
  const files = resolveHl7Inputs(inputs, opts);
  const totalBytes = files.every((f) => f.size !== undefined)
    ? files.reduce((s, f) => s + f.size!, 0)
    : undefined;
  const progress = { bytesRead: 0, messages: 0, totalBytes };
  for (const f of files) {
    const stream =
      f.path === '-'
        ? (opts.stdin ?? process.stdin)
        : createReadStream(f.path, { highWaterMark: opts.chunkSize ?? DEFAULT_CHUNK_BYTES });
    yield* readHl7Stream(stream, f.path === '-' ? '<stdin>' : f.path, opts, progress);
  }
}

/** Read one byte stream (a file, stdin, a socket capture). */
export async function* readHl7Stream(
  stream: NodeJS.ReadableStream,
  file: string,
  opts: ReadOptions = {},
  progress: { bytesRead: number; messages: number; totalBytes?: number } = {
    bytesRead: 0,
    messages: 0,
  },
): AsyncGenerator<Hl7Item> {
  // Raw messages wait here between chunks; each is decoded and parsed only when yielded, so a
  // parsed message dies young (a chunk's worth of parsed messages would survive into V8's old
  // generation and inflate RSS on large inputs).
  const queue: (RawMessage | Hl7GarbageItem)[] = [];
  const parse = opts.parse ?? true;
  const build = (m: RawMessage): Hl7MessageItem => {
    const d = decodeMessage(m.bytes);
    const item: Hl7MessageItem = {
      kind: 'message',
      file,
      index: m.index,
      offset: m.offset,
      length: m.bytes.length,
      text: d.text,
      bytes: m.bytes,
      charset: d.charset,
    };
    if (d.problem) item.charsetProblem = d.problem;
    if (parse) {
      try {
        item.message = Hl7Message.parse(d.text);
      } catch (e) {
        if (!isUserError(e)) throw e;
        item.parseError = e;
      }
    }
    return item;
  };
  const drain = function* (): Generator<Hl7Item> {
    const batch = queue.splice(0);
    for (let i = 0; i < batch.length; i++) {
      const q = batch[i]!;
      batch[i] = undefined as never; // let the raw bytes go as soon as the item is built
      yield 'kind' in q ? q : build(q);
    }
  };
  const splitter = new MessageSplitter({
    maxMessageBytes: opts.maxMessageBytes,
    onMessage: (m) => queue.push(m),
    onGarbage: (g) => queue.push({ kind: 'garbage', file, ...g }),
  });
  let fileBytes = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
      fileBytes += bytes.length;
      splitter.push(bytes);
      progress.bytesRead += bytes.length;
      progress.messages += queue.length;
      yield* drain();
      const stray = splitter.bytesWithoutMessage;
      if (opts.maxBytesWithoutMessage !== undefined && stray > opts.maxBytesWithoutMessage)
        throw noMessageError(file, fileBytes - stray, stray);
      opts.onProgress?.({
        file,
        bytesRead: progress.bytesRead,
        totalBytes: progress.totalBytes,
        messages: progress.messages,
      });
    }
  } catch (e) {
    if (isUserError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    throw new UserError('E_INPUT', `cannot read input (${code})`, {
      location: { file },
      hint: code === 'EISDIR' ? 'give a file or a folder path' : 'check the path and permissions',
    });
  }
  splitter.end();
  progress.messages += queue.length;
  yield* drain();
}
