/**
 * Turning HL7 DTM values into instants. A DTM with an offset is an instant (v2.5.1 2.A.22);
 * one without is local time of the sender, an instant only once the site's zone is known.
 * Zone offsets come from Intl (IANA database), cached per zone and hour.
 */
import type { Dtm } from '../hl7/index.js';
import { UserError } from '../core/errors.js';

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
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
    } catch {
      throw new UserError('E_LINT_CONFIG', `site.timeZone "${zone}" is not an IANA time zone`, {
        location: { path: 'site.timeZone' },
        hint: 'use a zone name such as Europe/London or America/New_York',
      });
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Throws UserError when the zone is unknown (called when the config is read). */
export function checkTimeZone(zone: string): void {
  formatter(zone);
}

/** Offset of `zone` east of UTC, in minutes, at the instant `epochMs`. */
export function zoneOffsetMinutes(zone: string, epochMs: number): number {
  const hourKey = `${zone}@${Math.floor(epochMs / 3_600_000)}`;
  const hit = offsets.get(hourKey);
  if (hit !== undefined) return hit;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(epochMs))) {
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
  const off = Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
  if (offsets.size > 50_000) offsets.clear();
  offsets.set(hourKey, off);
  return off;
}

/** Local wall-clock time of a valid DTM read as if it were UTC (for same-sender comparisons). */
const localCache = new WeakMap<Dtm, number>();

export function localMs(dtm: Dtm): number | undefined {
  if (!dtm.valid || !dtm.local) return undefined;
  let ms = localCache.get(dtm);
  if (ms === undefined) {
    ms = Date.parse(`${dtm.local}Z`);
    localCache.set(dtm, ms);
  }
  return ms;
}

/** The instant of a DTM: its own offset, else the site zone; undefined when neither is known. */
export function instantOf(dtm: Dtm | undefined, zone: string | undefined): number | undefined {
  if (!dtm || !dtm.valid) return undefined;
  if (dtm.epochMs !== undefined) return dtm.epochMs;
  if (!zone) return undefined;
  const guess = localMs(dtm);
  if (guess === undefined) return undefined;
  // Two passes settle the offset around DST changes.
  let t = guess - zoneOffsetMinutes(zone, guess) * 60_000;
  t = guess - zoneOffsetMinutes(zone, t) * 60_000;
  return t;
}

/**
 * Milliseconds from a to b (b - a) when they can be compared: both instants, or both local
 * times from the same message (same sender clock, same unknown zone).
 */
export function diffMs(
  a: Dtm | undefined,
  b: Dtm | undefined,
  zone: string | undefined,
): number | undefined {
  if (!a?.valid || !b?.valid) return undefined;
  const ia = instantOf(a, zone);
  const ib = instantOf(b, zone);
  if (ia !== undefined && ib !== undefined) return ib - ia;
  if (!a.hasZone && !b.hasZone) {
    const la = localMs(a);
    const lb = localMs(b);
    if (la !== undefined && lb !== undefined) return lb - la;
  }
  return undefined;
}

/** Precision of a DTM in ms (a date-only value compares at day granularity). */
export function precisionMs(dtm: Dtm): number {
  switch (dtm.precision) {
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
