/**
 * Fast field access for lint: components are cut out of the raw fields with indexOf (no split
 * arrays), and values are unescaped only when they contain the escape character. Same results
 * as the hl7 module's path readers (fields.ts), which rescan the message per read: fine for a
 * few reads, too slow for every field of a 1 GB capture.
 * Also: timestamps parsed once per distinct text (with the numbers the time rules need), and
 * `detach` for strings kept in state after their message is gone.
 */
import { parseDtm, type DtmPrecision, type Hl7Message, type Identifier } from '../hl7/index.js';
import { StringCache } from './hashed-map.js';

export { detach } from './hashed-map.js';

/** The k-th (1-based) piece of `s` split on `sep`, as `s.split(sep)[k - 1]`, without the array. */
export function piece(s: string, sep: string, k: number): string | undefined {
  let start = 0;
  for (let i = 1; i < k; i++) {
    const j = s.indexOf(sep, start);
    if (j === -1) return undefined;
    start = j + 1;
  }
  const end = s.indexOf(sep, start);
  if (end === -1) return start === 0 ? s : s.slice(start);
  return s.slice(start, end);
}

/** Reads values of one message's segments (fields[n] is field n; for MSH, fields[n - 1]). */
export class FieldReader {
  readonly msg: Hl7Message;
  readonly rep: string;
  readonly comp: string;
  readonly sub: string;
  private readonly esc: string;
  // The last two timestamps read: a message repeats its times (MSH-7, OBR-7, OBX-14...).
  private t1?: string;
  private v1?: Ts;
  private t2?: string;
  private v2?: Ts;

  constructor(msg: Hl7Message) {
    this.msg = msg;
    const d = msg.delimiters;
    this.rep = d.repetition;
    this.comp = d.component;
    this.sub = d.subcomponent;
    this.esc = d.escape;
  }

  /** Unescaped value; undefined when empty. */
  dec(v: string | undefined): string | undefined {
    if (v === undefined || v === '') return undefined;
    return v.indexOf(this.esc) === -1 ? v : this.msg.unescape(v);
  }

  /** Raw first repetition of a raw field; undefined when empty. */
  firstRep(raw: string | undefined): string | undefined {
    if (raw === undefined || raw === '') return undefined;
    const i = raw.indexOf(this.rep);
    return i === -1 ? raw : raw.slice(0, i);
  }

  /** Decoded whole first repetition of field n. */
  field(f: readonly string[], n: number): string | undefined {
    return this.dec(this.firstRep(f[n]));
  }

  /** Decoded component k of the first repetition of field n. */
  c(f: readonly string[], n: number, k: number): string | undefined {
    const rep = this.firstRep(f[n]);
    return rep === undefined ? undefined : this.dec(piece(rep, this.comp, k));
  }

  /** Decoded first sub-component of component k of the first repetition of field n. */
  c1(f: readonly string[], n: number, k: number): string | undefined {
    const rep = this.firstRep(f[n]);
    if (rep === undefined) return undefined;
    const v = piece(rep, this.comp, k);
    return v === undefined ? undefined : this.dec(piece(v, this.sub, 1));
  }

  /** First component of every repetition, empty ones left out. */
  repsFirst(f: readonly string[], n: number): string[] {
    const raw = f[n];
    if (!raw) return [];
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const end = raw.indexOf(this.rep, start);
      const r = end === -1 ? (start === 0 ? raw : raw.slice(start)) : raw.slice(start, end);
      const v = this.dec(piece(r, this.comp, 1));
      if (v) out.push(v);
      if (end === -1) return out;
      start = end + 1;
    }
  }

  /** Parsed timestamp of a DTM text; null when empty. */
  ts(text: string | undefined): Ts | null {
    if (!text) return null;
    if (text === this.t1) return this.v1!;
    if (text === this.t2) return this.v2!;
    const v = ts(text);
    this.t2 = this.t1;
    this.v2 = this.v1;
    this.t1 = text;
    this.v1 = v;
    return v;
  }

  /**
   * CX repetitions (PID-3, MRG-1): id (CX.1), authority (CX.4.1), type (CX.5).
   * Every search is bounded by the field: the next component and sub-component separators are
   * kept across repetitions and searched again only once passed, so a field is scanned once per
   * separator kind however many repetitions it holds (searching each repetition's components
   * with an unbounded indexOf ran to the next `^` past it: quadratic on a field of repetitions
   * without components, docs/decisions/013-bounded-readers.md).
   */
  cx(f: readonly string[], n: number): Identifier[] {
    const raw = f[n];
    if (!raw) return [];
    const out: Identifier[] = [];
    const { comp, sub, rep } = this;
    const len = raw.length;
    let nextComp = -1;
    let nextSub = -1;
    for (let from = 0; from <= len;) {
      let to = raw.indexOf(rep, from);
      if (to === -1) to = len;
      // Components 1 to 5 of this repetition, raw[start, end) each.
      let id: string | undefined;
      let authority: string | undefined;
      let type: string | undefined;
      for (let k = 1, start = from; k <= 5; k++) {
        if (nextComp < start) {
          nextComp = raw.indexOf(comp, start);
          if (nextComp === -1) nextComp = len;
        }
        const end = nextComp < to ? nextComp : to;
        if (k === 1) {
          id = this.dec(raw.slice(start, end));
          if (!id) break;
        } else if (k === 4) {
          if (nextSub < start) {
            nextSub = raw.indexOf(sub, start);
            if (nextSub === -1) nextSub = len;
          }
          authority = this.dec(raw.slice(start, nextSub < end ? nextSub : end));
        } else if (k === 5) type = this.dec(raw.slice(start, end));
        if (end === to) break;
        start = end + 1;
      }
      if (id) out.push({ id, authority, type });
      from = to + 1;
    }
    return out;
  }
}

/** A DTM value (v2.5.1 2.A.22) with the numbers the time rules compare, parsed once per text. */
export interface Ts {
  readonly text: string;
  readonly valid: boolean;
  readonly error?: string;
  readonly precision?: DtmPrecision;
  readonly hasZone: boolean;
  /** The instant, when the value carries an offset. */
  readonly epochMs?: number;
  /** Local wall-clock time read as if it were UTC (same-sender comparisons). */
  readonly localMs?: number;
  /** Precision in ms: a date-only value compares at day granularity. */
  readonly precisionMs: number;
  /** The instant in the site zone (clock.ts caches it here, for one zone at a time). */
  zone?: string;
  zoned?: number;
}

function precisionMs(p: DtmPrecision | undefined): number {
  switch (p) {
    case 'year':
      return 366 * 86_400_000;
    case 'month':
      return 31 * 86_400_000;
    case 'day':
      return 86_400_000;
    case 'hour':
      return 3_600_000;
    case 'minute':
      return 60_000;
    default:
      return 1000;
  }
}

function makeTs(text: string): Ts {
  const d = parseDtm(text);
  return {
    text,
    valid: d.valid,
    error: d.error,
    precision: d.precision,
    hasZone: d.hasZone,
    epochMs: d.epochMs,
    localMs: d.valid && d.local ? Date.parse(`${d.local}Z`) : undefined,
    precisionMs: precisionMs(d.precision),
  };
}

const tsCache = new StringCache<Ts>(20_000, makeTs);

/** Parsed DTM, cached: captures repeat the same timestamps across segments and messages. */
export function ts(text: string): Ts {
  return tsCache.get(text);
}
