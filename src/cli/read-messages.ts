/**
 * Read every HL7 v2 message of a file (any layout the splitter accepts), for commands that take
 * message files as arguments. Garbage between messages is reported, never fatal.
 */
import { readFileSync } from 'node:fs';
import { UserError, isUserError } from '../core/errors.js';
import { Hl7Message, MessageSplitter, decodeMessage, type Garbage } from '../hl7/index.js';

export interface FileMessage {
  file: string;
  index: number;
  offset: number;
  text: string;
  message?: Hl7Message;
  error?: UserError;
}

export function readMessageFile(file: string): { messages: FileMessage[]; garbage: Garbage[] } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError('E_FILE', `cannot read file (${code ?? 'error'})`, {
      location: { file },
      hint:
        code === 'ENOENT'
          ? 'check the path'
          : code === 'EISDIR'
            ? 'give a file, not a folder'
            : 'check permissions',
    });
  }
  const messages: FileMessage[] = [];
  const garbage: Garbage[] = [];
  const splitter = new MessageSplitter({
    onMessage: (m) => {
      const { text } = decodeMessage(m.bytes);
      const fm: FileMessage = { file, index: m.index, offset: m.offset, text };
      try {
        fm.message = Hl7Message.parse(text);
      } catch (e) {
        fm.error = isUserError(e) ? e : new UserError('E_HL7_PARSE', String(e));
      }
      messages.push(fm);
    },
    onGarbage: (g) => garbage.push(g),
  });
  splitter.push(bytes);
  splitter.end();
  return { messages, garbage };
}
