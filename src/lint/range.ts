/**
 * Reference ranges (OBX-7, v2.5.1 7.4.2.7) in the forms labs actually send: "3.5-5.1",
 * "3.5 - 5.1", "-2--0.5", "<5", "<=5", ">10", ">= 10", "3.5 to 5.1", optionally followed by a unit.
 * And numeric values of NM and SN results as an interval (an SN "<0.5" is below 0.5).
 */
import { StringCache } from './hashed-map.js';

export interface Range {
  low?: number;
  high?: number;
  /** `<5`: 5 itself is outside; `3.5-5.1`: the bounds are inside. */
  lowInclusive: boolean;
  highInclusive: boolean;
}

const NUM = '([+-]?(?:\\d+\\.?\\d*|\\.\\d+))';
const UNIT = '(?:\\s*[A-Za-z%/\\[\\]{}*0-9.^]*)?';
const BETWEEN = new RegExp(`^${NUM}\\s*(?:-|\u2013|to)\\s*${NUM}${UNIT}$`, 'i');
const BOUND = new RegExp(`^(<=|>=|<|>|\u2264|\u2265)\\s*${NUM}${UNIT}$`);

/** Empty after trimming brackets ("[ ]"): no range was sent. */
export function isEmptyRange(text: string | undefined): boolean {
  return !text || /^[[(]?\s*[\])]?$/.test(text.trim()) || text.trim() === '""';
}

const ranges = new StringCache<Range | null>(10_000, (t) => readRange(t) ?? null);

/** The range OBX-7 states, or undefined; cached (a capture repeats a few hundred ranges). */
export function parseRange(text: string | undefined): Range | undefined {
  if (!text) return undefined;
  return ranges.get(text) ?? undefined;
}

function readRange(text: string): Range | undefined {
  let t = text.trim();
  // Some senders bracket the range: "[ 4.0 - 11.0 ]", "(3.5-5.1)".
  const bracketed = /^[[(]\s*(.*?)\s*[\])]$/.exec(t);
  if (bracketed) t = bracketed[1]!;
  let m = BETWEEN.exec(t);
  if (m) {
    const low = Number(m[1]);
    const high = Number(m[2]);
    if (!(low <= high)) return undefined;
    return { low, high, lowInclusive: true, highInclusive: true };
  }
  m = BOUND.exec(t);
  if (m) {
    const v = Number(m[2]);
    switch (m[1]) {
      case '<':
        return { high: v, lowInclusive: true, highInclusive: false };
      case '<=':
      case '\u2264':
        return { high: v, lowInclusive: true, highInclusive: true };
      case '>':
        return { low: v, lowInclusive: false, highInclusive: true };
      default:
        return { low: v, lowInclusive: true, highInclusive: true };
    }
  }
  return undefined;
}

/** A value known to lie in [min, max] (an exact value has min === max). */
export interface ValueInterval {
  min: number;
  max: number;
}

const NM_RE = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** NM: the number. SN (2.A.74) `comparator^num`: exact for = or none, open-ended for < and >. */
export function numericValue(
  valueType: string | undefined,
  value: string | undefined,
  raw: string | undefined,
  component: string,
): ValueInterval | undefined {
  return readNumeric(valueType, value, raw, component)
    ? { min: NUMERIC_MIN, max: NUMERIC_MAX }
    : undefined;
}

// The interval readNumeric found (module scratch: no object per observation on the hot path).
let NUMERIC_MIN = 0;
let NUMERIC_MAX = 0;

function readNumeric(
  valueType: string | undefined,
  value: string | undefined,
  raw: string | undefined,
  component: string,
): boolean {
  if (valueType === 'NM') {
    const v = value?.trim();
    if (!v || !NM_RE.test(v)) return false;
    NUMERIC_MIN = NUMERIC_MAX = Number(v);
    return true;
  }
  if (valueType === 'SN' && raw) {
    const [c = '', n1 = '', sep = '', n2 = ''] = raw.split(component);
    if (sep !== '' || n2 !== '' || !NM_RE.test(n1)) return false;
    const n = Number(n1);
    if (c === '' || c === '=') NUMERIC_MIN = NUMERIC_MAX = n;
    else if (c === '<' || c === '<=') {
      NUMERIC_MIN = -Infinity;
      NUMERIC_MAX = n;
    } else if (c === '>' || c === '>=') {
      NUMERIC_MIN = n;
      NUMERIC_MAX = Infinity;
    } else return false;
    return true;
  }
  return false;
}

export type Place = 'below' | 'above' | 'inside' | 'unknown';

/**
 * Where the value is certainly, relative to the range. A value on a bound is `unknown`: labs
 * differ on whether "70-80" includes 80 and "<5" excludes 5, so neither flag rule fires there.
 */
export function placeInRange(v: ValueInterval, r: Range): Place {
  return place(v.min, v.max, r);
}

function place(min: number, max: number, r: Range): Place {
  if (r.low !== undefined && max < r.low) return 'below';
  if (r.high !== undefined && min > r.high) return 'above';
  const aboveLow = r.low === undefined || min > r.low;
  const belowHigh = r.high === undefined || max < r.high;
  return aboveLow && belowHigh ? 'inside' : 'unknown';
}

/** Where an OBX value falls in its range (numericValue + placeInRange without the object). */
export function placeOfValue(
  valueType: string | undefined,
  value: string | undefined,
  raw: string | undefined,
  component: string,
  r: Range,
): Place | undefined {
  return readNumeric(valueType, value, raw, component)
    ? place(NUMERIC_MIN, NUMERIC_MAX, r)
    : undefined;
}
