/**
 * Scenario values: fresh synthetic identifiers, clock expressions and `{{placeholder}}`
 * rendering. Every run draws a random token, and every identifier embeds it with a counter,
 * so runs never collide in a shared test environment and scenarios of one run stay apart.
 * Identifiers are synthetic by construction (letters and digits of no real numbering scheme).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { formatDtm, parseDtm, dtmToFhir } from '../hl7/index.js';
import { parseDuration, zoneOffsetMinutes } from '../config/duration.js';

export const GENERATORS = [
  'mrn',
  'order',
  'filler',
  'accession',
  'specimen',
  'control-id',
  'device',
  'id',
  'uuid',
  'family-name',
  'given-name',
  'birth-date',
] as const;
export type GeneratorName = (typeof GENERATORS)[number];

const PREFIX: Record<string, string> = {
  mrn: 'M',
  order: 'P',
  filler: 'F',
  accession: 'A',
  specimen: 'S',
  'control-id': 'C',
  device: 'D',
  id: 'G',
};

// Synthetic given names; family names are made from the run token so they are clearly fake.
const GIVEN = ['Alex', 'Sam', 'Robin', 'Kim', 'Jo', 'Lee', 'Morgan', 'Ash', 'Rene', 'Noa'];
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Source of fresh identifiers for one run. Inject a fixed token in tests. */
export class IdSource {
  private seq = 0;
  readonly token: string;
  constructor(token?: string) {
    this.token =
      token ?? randomBytes(4).readUInt32BE(0).toString(36).toUpperCase().padStart(6, '0');
  }

  next(kind: GeneratorName, prefix?: string): string {
    const n = ++this.seq;
    switch (kind) {
      case 'uuid':
        return randomUUID();
      case 'family-name': {
        // Letters only: digits in a name would trip the identity rules of a real receiver.
        let s = '';
        for (const ch of `${this.token}${n}`) s += LETTERS[parseInt(ch, 36) % LETTERS.length];
        return `Zz${s.charAt(0)}${s.slice(1).toLowerCase()}`;
      }
      case 'given-name':
        return GIVEN[n % GIVEN.length]!;
      case 'birth-date': {
        const year = 1940 + ((parseInt(this.token, 36) + n * 7) % 65);
        const month = 1 + (n % 12);
        const day = 1 + ((n * 11) % 28);
        return `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
      }
      default:
        // MSH-10 is ST(20) in v2.5.1 and EI entity ids are short in most receivers: keep to 16.
        return `${prefix ?? PREFIX[kind] ?? 'G'}${this.token}${String(n).padStart(3, '0')}`.slice(
          0,
          20,
        );
    }
  }
}

/** Clock and zone a scenario renders times with. */
export interface TimeContext {
  now(): number;
  /** Site zone (IANA or fixed offset). */
  zone: string;
}

const CLOCK_TERM = /\s*([+-])\s*([A-Za-z0-9_.]+)/gy;

/**
 * Evaluate a clock expression: `now`, `now - 2h`, `now - stabilityWindow - 30m`, or an ISO
 * instant (`2025-03-30T00:30:00Z`). Named terms are looked up in `lookup` and must hold a
 * duration. Returns epoch ms, or undefined when the text is not a clock expression.
 */
export function evalClock(
  text: string,
  now: number,
  lookup: (name: string) => string | undefined = () => undefined,
): number | undefined {
  const t = text.trim();
  let base: number;
  let rest: string;
  const iso = /^(\d{4}-\d{2}-\d{2}T[^\s+-]*(?:Z|[+-]\d{2}:?\d{2}))(.*)$/.exec(t);
  if (iso) {
    base = Date.parse(iso[1]!);
    if (Number.isNaN(base)) return undefined;
    rest = iso[2]!;
  } else if (t.startsWith('now')) {
    base = now;
    rest = t.slice(3);
  } else return undefined;
  CLOCK_TERM.lastIndex = 0;
  let pos = 0;
  let ms = base;
  while (pos < rest.length) {
    CLOCK_TERM.lastIndex = pos;
    const m = CLOCK_TERM.exec(rest);
    if (!m) return rest.slice(pos).trim() === '' ? ms : undefined;
    const d = parseDuration(m[2]!) ?? parseDuration(lookup(m[2]!) ?? '');
    if (d === undefined) return undefined;
    ms += m[1] === '-' ? -d : d;
    pos = CLOCK_TERM.lastIndex;
  }
  return ms;
}

/** An instant as an HL7 DTM with the zone's offset at that instant (v2.5.1 2.A.22). */
export function dtmIn(epochMs: number, zone: string): string {
  return formatDtm(epochMs, zoneOffsetMinutes(zone, epochMs));
}

/** Read a time value (HL7 DTM, FHIR dateTime or ISO instant) as epoch ms. */
export function parseInstant(text: string): number | undefined {
  const t = text.trim();
  if (/^\d{8,}/.test(t) && !t.includes('-', 4)) {
    const d = parseDtm(t);
    return d.valid ? d.epochMs : undefined;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (/^\d{12,}$/.test(t)) return Number(t);
  return undefined;
}

export type Filter = (value: string) => string;

function asDtm(v: string): ReturnType<typeof parseDtm> | undefined {
  const d = parseDtm(v);
  return d.valid ? d : undefined;
}

/** Filters usable in placeholders: `{{collected | fhir}}`. */
export const FILTERS: Record<string, Filter> = {
  dtm: (v) => v,
  /** FHIR dateTime keeping the sent offset (R4 datatypes.html#dateTime). */
  fhir: (v) => {
    const d = asDtm(v);
    return (d && dtmToFhir(d)) ?? v;
  },
  /** UTC instant, ISO 8601 with Z. */
  iso: (v) => {
    const ms = parseInstant(v);
    return ms === undefined ? v : new Date(ms).toISOString();
  },
  date: (v) => v.slice(0, 8),
  fhirdate: (v) => `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`,
  upper: (v) => v.toUpperCase(),
  lower: (v) => v.toLowerCase(),
  ms: (v) => String(parseDuration(v) ?? v),
  /** Percent-encode for a URL query value. */
  url: (v) => encodeURIComponent(v),
};

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;

export interface RenderOptions {
  vars: ReadonlyMap<string, string>;
  time: TimeContext;
  /** Applied to each substituted value (HL7 escaping in ER7 templates). */
  escape?: (s: string) => string;
}

export class RenderError extends Error {}

/** `name ?? default`: the default (possibly empty) applies when the name has no value. */
function splitDefault(head: string): { name: string; fallback?: string } {
  const i = head.indexOf('??');
  if (i === -1) return { name: head };
  return { name: head.slice(0, i).trim(), fallback: head.slice(i + 2).trim() };
}

const isClock = (h: string) => h.startsWith('now') || /^\d{4}-\d{2}-\d{2}T/.test(h);

/** Evaluate one placeholder body: `name`, `name ?? default`, `name | filter`, `now - 2h | fhir`. */
export function evalPlaceholder(body: string, opts: RenderOptions): string {
  const [head, ...filters] = body.split('|').map((s) => s.trim());
  let value: string | undefined;
  if (isClock(head!)) {
    const ms = evalClock(head!, opts.time.now(), (n) => opts.vars.get(n));
    if (ms === undefined) throw new RenderError(`"${head}" is not a clock expression`);
    value = dtmIn(ms, opts.time.zone);
  } else {
    const { name, fallback } = splitDefault(head!);
    value = opts.vars.get(name) ?? fallback;
    if (value === undefined) throw new RenderError(`no value for "${name}"`);
  }
  for (const f of filters) {
    const fn = FILTERS[f];
    if (!fn) throw new RenderError(`unknown filter "${f}"`);
    value = fn(value);
  }
  return value;
}

/** Replace every `{{...}}` in `text`. */
export function render(text: string, opts: RenderOptions): string {
  return text.replace(PLACEHOLDER, (_, body: string) => {
    const v = evalPlaceholder(body, opts);
    return opts.escape ? opts.escape(v) : v;
  });
}

/** Render every string inside a JSON-like value (FHIR bodies, expected values). */
export function renderDeep(value: unknown, opts: RenderOptions): unknown {
  if (typeof value === 'string') {
    // A string that is one placeholder of a number-looking value stays a string: FHIR
    // decimals are numbers only where the author wrote a number.
    return render(value, opts);
  }
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, opts));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderDeep(v, opts);
    return out;
  }
  return value;
}

/** Names a text's placeholders read (for the load-time check), with filters checked. */
export function placeholderNames(text: string): { names: string[]; problems: string[] } {
  const names: string[] = [];
  const problems: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const [head, ...filters] = m[1]!.split('|').map((s) => s.trim());
    for (const f of filters) if (!FILTERS[f]) problems.push(`unknown filter "${f}" in {{${m[1]}}}`);
    if (isClock(head!)) {
      const terms = [...head!.matchAll(/[+-]\s*([A-Za-z_][A-Za-z0-9_.]*)/g)].map((t) => t[1]!);
      for (const t of terms) if (parseDuration(t) === undefined) names.push(t);
      if (evalClock(head!, 0, () => '1s') === undefined)
        problems.push(`"${head}" is not a clock expression (write e.g. now - 2h)`);
    } else {
      const { name, fallback } = splitDefault(head!);
      if (fallback === undefined) names.push(name);
    }
  }
  return { names, problems };
}
