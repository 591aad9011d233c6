/**
 * HL7 v2 -> FHIR R4 value mapping used when filing (docs/site.md, Results).
 * Table numbers are HL7 v2.5.1 tables; FHIR code systems are the R4 terminology pages.
 */
import { dtmToFhir, parseDtm, type Coded, type Dtm } from '../hl7/index.js';
import { decimal, normalizeDecimal } from '../fhir/index.js';
import type { CodeableConcept, Coding, Observation, Quantity } from '../fhir/index.js';

export const SYS = {
  mrn: (authority?: string) => (authority ? `urn:golive:mrn:${authority}` : 'urn:golive:mrn'),
  placer: 'urn:golive:placer',
  filler: 'urn:golive:filler',
  accession: 'urn:golive:accession',
  obs: 'urn:golive:obs',
  critical: 'urn:golive:critical-notification',
  provider: 'urn:golive:provider',
  ucum: 'http://unitsofmeasure.org',
  v2_0203: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  obsCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  v2_0074: 'http://terminology.hl7.org/CodeSystem/v2-0074',
} as const;

/** Coding system of a CWE (component 3, table 0396) as a FHIR system URI. */
export function codeSystem(name: string | undefined): string {
  switch ((name ?? '').toUpperCase()) {
    case 'LN':
      return 'http://loinc.org';
    case 'SCT':
    case 'SNM':
      return 'http://snomed.info/sct';
    case 'UCUM':
      return SYS.ucum;
    default:
      return `urn:golive:codesystem:${name || 'local'}`;
  }
}

export function concept(c: Coded): CodeableConcept {
  const coding: Coding = { system: codeSystem(c.system), code: c.code };
  if (c.text) coding.display = c.text;
  return { coding: [coding], ...(c.text ? { text: c.text } : {}) };
}

/** Priority (TQ1-9 / OBR-27.6 / ORC-7.6, table 0485) -> ServiceRequest.priority (request-priority). */
export function priority(code: string | undefined): 'routine' | 'urgent' | 'asap' | 'stat' {
  switch ((code ?? '').toUpperCase()) {
    case 'S':
      return 'stat';
    case 'A':
      return 'asap';
    case 'T':
    case 'C':
    case 'P':
      return 'urgent';
    default:
      return 'routine';
  }
}

/** OBX-11 (table 0085) -> Observation.status (observation-status). */
export const OBX_STATUS: Record<string, string> = {
  P: 'preliminary',
  F: 'final',
  C: 'corrected',
  W: 'entered-in-error',
  D: 'entered-in-error',
  A: 'amended',
  R: 'registered',
  I: 'registered',
  X: 'cancelled',
  U: 'final',
};

/** OBR-25 (table 0123) -> DiagnosticReport.status. */
export const OBR_STATUS: Record<string, string> = {
  O: 'registered',
  I: 'registered',
  S: 'registered',
  P: 'preliminary',
  A: 'partial',
  R: 'preliminary',
  F: 'final',
  C: 'corrected',
  X: 'cancelled',
};

/** The statuses a late preliminary must never replace (observation-status). */
export const SETTLED = new Set(['final', 'corrected', 'amended']);

/** v3 ObservationInterpretation codes that table 0078 shares (R4 v3-ObservationInterpretation). */
const V3_INTERP = new Set(
  'L H LL HH < > A AA N S R I U D B W HU LU IE NEG POS IND DET ND E EX HX LX NR NS RR SDD TOX CAR WR'.split(
    ' ',
  ),
);

export function interpretation(flags: string[]): CodeableConcept[] {
  return flags.map((f) =>
    V3_INTERP.has(f) ? { coding: [{ system: SYS.interpretation, code: f }] } : { text: f },
  );
}

export function units(u: Coded): Pick<Quantity, 'unit' | 'system' | 'code'> {
  if (!u.code && !u.text) return {};
  const sys =
    !u.system || u.system.toUpperCase() === 'UCUM' ? SYS.ucum : `urn:golive:units:${u.system}`;
  return { unit: u.text ?? u.code, ...(u.code ? { system: sys, code: u.code } : {}) };
}

/** FHIR dateTime of a DTM; a time with no offset is read as the site's local time. */
export function fhirTime(dtm: Dtm | undefined, localOffsetMinutes: number): string | undefined {
  if (!dtm || !dtm.valid) return undefined;
  const direct = dtmToFhir(dtm);
  if (direct) return direct;
  const off = localOffsetMinutes;
  const sign = off < 0 ? '-' : '+';
  const suffix = `${sign}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}${String(Math.abs(off) % 60).padStart(2, '0')}`;
  return dtmToFhir(parseDtm(`${dtm.text.trim()}${suffix}`));
}

/** An instant (needs seconds and a zone); undefined otherwise (R4 datatypes.html#instant). */
export function fhirInstant(dtm: Dtm | undefined): string | undefined {
  if (!dtm?.valid || !dtm.hasZone || (dtm.precision !== 'second' && dtm.precision !== 'fraction'))
    return undefined;
  return dtmToFhir(dtm);
}

export function dtmEpoch(dtm: Dtm | undefined, localOffsetMinutes: number): number | undefined {
  const t = fhirTime(dtm, localOffsetMinutes);
  return t ? Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t) : undefined;
}

export type ValueResult =
  { ok: true; value: Partial<Observation> } | { ok: false; code: '102'; message: string };

const COMPARATORS = new Set(['<', '<=', '>', '>=']);

function quantity(text: string | undefined, u: Coded): Quantity | undefined {
  if (text === undefined || text === '') return undefined;
  const n = normalizeDecimal(text);
  return n === undefined ? undefined : { value: decimal(n), ...units(u) };
}

/** OBX-5 by OBX-2 value type (v2.5.1 chapter 7.4.2) -> Observation.value[x]. */
export function obsValue(
  valueType: string | undefined,
  value: string | undefined,
  comps: string[],
  u: Coded,
  localOffsetMinutes: number,
): ValueResult {
  if (value === undefined) return { ok: true, value: {} };
  const bad = (why: string): ValueResult => ({ ok: false, code: '102', message: why });
  switch ((valueType ?? 'ST').toUpperCase()) {
    case 'NM': {
      const q = quantity(value, u);
      return q
        ? { ok: true, value: { valueQuantity: q } }
        : bad(`OBX-5 "${value}" is not a number`);
    }
    case 'SN': {
      // SN: comparator ^ num1 ^ separator/suffix ^ num2 (chapter 2A.2.71).
      const [cmp = '', n1 = '', sep = '', n2 = ''] = comps;
      if (sep === ':' || sep === '/') {
        const num = quantity(n1, {});
        const den = quantity(n2, {});
        if (!num || !den) return bad(`OBX-5 "${value}" is not a valid SN ratio`);
        return { ok: true, value: { valueRatio: { numerator: num, denominator: den } } };
      }
      if (sep === '-') {
        const low = quantity(n1, u);
        const high = quantity(n2, u);
        if (!low || !high) return bad(`OBX-5 "${value}" is not a valid SN range`);
        return { ok: true, value: { valueRange: { low, high } } };
      }
      const q = quantity(n1, u);
      if (!q || cmp === '<>') return bad(`OBX-5 "${value}" is not a valid SN value`);
      if (COMPARATORS.has(cmp)) q.comparator = cmp as Quantity['comparator'];
      else if (cmp !== '' && cmp !== '=') return bad(`OBX-5 comparator "${cmp}" is not valid`);
      return { ok: true, value: { valueQuantity: q } };
    }
    case 'CE':
    case 'CWE':
    case 'CNE':
      return {
        ok: true,
        value: {
          valueCodeableConcept: concept({ code: comps[0], text: comps[1], system: comps[2] }),
        },
      };
    case 'DT':
    case 'DTM':
    case 'TS': {
      const t = fhirTime(parseDtm(comps[0] ?? value), localOffsetMinutes);
      return t
        ? { ok: true, value: { valueDateTime: t } }
        : bad(`OBX-5 "${value}" is not a date/time`);
    }
    default:
      return { ok: true, value: { valueString: value } };
  }
}

/**
 * OBX-7 reference range: the text as sent, plus low/high when it reads as one. Without `text`
 * (the `minimal` profile) only the structured bounds are kept, and a range that gives none
 * (`negative`) is left out: R4 obs-3 wants at least low, high or text.
 */
export function referenceRange(
  text: string | undefined,
  u: Coded,
  o: { text: boolean } = { text: true },
): Observation['referenceRange'] {
  if (!text) return undefined;
  const rr: NonNullable<Observation['referenceRange']>[number] = o.text ? { text } : {};
  const m = /^\s*([-+]?[\d.]+)\s*-\s*([-+]?[\d.]+)\s*$/.exec(text);
  const lt = /^\s*<=?\s*([\d.]+)\s*$/.exec(text);
  const gt = /^\s*>=?\s*([\d.]+)\s*$/.exec(text);
  if (m) {
    const low = quantity(m[1], u);
    const high = quantity(m[2], u);
    if (low) rr.low = low;
    if (high) rr.high = high;
  } else if (lt) {
    const high = quantity(lt[1], u);
    if (high) rr.high = high;
  } else if (gt) {
    const low = quantity(gt[1], u);
    if (low) rr.low = low;
  }
  return Object.keys(rr).length > 0 ? [rr] : undefined;
}
