/**
 * Reading the text of one HL7 v2 message into segments: its delimiters (MSH-1, MSH-2), then
 * each line split into fields, with caps on fields per segment and per message so that memory
 * stays bounded whatever the text (docs/decisions/013-bounded-readers.md). Used by
 * `Hl7Message.parse` (message.ts).
 */
import { UserError } from '../core/index.js';
import { delimitersOf, type Delimiters } from './types.js';

export interface Segment {
  /** Segment id, e.g. `PID`. */
  id: string;
  /** Raw (encoded) fields; index 0 is the segment id. For MSH, index 1 is MSH-2. */
  fields: string[];
}

const SEG_ID = /^[A-Z][A-Z0-9]{2}$/;

function distinct(chars: string): boolean {
  for (let i = 0; i < chars.length; i++) if (chars.indexOf(chars[i]!, i + 1) !== -1) return false;
  return true;
}

/**
 * Fields one segment may have, its id included. A segment string splits into one JS string per
 * field: 50 MB of separators would be 50 million entries. The largest standard segments have
 * under a hundred fields (docs/decisions/013-bounded-readers.md).
 */
export const MAX_SEGMENT_FIELDS = 10_000;
/** Fields one message may have over all its segments, ids included (a segment counts one). */
export const MAX_MESSAGE_FIELDS = 1_000_000;

export interface ParseLimits {
  /** Default MAX_SEGMENT_FIELDS. */
  maxSegmentFields?: number;
  /** Default MAX_MESSAGE_FIELDS. */
  maxFields?: number;
}

/** MSH-1 and MSH-2 of a message body (after any BOM); UserError when they are not usable. */
export function readDelimiters(body: string, bom: boolean): Delimiters {
  if (!body.startsWith('MSH') || body.length < 8) {
    throw new UserError('E_HL7_PARSE', 'message does not start with an MSH segment', {
      location: { offset: bom ? 1 : 0, path: 'MSH' },
      hint: 'an HL7 v2 message starts with "MSH" followed by the field separator and encoding characters, e.g. MSH|^~\\&|',
    });
  }
  const field = body[3]!;
  const encEnd = body.indexOf(field, 4);
  const enc = encEnd === -1 ? firstLine(body.slice(4)) : body.slice(4, encEnd);
  if (enc.length < 4 || /[\r\n]/.test(field) || !distinct(field + enc)) {
    throw new UserError(
      'E_HL7_PARSE',
      `MSH-2 encoding characters "${enc}" are incomplete or repeat a delimiter`,
      {
        location: { offset: 4, path: 'MSH-2' },
        hint: 'MSH-2 needs four distinct characters (component, repetition, escape, subcomponent), usually ^~\\&',
      },
    );
  }
  return delimitersOf(field, enc);
}

/** The text up to its first CR or LF. */
function firstLine(text: string): string {
  const m = /[\r\n]/.exec(text);
  return m ? text.slice(0, m.index) : text;
}

/**
 * The segments of a message body as its lines are read: each line split into fields (within
 * the field caps), blank lines kept on the terminators so the text round-trips.
 */
export class SegmentCollector {
  readonly segments: Segment[] = [];
  readonly terminators: string[] = [];
  readonly problems: string[] = [];
  private fields = 0;

  constructor(
    private readonly sep: string,
    /** Offset of the body in the text (1 after a BOM), for error locations. */
    private readonly base: number,
    private readonly maxSegmentFields: number,
    private readonly maxFields: number,
  ) {}

  /** Fast path: one kind of terminator (the usual case), split natively. */
  oneTerminator(body: string, term: string): void {
    const lines = body.split(term);
    const last = lines.length - 1;
    let offset = 0;
    for (let i = 0; i <= last; i++) {
      const line = lines[i]!;
      const t = i === last ? '' : term;
      if (line.length > 0) this.line(line, t, offset);
      else if (i !== last) this.blank(t);
      offset += line.length + 1;
    }
  }

  /** CR, LF and CRLF mixed: walk the text. */
  mixedTerminators(body: string): void {
    let pos = 0;
    const n = body.length;
    while (pos < n) {
      let end = pos;
      // Find the next CR or LF (charCodeAt loop is faster than a regex on long inputs).
      while (end < n) {
        const c = body.charCodeAt(end);
        if (c === 13 || c === 10) break;
        end++;
      }
      let term = '';
      if (end < n) {
        term = body.charCodeAt(end) === 13 && body.charCodeAt(end + 1) === 10 ? '\r\n' : body[end]!;
      }
      if (end > pos) this.line(body.slice(pos, end), term, pos);
      else this.blank(term);
      pos = end + term.length;
    }
  }

  /** An empty line: attached to the previous terminator so the text round-trips. */
  private blank(term: string): void {
    const t = this.terminators;
    if (t.length > 0) t[t.length - 1] += term;
    else t.push(term);
  }

  private line(line: string, term: string, offset: number): void {
    // A line shorter than the cap cannot pass it: only a long line is counted before splitting.
    if (line.length >= this.maxSegmentFields) this.countFields(line, offset);
    const fields = line.split(this.sep);
    const id = fields[0]!;
    this.fields += fields.length;
    if (this.fields > this.maxFields) {
      throw new UserError(
        'E_HL7_PARSE',
        `message has more than ${this.maxFields} fields (segment ${this.segments.length + 1} passes it)`,
        {
          location: { offset: this.base + offset, path: id.slice(0, 3) },
          hint: 'a message this large is not one HL7 v2 message: check the segment terminators, or split the content over several messages',
        },
      );
    }
    if (id.length !== 3 || !SEG_ID.test(id))
      this.problems.push(
        `segment ${this.segments.length + 1} has an invalid id "${id.slice(0, 10)}"`,
      );
    this.segments.push({ id, fields });
    this.terminators.push(term);
  }

  /** Count a long line's fields, stopping with an error as soon as there are too many. */
  private countFields(line: string, offset: number): void {
    let n = 1;
    for (let at = line.indexOf(this.sep); at !== -1; at = line.indexOf(this.sep, at + 1)) {
      if (++n <= this.maxSegmentFields) continue;
      const id = line.slice(0, 3);
      throw new UserError(
        'E_HL7_PARSE',
        `segment ${this.segments.length + 1} (${JSON.stringify(id)}) has more than ${this.maxSegmentFields} fields`,
        {
          location: { offset: this.base + offset, path: id },
          hint: `a segment has at most ${this.maxSegmentFields} fields here (the largest standard segments have under 100): check the field separator in MSH-1 and what the sender wrote`,
        },
      );
    }
  }
}
