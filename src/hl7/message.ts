/**
 * HL7 v2 ER7 ("pipe and hat") messages: parse, navigate by field path, edit, serialize.
 * Delimiters come from MSH-1 and MSH-2 of each message (v2.5.1 section 2.5.4), never assumed.
 * Fields are split eagerly (every field reachable); repetitions, components and subcomponents
 * are split on access, which keeps a full parse close to the cost of a bare split. Fields per
 * segment and per message are capped (segments.ts), so memory stays bounded whatever the text.
 * Serializing an unedited message gives back the input byte for byte (BOM, CR/LF/CRLF kept).
 */
import { UserError } from '../core/index.js';
import { escapeValue, unescapeValue } from './escape.js';
import { formatPath, parsePath } from './path.js';
import {
  MAX_MESSAGE_FIELDS,
  MAX_SEGMENT_FIELDS,
  SegmentCollector,
  readDelimiters,
  type ParseLimits,
  type Segment,
} from './segments.js';
import type { Delimiters, FieldPath } from './types.js';

export {
  MAX_MESSAGE_FIELDS,
  MAX_SEGMENT_FIELDS,
  type ParseLimits,
  type Segment,
} from './segments.js';

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
   * Throws UserError (E_HL7_PARSE) when there is no usable MSH header, and when a segment or
   * the message has more fields than `limits` allow (memory stays bounded, decision 013).
   */
  static parse(text: string, limits: ParseLimits = {}): Hl7Message {
    const bom = text.startsWith(BOM);
    const body = bom ? text.slice(1) : text;
    const d = readDelimiters(body, bom);
    const c = new SegmentCollector(
      d.field,
      bom ? 1 : 0,
      limits.maxSegmentFields ?? MAX_SEGMENT_FIELDS,
      limits.maxFields ?? MAX_MESSAGE_FIELDS,
    );
    const hasLf = body.indexOf('\n') !== -1;
    const hasCr = body.indexOf('\r') !== -1;
    if (!(hasLf && hasCr)) c.oneTerminator(body, hasLf ? '\n' : '\r');
    else c.mixedTerminators(body);
    return new Hl7Message(d, c.segments, c.terminators, bom, c.problems);
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
