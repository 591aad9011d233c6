/**
 * HL7 v2 ER7 ("pipe and hat") messages: parse, navigate by field path, edit, serialize.
 * Delimiters come from MSH-1 and MSH-2 of each message (v2.5.1 section 2.5.4), never assumed.
 * Fields are split eagerly (every field reachable); repetitions, components and subcomponents
 * are split on access, which keeps a full parse close to the cost of a bare split.
 * Serializing an unedited message gives back the input byte for byte (BOM, CR/LF/CRLF kept).
 */
import { UserError } from '../core/errors.js';
import { escapeValue, unescapeValue } from './escape.js';
import { formatPath, parsePath } from './path.js';
import { delimitersOf, type Delimiters, type FieldPath } from './types.js';

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
const BOM = '\uFEFF';

export class Hl7Message {
  readonly delimiters: Delimiters;
  readonly segments: Segment[];
  /** Terminator written after each segment ('' for a last segment without one). */
  private readonly terminators: string[];
  private readonly bom: boolean;
  /** Problems found while parsing that did not stop it (odd segment ids...). */
  readonly problems: string[];

  private constructor(
    delimiters: Delimiters,
    segments: Segment[],
    terminators: string[],
    bom: boolean,
    problems: string[],
  ) {
    this.delimiters = delimiters;
    this.segments = segments;
    this.terminators = terminators;
    this.bom = bom;
    this.problems = problems;
  }

  /**
   * Parse one message. Segment separators may be CR, LF or CRLF; a leading UTF-8 BOM is kept.
   * Throws UserError (E_HL7_PARSE) when there is no usable MSH header.
   */
  static parse(text: string): Hl7Message {
    let body = text;
    const bom = body.startsWith(BOM);
    if (bom) body = body.slice(1);
    if (!body.startsWith('MSH') || body.length < 8) {
      throw new UserError('E_HL7_PARSE', 'message does not start with an MSH segment', {
        location: { offset: bom ? 1 : 0, path: 'MSH' },
        hint: 'an HL7 v2 message starts with "MSH" followed by the field separator and encoding characters, e.g. MSH|^~\\&|',
      });
    }
    const field = body[3]!;
    const encEnd = body.indexOf(field, 4);
    const enc = encEnd === -1 ? body.slice(4).split(/[\r\n]/)[0]! : body.slice(4, encEnd);
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
    const d = delimitersOf(field, enc);
    const segments: Segment[] = [];
    const terminators: string[] = [];
    const problems: string[] = [];
    const hasLf = body.indexOf('\n') !== -1;
    const hasCr = body.indexOf('\r') !== -1;
    if (!(hasLf && hasCr)) {
      // Fast path: one kind of terminator (the usual case), split natively.
      const lines = body.split(hasLf ? '\n' : '\r');
      const term = hasLf ? '\n' : '\r';
      const last = lines.length - 1;
      for (let i = 0; i <= last; i++) {
        const line = lines[i]!;
        const t = i === last ? '' : term;
        if (line.length === 0) {
          if (i === last) continue;
          if (terminators.length > 0) terminators[terminators.length - 1] += t;
          else terminators.push(t);
          continue;
        }
        const fields = line.split(field);
        const id = fields[0]!;
        if (id.length !== 3 || !SEG_ID.test(id))
          problems.push(`segment ${segments.length + 1} has an invalid id "${id.slice(0, 10)}"`);
        segments.push({ id, fields });
        terminators.push(t);
      }
      return new Hl7Message(d, segments, terminators, bom, problems);
    }
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
      const line = body.slice(pos, end);
      if (line.length === 0) {
        // An empty line: attach it to the previous terminator so the text round-trips.
        if (terminators.length > 0) terminators[terminators.length - 1] += term;
        else terminators.push(term);
      } else {
        const fields = line.split(field);
        const id = fields[0]!;
        if (!SEG_ID.test(id))
          problems.push(`segment ${segments.length + 1} has an invalid id "${id.slice(0, 10)}"`);
        segments.push({ id, fields });
        terminators.push(term);
      }
      pos = end + term.length;
    }
    return new Hl7Message(d, segments, terminators, bom, problems);
  }

  /** Serialize. An unedited message is returned byte for byte as parsed. */
  toString(): string {
    let out = this.bom ? BOM : '';
    const f = this.delimiters.field;
    for (let i = 0; i < this.segments.length; i++) {
      out += this.segments[i]!.fields.join(f) + (this.terminators[i] ?? '\r');
    }
    return out;
  }

  /** The segment's nth occurrence (1-based), or undefined. */
  segment(id: string, occurrence = 1): Segment | undefined {
    let seen = 0;
    for (const s of this.segments) {
      if (s.id === id && ++seen === occurrence) return s;
    }
    return undefined;
  }

  /** Every occurrence of a segment id, in order. */
  all(id: string): Segment[] {
    return this.segments.filter((s) => s.id === id);
  }

  /** Raw (encoded) text of a whole field of a segment; MSH-1 is the separator itself. */
  fieldRaw(seg: Segment, field: number): string | undefined {
    if (seg.id === 'MSH') {
      if (field === 1) return this.delimiters.field;
      return seg.fields[field - 1];
    }
    return seg.fields[field];
  }

  /** Encoded value at a path, with no escape decoding. */
  getRaw(path: string | FieldPath): string | undefined {
    const p = typeof path === 'string' ? parsePath(path) : path;
    const seg = this.segment(p.segment, p.occurrence);
    if (!seg) return undefined;
    return this.pick(seg, p);
  }

  /** Value at a path with escapes decoded; undefined when absent or empty. */
  get(path: string | FieldPath): string | undefined {
    const raw = this.getRaw(path);
    if (raw === undefined || raw === '') return undefined;
    const p = typeof path === 'string' ? parsePath(path) : path;
    if (p.segment === 'MSH' && p.field <= 2) return raw;
    return unescapeValue(raw, this.delimiters);
  }

  /** Every repetition of a field (decoded at the addressed component level). */
  getRepetitions(path: string | FieldPath): string[] {
    const p = typeof path === 'string' ? parsePath(path) : path;
    const seg = this.segment(p.segment, p.occurrence);
    if (!seg) return [];
    const raw = this.fieldRaw(seg, p.field);
    if (!raw) return [];
    return raw.split(this.delimiters.repetition).map((_, i) => {
      const v = this.pick(seg, { ...p, repetition: i + 1 }) ?? '';
      return unescapeValue(v, this.delimiters);
    });
  }

  private pick(seg: Segment, p: FieldPath): string | undefined {
    const raw = this.fieldRaw(seg, p.field);
    if (raw === undefined) return undefined;
    if (seg.id === 'MSH' && p.field <= 2) return raw;
    const d = this.delimiters;
    let v = raw;
    if (v.indexOf(d.repetition) !== -1 || (p.repetition ?? 1) > 1) {
      const reps = v.split(d.repetition);
      v = reps[(p.repetition ?? 1) - 1] ?? '';
      if (v === '' && (p.repetition ?? 1) > reps.length) return undefined;
    }
    if (p.component === undefined) return v;
    const comps = v.split(d.component);
    if (p.component > comps.length) return undefined;
    v = comps[p.component - 1]!;
    if (p.subcomponent === undefined) return v;
    const subs = v.split(d.subcomponent);
    if (p.subcomponent > subs.length) return undefined;
    return subs[p.subcomponent - 1];
  }

  /**
   * Set the value at a path (escaping it), creating the segment occurrence, field,
   * repetition and component positions as needed. `raw: true` places pre-encoded text.
   */
  set(path: string | FieldPath, value: string, opts: { raw?: boolean } = {}): this {
    const p = typeof path === 'string' ? parsePath(path) : path;
    if (p.segment === 'MSH' && p.field <= 2) {
      throw new UserError('E_HL7_PATH', `${formatPath(p)} holds the delimiters and cannot be set`, {
        location: { path: formatPath(p) },
        hint: 'build a new message with the delimiters you want',
      });
    }
    const d = this.delimiters;
    let seg = this.segment(p.segment, p.occurrence);
    while (!seg) {
      this.addSegment([p.segment]);
      seg = this.segment(p.segment, p.occurrence);
    }
    const idx = seg.id === 'MSH' ? p.field - 1 : p.field;
    while (seg.fields.length <= idx) seg.fields.push('');
    const encoded = opts.raw ? value : escapeValue(value, d);
    if (p.repetition === undefined && p.component === undefined) {
      seg.fields[idx] = encoded;
      return this;
    }
    const reps = seg.fields[idx]!.split(d.repetition);
    const r = (p.repetition ?? 1) - 1;
    while (reps.length <= r) reps.push('');
    if (p.component === undefined) {
      reps[r] = encoded;
    } else {
      const comps = reps[r]!.split(d.component);
      while (comps.length < p.component) comps.push('');
      if (p.subcomponent === undefined) {
        comps[p.component - 1] = encoded;
      } else {
        const subs = comps[p.component - 1]!.split(d.subcomponent);
        while (subs.length < p.subcomponent) subs.push('');
        subs[p.subcomponent - 1] = encoded;
        comps[p.component - 1] = subs.join(d.subcomponent);
      }
      reps[r] = comps.join(d.component);
    }
    seg.fields[idx] = reps.join(d.repetition);
    return this;
  }

  /** Append a segment built from already-encoded fields (fields[0] is the segment id). */
  addSegment(fields: string[]): Segment {
    const seg: Segment = { id: fields[0]!, fields: [...fields] };
    if (this.terminators.length > 0 && this.terminators[this.terminators.length - 1] === '') {
      this.terminators[this.terminators.length - 1] = '\r';
    }
    this.segments.push(seg);
    this.terminators.push('\r');
    return seg;
  }

  /** Remove every occurrence of a segment id. */
  removeSegments(id: string): void {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      if (this.segments[i]!.id === id) {
        this.segments.splice(i, 1);
        this.terminators.splice(i, 1);
      }
    }
  }

  /** Message with segments re-terminated by CR only (the standard segment terminator). */
  toCanonical(): string {
    const f = this.delimiters.field;
    return this.segments.map((s) => s.fields.join(f)).join('\r') + '\r';
  }

  /** A deep copy (for editing templates). */
  clone(): Hl7Message {
    return Hl7Message.parse(this.toString());
  }

  escape(value: string): string {
    return escapeValue(value, this.delimiters);
  }

  unescape(value: string): string {
    return unescapeValue(value, this.delimiters);
  }
}
