/**
 * Durations and time zones as written in golive YAML files.
 * A duration is `500ms`, `10s`, `2m`, `1h`, `1d` or a combination (`1h30m`); a bare number
 * is milliseconds. Zones are IANA names (`Europe/London`) or fixed offsets (`+01:00`), and the
 * offset of an IANA zone is computed per instant, so DST changes are honoured.
 */
import { z } from 'zod';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Parse a duration to milliseconds; undefined when the text is not one. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : undefined;
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  if (!DURATION_RE.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(PART_RE)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

/**
 * The same grammar with the unit required: for command-line flags and load profiles, where a
 * bare number is ambiguous (seconds to one reader, milliseconds to another).
 */
export function parseDurationWithUnit(text: string): number | undefined {
  const t = text.trim();
  return /^\d+(\.\d+)?$/.test(t) ? undefined : parseDuration(t);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/**
 * DURATION_RE (or a bare number of milliseconds) for the JSON Schema: an editor flags `30 min`
 * as you type. Validation itself is parseDuration's, in the transform below.
 */
export const DURATION_PATTERN = '^(?:\\d+|(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+)$';

/** Zod type for a duration: accepts `10s`/`2m`/ms number, outputs milliseconds. */
export const durationSchema = z
  .union([
    // `pattern` and `minimum` only reach the JSON Schema (zod passes metadata through).
    z.string().meta({ pattern: DURATION_PATTERN }),
    z.number().meta({ minimum: 0 }),
  ])
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(v)} is not a duration: write 500ms, 10s, 2m, 1h or 1h30m (no spaces; a number alone is milliseconds)`,
      });
      return z.NEVER;
    }
    return ms;
  })
  .meta({
    description: 'A duration: 500ms, 10s, 2m, 1h, 1d or combined (1h30m); a bare number is ms.',
  });

const OFFSET_RE = /^([+-])(\d{2}):?(\d{2})$/;

/** True when the zone is a fixed offset or an IANA zone this Node knows. */
export function isValidZone(zone: string): boolean {
  if (OFFSET_RE.test(zone) || zone === 'UTC' || zone === 'Z') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset east of UTC, in minutes, of `zone` at the instant `epochMs`. */
export function zoneOffsetMinutes(zone: string, epochMs: number): number {
  if (zone === 'UTC' || zone === 'Z') return 0;
  const fixed = OFFSET_RE.exec(zone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

export const zoneSchema = z
  .string()
  .refine(isValidZone, {
    message: 'not a time zone (write an IANA name such as Europe/London, or +01:00)',
  })
  .meta({ description: 'IANA time zone (Europe/London) or fixed offset (+01:00).' });
