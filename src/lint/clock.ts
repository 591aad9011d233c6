/**
 * Turning HL7 DTM values into instants. A DTM with an offset is an instant (v2.5.1 2.A.22);
 * one without is local time of the sender, an instant only once the site's zone is known.
 * Zone offsets come from Intl (IANA database), cached per zone and hour; the instant of a
 * zoneless value is cached on its (shared, cached) Ts.
 */
import { UserError } from '../core/index.js';
import { zoneOffsetMinutes as offsetAt } from '../config/duration.js';
import type { Ts } from './fast-fields.js';

interface Zone {
  /** Offset in minutes per hour since the epoch. */
  hours: Map<number, number>;
}

const zones = new Map<string, Zone>();

function zoneOf(name: string): Zone {
  let z = zones.get(name);
  if (!z) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
    } catch {
      throw new UserError('E_LINT_CONFIG', `site.timeZone "${name}" is not an IANA time zone`, {
        location: { path: 'site.timeZone' },
        hint: 'use a zone name such as Europe/London or America/New_York',
      });
    }
    z = { hours: new Map() };
    zones.set(name, z);
  }
  return z;
}

/** Throws UserError when the zone is unknown (called when the config is read). */
export function checkTimeZone(zone: string): void {
  zoneOf(zone);
}

/** Offset of `zone` east of UTC, in minutes, at the instant `epochMs`. */
export function zoneOffsetMinutes(zone: string, epochMs: number): number {
  const z = zoneOf(zone);
  const hour = Math.floor(epochMs / 3_600_000);
  const hit = z.hours.get(hour);
  if (hit !== undefined) return hit;
  const off = offsetAt(zone, epochMs);
  if (z.hours.size > 50_000) z.hours.clear();
  z.hours.set(hour, off);
  return off;
}

/** The instant of a DTM: its own offset, else the site zone; undefined when neither is known. */
export function instantOf(t: Ts | undefined, zone: string | undefined): number | undefined {
  if (!t || !t.valid) return undefined;
  if (t.epochMs !== undefined) return t.epochMs;
  if (!zone) return undefined;
  if (t.zone === zone) return t.zoned;
  const guess = t.localMs;
  let at: number | undefined;
  if (guess !== undefined) {
    // Two passes settle the offset around DST changes.
    at = guess - zoneOffsetMinutes(zone, guess) * 60_000;
    at = guess - zoneOffsetMinutes(zone, at) * 60_000;
  }
  t.zone = zone;
  t.zoned = at;
  return at;
}

/**
 * Milliseconds from a to b (b - a) when they can be compared: both instants, or both local
 * times from the same message (same sender clock, same unknown zone).
 */
export function diffMs(
  a: Ts | undefined,
  b: Ts | undefined,
  zone: string | undefined,
): number | undefined {
  if (!a?.valid || !b?.valid) return undefined;
  const ia = instantOf(a, zone);
  const ib = instantOf(b, zone);
  if (ia !== undefined && ib !== undefined) return ib - ia;
  if (!a.hasZone && !b.hasZone) {
    const la = a.localMs;
    const lb = b.localMs;
    if (la !== undefined && lb !== undefined) return lb - la;
  }
  return undefined;
}
