/**
 * Reference ranges (OBX-7, v2.5.1 7.4.2.7) in the forms labs actually send: "3.5-5.1",
 * "3.5 - 5.1", "-2--0.5", "<5", "<=5", ">10", ">= 10", "3.5 to 5.1", optionally followed by a unit.
 * And numeric values of NM and SN results as an interval (an SN "<0.5" is below 0.5).
 */
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

export function parseRange(text: string | undefined): Range | undefined {
  if (!text) return undefined;
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
  if (valueType === 'NM') {
    const v = value?.trim();
    if (!v || !NM_RE.test(v)) return undefined;
    const n = Number(v);
    return { min: n, max: n };
  }
  if (valueType === 'SN' && raw) {
    const [c = '', n1 = '', sep = '', n2 = ''] = raw.split(component);
    if (sep !== '' || n2 !== '' || !NM_RE.test(n1)) return undefined;
    const n = Number(n1);
    if (c === '' || c === '=') return { min: n, max: n };
    if (c === '<' || c === '<=') return { min: -Infinity, max: n };
    if (c === '>' || c === '>=') return { min: n, max: Infinity };
  }
  return undefined;
}

/**
 * Where the value is certainly, relative to the range. A value on a bound is `unknown`: labs
 * differ on whether "70-80" includes 80 and "<5" excludes 5, so neither flag rule fires there.
 */
export function placeInRange(v: ValueInterval, r: Range): 'below' | 'above' | 'inside' | 'unknown' {
  if (r.low !== undefined && v.max < r.low) return 'below';
  if (r.high !== undefined && v.min > r.high) return 'above';
  const aboveLow = r.low === undefined || v.min > r.low;
  const belowHigh = r.high === undefined || v.max < r.high;
  return aboveLow && belowHigh ? 'inside' : 'unknown';
}
