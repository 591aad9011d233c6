/**
 * FHIR JSON with decimals kept as written. FHIR decimals carry their precision
 * (R4 datatypes.html#decimal: "1.50" and "1.5" are different values to a lab), but a JS number
 * loses trailing zeros. A decimal is held as a marked string and written back as a bare JSON
 * number by `stringifyFhir`, so `1.50` reaches the client as the literal `1.50`.
 */

const MARK = '\u0000dec:';
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** A decimal kept as text; typed as number so resource types stay FHIR-shaped. */
export type FhirDecimal = number;

/**
 * Normalize a decimal as an HL7 v2 NM is allowed to write it (`+1.5`, `.5`, `1.`, `007`) into
 * the FHIR decimal grammar, keeping every significant digit. Undefined when it is not a number.
 */
export function normalizeDecimal(text: string): string | undefined {
  let t = text.trim();
  if (t.startsWith('+')) t = t.slice(1);
  const neg = t.startsWith('-');
  if (neg) t = t.slice(1);
  if (t.startsWith('.')) t = `0${t}`;
  if (t.endsWith('.')) t = t.slice(0, -1);
  t = t.replace(/^0+(?=\d)/, '');
  const out = (neg ? '-' : '') + t;
  return JSON_NUMBER.test(out) ? out : undefined;
}

/** A decimal that serializes exactly as `text` (which must already be normalized). */
export function decimal(text: string): FhirDecimal {
  return `${MARK}${text}` as unknown as FhirDecimal;
}

/** The numeric value of a decimal made by `decimal()` or a plain number. */
export function decimalValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.startsWith(MARK)) return Number(v.slice(MARK.length));
  return undefined;
}

/** The text of a decimal as it will be written. */
export function decimalText(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string' && v.startsWith(MARK)) return v.slice(MARK.length);
  return undefined;
}

// JSON.stringify writes U+0000 as the escape \u0000, so the marked strings are easy to find.
const MARKED = /"\\u0000dec:(-?[0-9.eE+-]+)"/g;

/** Serialize a resource for the wire: marked decimals become JSON numbers with their digits. */
export function stringifyFhir(value: unknown): string {
  return JSON.stringify(value).replace(MARKED, '$1');
}
