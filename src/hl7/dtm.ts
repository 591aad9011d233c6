/**
 * HL7 v2 DTM values: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ] (v2.5.1 section 2.A.22).
 * Precision and offset are kept: an instant exists only where the offset is present;
 * where it is not, the value is local time of an unknown zone and is flagged so.
 */
export type DtmPrecision = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction';

export interface Dtm {
  text: string;
  valid: boolean;
  /** Why it is invalid, when it is. */
  error?: string;
  precision?: DtmPrecision;
  hasZone: boolean;
  /** Offset east of UTC in minutes, when present. */
  offsetMinutes?: number;
  /** Local wall-clock time as ISO without zone, e.g. `2026-03-29T01:30:00.000`. */
  local?: string;
  /** UTC instant (ISO with Z) when the offset is present. */
  instant?: string;
  /** Milliseconds since the epoch when the offset is present. */
  epochMs?: number;
}

const DTM_RE =
  /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function parseDtm(text: string): Dtm {
  const t = text.trim();
  const m = DTM_RE.exec(t);
  if (!m) {
    return {
      text,
      valid: false,
      hasZone: false,
      error: 'not in YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ] form',
    };
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo ? Number(mo) : 1;
  const day = d ? Number(d) : 1;
  const hour = h ? Number(h) : 0;
  const minute = mi ? Number(mi) : 0;
  const second = s ? Number(s) : 0;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const fail = (error: string): Dtm => ({ text, valid: false, hasZone: zone !== undefined, error });
  if (month < 1 || month > 12) return fail(`month ${month} out of range`);
  if (day < 1 || day > daysIn(year, month))
    return fail(`day ${day} does not exist in ${year}-${String(month).padStart(2, '0')}`);
  if (hour > 23) return fail(`hour ${hour} out of range`);
  if (minute > 59) return fail(`minute ${minute} out of range`);
  if (second > 59) return fail(`second ${second} out of range`);
  const precision: DtmPrecision = frac
    ? 'fraction'
    : s
      ? 'second'
      : mi
        ? 'minute'
        : h
          ? 'hour'
          : d
            ? 'day'
            : mo
              ? 'month'
              : 'year';
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const local = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}.${pad(ms, 3)}`;
  const out: Dtm = { text, valid: true, precision, hasZone: zone !== undefined, local };
  if (zone) {
    const sign = zone[0] === '-' ? -1 : 1;
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(3, 5));
    if (zh > 14 || zm > 59) return fail(`zone offset ${zone} out of range`);
    const offset = sign * (zh * 60 + zm);
    const epoch = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000;
    out.offsetMinutes = offset;
    out.epochMs = epoch;
    out.instant = new Date(epoch).toISOString();
  }
  return out;
}

/** Format an instant as an HL7 DTM to the second with its offset (e.g. 20260327143000+0100). */
export function formatDtm(
  epochMs: number,
  offsetMinutes = 0,
  precision: 'second' | 'fraction' = 'second',
): string {
  const local = new Date(epochMs + offsetMinutes * 60_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  let s =
    pad(local.getUTCFullYear(), 4) +
    pad(local.getUTCMonth() + 1) +
    pad(local.getUTCDate()) +
    pad(local.getUTCHours()) +
    pad(local.getUTCMinutes()) +
    pad(local.getUTCSeconds());
  if (precision === 'fraction') s += `.${pad(local.getUTCMilliseconds(), 3)}`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${s}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** FHIR dateTime text for a DTM: with offset when it has one, date-only precision kept. */
export function dtmToFhir(dtm: Dtm): string | undefined {
  if (!dtm.valid || !dtm.local) return undefined;
  const l = dtm.local;
  switch (dtm.precision) {
    case 'year':
      return l.slice(0, 4);
    case 'month':
      return l.slice(0, 7);
    case 'day':
      return l.slice(0, 10);
    default: {
      if (!dtm.hasZone || dtm.offsetMinutes === undefined) return undefined; // FHIR needs a zone with a time
      const o = dtm.offsetMinutes;
      const pad = (n: number) => String(n).padStart(2, '0');
      const zone =
        o === 0
          ? 'Z'
          : `${o < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(o) / 60))}:${pad(Math.abs(o) % 60)}`;
      const time = dtm.precision === 'fraction' ? l.slice(11) : l.slice(11, 19);
      return `${l.slice(0, 10)}T${time}${zone}`;
    }
  }
}
