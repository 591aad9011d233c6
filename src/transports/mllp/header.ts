/**
 * What the MLLP client needs from a message it sends, read from the MSH line without a full
 * parse: MSH-10 (matched against MSA-2 of the ACK), MSH-16 (enhanced mode, v2.5.1 2.9.3) and
 * MSH-18 (the character set encodeMessage encodes in).
 */
import { Hl7Message } from '../../hl7/index.js';

export interface SendHeader {
  controlId: string;
  appAck?: string;
  /** MSH-18's first component as written ('' when absent); encodeMessage decides from it. */
  charset: string;
}

/** MSH-10, MSH-16 and MSH-18 straight from the header line (no full parse on the hot path). */
export function readSendHeader(text: string): SendHeader {
  const start = text.startsWith('\uFEFF') ? 1 : 0;
  if (!text.startsWith('MSH', start)) {
    // Not a message we can key: parse to raise the usual error with its location.
    Hl7Message.parse(text);
  }
  const sep = text[start + 3] ?? '|';
  let end = text.indexOf('\r', start);
  const lf = text.indexOf('\n', start);
  if (end === -1 || (lf !== -1 && lf < end)) end = lf === -1 ? text.length : lf;
  // The component separator is the first character of MSH-2; encodeMessage reads MSH-18 with
  // the character after MSH-1 whatever it is (the same unless MSH-2 is empty).
  const c4 = text[start + 4];
  const comp = c4 !== undefined && c4 !== sep && start + 4 < end ? c4 : '^';
  const charsetComp = c4 ?? '^';
  // fields[0] is "MSH" and fields[1] is MSH-2, so MSH-n is fields[n - 1]: walk the separators
  // instead of splitting the whole line.
  let controlId = '';
  let appAck: string | undefined;
  let charset = '';
  let pos = start;
  for (let n = 0; n <= 17 && pos <= end; n++) {
    let next = text.indexOf(sep, pos);
    if (next === -1 || next > end) next = end;
    if (n === 9) controlId = firstComponent(text, pos, next, comp);
    else if (n === 15) appAck = firstComponent(text, pos, next, comp);
    else if (n === 17) charset = firstComponent(text, pos, next, charsetComp);
    pos = next + 1;
  }
  return { controlId, appAck, charset };
}

function firstComponent(text: string, from: number, to: number, comp: string): string {
  const c = text.indexOf(comp, from);
  return text.slice(from, c === -1 || c > to ? to : c);
}
