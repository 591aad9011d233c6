/**
 * Acknowledgement fast paths for the MLLP hot path (docs/decisions/010-mllp-hot-path.md):
 * read the MSH header, and MSA-1/MSA-2 of an acknowledgement, straight from the text, and
 * format an acknowledgement as a string, without building an Hl7Message.
 * Each agrees exactly with the full path (Hl7Message.parse + parseAck, buildAck/buildAckFrom +
 * toString); where a message is unusual enough that agreement is not obvious, the readers
 * return undefined and the caller takes the full path, which keeps its error reporting.
 */
import { ACK_CODES, ackMshLine, ackSegments, buildAckFrom } from './ack.js';
import type { AckHeader, AckOptions } from './ack.js';
import { unescapeValue } from './escape.js';
import { delimitersOf, type Delimiters } from './types.js';

/** The MSH line of a message, split on its field separator (index 0 "MSH", 1 MSH-2...). */
export interface MshHeader {
  delimiters: Delimiters;
  /** MSH-n is fields[n - 1]; raw (encoded) text. */
  fields: string[];
  /** Offset just past the MSH line (its terminator not included). */
  end: number;
}

const BOM = 0xfeff;

function lineEnd(text: string, from: number): number {
  const n = text.length;
  for (let i = from; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 || c === 10) return i;
  }
  return n;
}

function distinct(chars: string): boolean {
  for (let i = 0; i < chars.length; i++) if (chars.indexOf(chars[i]!, i + 1) !== -1) return false;
  return true;
}

/**
 * The delimiters Hl7Message.parse would take from `text`, or undefined where it would throw
 * (v2.5.1 2.5.4: MSH-1 field separator, MSH-2 four distinct encoding characters). Mirrors its
 * checks one for one; test/hl7/ack-fast.test.ts holds them together.
 */
export function parseDelimiters(text: string): Delimiters | undefined {
  const s = text.charCodeAt(0) === BOM ? 1 : 0;
  if (text.length - s < 8 || !text.startsWith('MSH', s)) return undefined;
  const field = text[s + 3]!;
  if (field === '\r' || field === '\n') return undefined;
  const encEnd = text.indexOf(field, s + 4);
  const enc = encEnd === -1 ? text.slice(s + 4, lineEnd(text, s + 4)) : text.slice(s + 4, encEnd);
  if (enc.length < 4 || !distinct(field + enc)) return undefined;
  return delimitersOf(field, enc);
}

/**
 * The MSH header of `text` when it is a message Hl7Message.parse reads without trouble, else
 * undefined (not a message, or a field separator that is one of M, S, H: take the full path).
 */
export function readMshHeader(text: string): MshHeader | undefined {
  const d = parseDelimiters(text);
  if (!d || d.field === 'M' || d.field === 'S' || d.field === 'H') return undefined;
  const s = text.charCodeAt(0) === BOM ? 1 : 0;
  const end = lineEnd(text, s);
  return { delimiters: d, fields: text.slice(s, end).split(d.field), end };
}

/** First repetition of a raw field, as Hl7Message.getRaw gives it. */
function firstRep(raw: string | undefined, rep: string): string | undefined {
  if (raw === undefined) return undefined;
  const i = raw.indexOf(rep);
  return i === -1 ? raw : raw.slice(0, i);
}

/**
 * What buildAck reads from the message in `text` (ackHeaderOf), from its MSH line alone;
 * undefined when readMshHeader would be (take the full path).
 */
export function readAckHeader(text: string): AckHeader | undefined {
  const d = parseDelimiters(text);
  if (!d || 'MSH'.includes(d.field)) return undefined;
  const s = text.charCodeAt(0) === BOM ? 1 : 0;
  const end = lineEnd(text, s);
  // Walk the separators of the MSH line (MSH-n is the nth piece, MSH-1 being the separator
  // itself), keeping MSH-2..MSH-12 as split would give them.
  const f = d.field;
  const raw: (string | undefined)[] = [];
  let pos = text.indexOf(f, s) + 1; // just past "MSH|"
  for (let i = 1; i <= 11 && pos <= end; i++) {
    let next = text.indexOf(f, pos);
    if (next === -1 || next > end) next = end;
    raw.push(text.slice(pos, next));
    pos = next + 1;
  }
  return ackHeaderFromMsh({ delimiters: d, fields: ['MSH', ...raw] as string[], end });
}

/** What buildAck reads from a message (ackHeaderOf), from the header alone. */
export function ackHeaderFromMsh(h: MshHeader): AckHeader {
  const f = h.fields;
  const rep = h.delimiters.repetition;
  const type = firstRep(f[8], rep);
  const c = type === undefined ? -1 : type.indexOf(h.delimiters.component);
  let trigger = '';
  if (c !== -1) {
    const c2 = type!.indexOf(h.delimiters.component, c + 1);
    trigger = type!.slice(c + 1, c2 === -1 ? undefined : c2);
  }
  return {
    sendingApp: firstRep(f[4], rep) ?? '',
    sendingFacility: firstRep(f[5], rep) ?? '',
    receivingApp: firstRep(f[2], rep) ?? '',
    receivingFacility: firstRep(f[3], rep) ?? '',
    trigger,
    processingId: firstRep(f[10], rep) ?? 'P',
    version: firstRep(f[11], rep) ?? '2.5.1',
    originalControlId: firstRep(f[9], rep) ?? '',
    delimiters: f[1] ?? '^~\\&',
    field: h.delimiters.field,
  };
}

const DEFAULT_ACK_DELIMITERS: Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
};

/** The acknowledgement buildAckFrom(h, opts).toString() gives, built as a string. */
export function formatAck(h: AckHeader, opts: AckOptions): string {
  const head = `${ackMshLine(h, opts)}\r`;
  // The usual delimiters need no check; anything else is read back as buildAckFrom reads it.
  const usual = (h.field ?? '|') === '|' && (h.delimiters ?? '^~\\&') === '^~\\&';
  const d = usual ? DEFAULT_ACK_DELIMITERS : parseDelimiters(head);
  // Where the header would not parse, buildAckFrom throws its usual error.
  if (!d) return buildAckFrom(h, opts).toString();
  let out = head;
  for (const seg of ackSegments(h, opts, d)) out += `${seg.join(d.field)}\r`;
  return out;
}

/** MSA-1 and MSA-2 of an acknowledgement, as parseAck reads them. */
export interface AckIds {
  code?: string;
  ackedControlId?: string;
  /** MSA-1 is one of the table 0008 codes. */
  valid: boolean;
}

/**
 * MSA-1 and MSA-2 read straight from the MSA line (the first segment whose id is MSA), the
 * same values parseAck(Hl7Message.parse(text)) gives. Undefined when the text does not parse
 * (or is unusual): the caller then takes the full path.
 */
export function readAckIds(text: string): AckIds | undefined {
  const d = parseDelimiters(text);
  // A field separator that is a letter of "MSH" or "MSA" changes what the segment ids are.
  if (!d || 'MSHA'.includes(d.field)) return undefined;
  const n = text.length;
  let pos = lineEnd(text, 0);
  while (pos < n) {
    const c = text.charCodeAt(pos);
    if (c === 13 || c === 10) {
      pos++; // terminators; empty lines are not segments
      continue;
    }
    const end = lineEnd(text, pos);
    // The segment id is the text before the first field separator (Hl7Message.parse).
    if (text.startsWith('MSA', pos) && (pos + 3 === end || text[pos + 3] === d.field)) {
      const fields = text.slice(pos, end).split(d.field);
      const code = value(fields[1], d);
      return {
        code,
        ackedControlId: value(fields[2], d),
        valid: code !== undefined && (ACK_CODES as readonly string[]).includes(code),
      };
    }
    pos = end;
  }
  return { code: undefined, ackedControlId: undefined, valid: false };
}

/** Hl7Message.get of a whole non-MSH field: first repetition, escapes decoded, '' absent. */
function value(raw: string | undefined, d: Delimiters): string | undefined {
  const v = firstRep(raw, d.repetition);
  if (v === undefined || v === '') return undefined;
  return unescapeValue(v, d);
}
