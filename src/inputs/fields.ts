/**
 * zod field types shared by the compliance and adoption inputs. Every input exists both as CSV
 * (every cell a string) and as YAML (native booleans, numbers and lists), so each field type
 * accepts both spellings and produces one typed value.
 */
import { z } from 'zod';

/** A YAML `key:` with no value is null; treat it like an empty CSV cell. */
function nullToUndefined(v: unknown): unknown {
  return v === null ? undefined : v;
}

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0']);

/** yes/no, y/n, true/false, 1/0 (any case), or a YAML boolean. */
export const yesNo = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return nullToUndefined(v);
    const s = v.trim().toLowerCase();
    if (YES.has(s)) return true;
    if (NO.has(s)) return false;
    return v;
  },
  z.boolean({ error: 'expected yes or no' }),
);

/** A list: a YAML sequence, or a CSV cell with items separated by `;` or `|`. */
export const list = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return nullToUndefined(v);
    return v
      .split(/[;|]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  },
  z.array(z.string().trim().min(1), { error: 'expected a list (a;b;c in CSV)' }),
);

/** Non-empty text; YAML numbers are accepted and kept as text (ids like 1042). */
export const text = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : nullToUndefined(v)),
  z.string({ error: 'expected text' }).trim().min(1, { error: 'must not be empty' }),
);

/** A moment given as an ISO date (`2025-03-01`) or an ISO date-time. */
export interface When {
  iso: string;
  ms: number;
  /** True for a bare date: it stands for the whole day. */
  dateOnly: boolean;
  /** True when a date-time carried `Z` or an offset (FHIR `instant` requires one). */
  hasZone: boolean;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Parse an ISO date or date-time; undefined when malformed or not a real calendar date. */
export function parseWhen(input: string): When | undefined {
  const s = input.trim();
  const d = DATE.exec(s);
  if (d) {
    const ms = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
    if (new Date(ms).toISOString().slice(0, 10) !== s) return undefined;
    return { iso: s, ms, dateOnly: true, hasZone: false };
  }
  const t = DATE_TIME.exec(s);
  if (!t) return undefined;
  const day = `${t[1]}-${t[2]}-${t[3]}`;
  if (
    new Date(Date.UTC(Number(t[1]), Number(t[2]) - 1, Number(t[3]))).toISOString().slice(0, 10) !==
    day
  )
    return undefined;
  if (Number(t[4]) > 23 || Number(t[5]) > 59) return undefined;
  const zone = t[8];
  // Without a zone the instant is ambiguous; read it as UTC so it can still be compared,
  // and let the caller report the missing zone where that matters (audit "when").
  const normal = `${day}T${t[4]}:${t[5]}${t[6] ?? ':00'}${zone ? zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z'}`;
  const ms = Date.parse(normal);
  if (Number.isNaN(ms)) return undefined;
  return { iso: s, ms, dateOnly: false, hasZone: zone !== undefined };
}

/** An ISO date or date-time (a YAML date string or CSV cell). */
export const when = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString() : nullToUndefined(v)),
  z
    .string({ error: 'expected a date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ssZ)' })
    .transform((s, ctx) => {
      const w = parseWhen(s);
      if (!w) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected a real date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ss+hh:mm)',
        });
        return z.NEVER;
      }
      return w;
    }),
);

/** End of the period a `When` covers: a bare date lasts until the end of that day (UTC). */
export function endOf(w: When): number {
  return w.dateOnly ? w.ms + 86_400_000 : w.ms;
}

/** Whole days between two instants (b - a), rounded down. */
export function daysBetween(aMs: number, bMs: number): number {
  return Math.floor((bMs - aMs) / 86_400_000);
}

/** Normalise a free-text code (`Sticky note` -> `sticky-note`) for comparison with enums. */
export function slug(v: unknown): unknown {
  return typeof v === 'string'
    ? v
        .trim()
        .toLowerCase()
        .replace(/[\s_]+/g, '-')
    : v;
}
