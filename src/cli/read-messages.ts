/**
 * Read the HL7 v2 messages of files given as command arguments (any layout the splitter
 * accepts). Garbage between messages is reported, never fatal. Memory stays bounded by the
 * message cap however large or endless the input (a device, a pipe): input with no message
 * structure for more than the cap stops with E_HL7_NO_MESSAGE instead of being read forever
 * (docs/decisions/013-bounded-readers.md).
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { UserError, isUserError } from '../core/index.js';
import { Hl7Message, MessageSplitter, decodeMessage, type Garbage } from '../hl7/index.js';
import { noMessageError, readHl7Stream } from '../inputs/index.js';

export interface FileMessage {
  file: string;
  index: number;
  offset: number;
  text: string;
  message?: Hl7Message;
  error?: UserError;
}

export interface FileGarbage extends Garbage {
  file: string;
}

export interface ReadMessagesOptions {
  /** Largest message kept, and the most bytes read with no message before giving up. */
  maxMessageBytes?: number;
  /** A stream to read instead of opening `file` (the name is then used in locations). */
  stream?: NodeJS.ReadableStream;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Open a file for reading, or the UserError saying why not (E_FILE, with a hint). */
function openFile(file: string): number {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    // Opening a folder succeeds on Linux; reading it would fail later, less clearly.
    if (fstatSync(fd).isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    return fd;
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    throw fileError(file, e);
  }
}

function fileError(file: string, e: unknown): UserError {
  const code = (e as NodeJS.ErrnoException).code;
  return new UserError('E_FILE', `cannot read file (${code ?? 'error'})`, {
    location: { file },
    hint:
      code === 'ENOENT'
        ? 'check the path'
        : code === 'EISDIR'
          ? 'give a file, not a folder'
          : 'check permissions',
  });
}

function parsed(file: string, index: number, offset: number, text: string): FileMessage {
  const fm: FileMessage = { file, index, offset, text };
  try {
    fm.message = Hl7Message.parse(text);
  } catch (e) {
    fm.error = isUserError(e) ? e : new UserError('E_HL7_PARSE', String(e));
  }
  return fm;
}

/**
 * Every message of a file, in memory (for commands that need them all first, like send).
 * Read in chunks through the splitter: a file with no message structure stops at the cap.
 */
export function readMessageFile(
  file: string,
  opts: ReadMessagesOptions = {},
): { messages: FileMessage[]; garbage: Garbage[] } {
  const max = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const messages: FileMessage[] = [];
  const garbage: Garbage[] = [];
  const splitter = new MessageSplitter({
    maxMessageBytes: max,
    onMessage: (m) => messages.push(parsed(file, m.index, m.offset, decodeMessage(m.bytes).text)),
    onGarbage: (g) => garbage.push(g),
  });
  const fd = openFile(file);
  try {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let offset = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw fileError(file, e);
      }
      if (n === 0) break;
      splitter.push(chunk.subarray(0, n));
      offset += n;
      const stray = splitter.bytesWithoutMessage;
      if (stray > max) throw noMessageError(file, offset - stray, stray);
    }
  } finally {
    closeSync(fd);
  }
  splitter.end();
  return { messages, garbage };
}

/**
 * The messages and garbage of one file (or stream) as they are read: memory holds one
 * message at a time. Stops with E_HL7_NO_MESSAGE after the cap with no message.
 */
export async function* streamMessageFile(
  file: string,
  opts: ReadMessagesOptions = {},
): AsyncGenerator<FileMessage | (FileGarbage & { kind: 'garbage' })> {
  const max = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const stream = opts.stream ?? createReadStream(file, { fd: openFile(file) });
  const items = readHl7Stream(stream, file, { maxMessageBytes: max, maxBytesWithoutMessage: max });
  for await (const item of items) {
    if (item.kind === 'garbage') {
      yield item;
      continue;
    }
    const fm: FileMessage = { file, index: item.index, offset: item.offset, text: item.text };
    if (item.message) fm.message = item.message;
    if (item.parseError) fm.error = item.parseError;
    yield fm;
  }
}
