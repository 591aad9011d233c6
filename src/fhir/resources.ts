/**
 * The FHIR R4 shapes the reference site stores and serves (a subset of each resource: the
 * elements it fills), and small builders. Shared with the client side so both agree on shape.
 * Resource pages: https://hl7.org/fhir/R4/<type>.html
 */

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}
export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}
export interface Identifier {
  use?: 'usual' | 'official' | 'temp' | 'secondary' | 'old';
  type?: CodeableConcept;
  system?: string;
  value?: string;
}
export interface Reference {
  reference?: string;
  identifier?: Identifier;
  display?: string;
}
export interface Quantity {
  value?: number;
  comparator?: '<' | '<=' | '>=' | '>';
  unit?: string;
  system?: string;
  code?: string;
}
export interface Meta {
  versionId?: string;
  lastUpdated?: string;
}
export interface Annotation {
  text: string;
  time?: string;
}

/** Any resource: the common part plus whatever elements its type has. */
export interface Resource {
  resourceType: string;
  id?: string;
  meta?: Meta;
  [element: string]: unknown;
}

export interface Patient extends Resource {
  resourceType: 'Patient';
  identifier?: Identifier[];
  active?: boolean;
  name?: { family?: string; given?: string[] }[];
  gender?: 'male' | 'female' | 'other' | 'unknown';
  birthDate?: string;
  address?: { line?: string[]; city?: string; state?: string; postalCode?: string }[];
  link?: { other: Reference; type: 'replaced-by' | 'replaces' | 'refer' | 'seealso' }[];
}

export interface ServiceRequest extends Resource {
  resourceType: 'ServiceRequest';
  identifier?: Identifier[];
  status: string;
  intent: string;
  priority?: 'routine' | 'urgent' | 'asap' | 'stat';
  code?: CodeableConcept;
  subject: Reference;
  authoredOn?: string;
  specimen?: Reference[];
  requester?: Reference;
}

export interface Specimen extends Resource {
  resourceType: 'Specimen';
  identifier?: Identifier[];
  accessionIdentifier?: Identifier;
  status?: 'available' | 'unavailable' | 'unsatisfactory' | 'entered-in-error';
  subject?: Reference;
  receivedTime?: string;
  request?: Reference[];
  collection?: { collectedDateTime?: string };
  condition?: CodeableConcept[];
  note?: Annotation[];
}

export interface Observation extends Resource {
  resourceType: 'Observation';
  identifier?: Identifier[];
  basedOn?: Reference[];
  status: string;
  category?: CodeableConcept[];
  code: CodeableConcept;
  subject?: Reference;
  focus?: Reference[];
  effectiveDateTime?: string;
  issued?: string;
  valueQuantity?: Quantity;
  valueString?: string;
  valueCodeableConcept?: CodeableConcept;
  valueRange?: { low?: Quantity; high?: Quantity };
  valueRatio?: { numerator?: Quantity; denominator?: Quantity };
  valueDateTime?: string;
  interpretation?: CodeableConcept[];
  referenceRange?: { low?: Quantity; high?: Quantity; text?: string }[];
  specimen?: Reference;
  device?: Reference;
  note?: Annotation[];
}

export interface DiagnosticReport extends Resource {
  resourceType: 'DiagnosticReport';
  identifier?: Identifier[];
  basedOn?: Reference[];
  status: string;
  category?: CodeableConcept[];
  code: CodeableConcept;
  subject?: Reference;
  effectiveDateTime?: string;
  issued?: string;
  specimen?: Reference[];
  result?: Reference[];
}

export interface Communication extends Resource {
  resourceType: 'Communication';
  identifier?: Identifier[];
  basedOn?: Reference[];
  status: string;
  category?: CodeableConcept[];
  priority?: string;
  subject?: Reference;
  about?: Reference[];
  sent?: string;
  received?: string;
  recipient?: Reference[];
  sender?: Reference;
  payload?: { contentString?: string }[];
}

export interface Device extends Resource {
  resourceType: 'Device';
  identifier?: Identifier[];
  status?: 'active' | 'inactive' | 'entered-in-error' | 'unknown';
  type?: CodeableConcept;
  safety?: CodeableConcept[];
  note?: Annotation[];
}

export interface Procedure extends Resource {
  resourceType: 'Procedure';
  identifier?: Identifier[];
  status: string;
  code?: CodeableConcept;
  subject: Reference;
  performedDateTime?: string;
  performedPeriod?: { start?: string; end?: string };
  focalDevice?: { manipulated: Reference }[];
  complication?: CodeableConcept[];
  note?: Annotation[];
}

export interface OperationOutcome extends Resource {
  resourceType: 'OperationOutcome';
  issue: {
    severity: 'fatal' | 'error' | 'warning' | 'information';
    code: string;
    diagnostics?: string;
    expression?: string[];
  }[];
}

/** OperationOutcome with one issue (R4 operationoutcome.html; issue types: valueset-issue-type). */
export function operationOutcome(
  code: string,
  diagnostics: string,
  severity: 'fatal' | 'error' | 'warning' | 'information' = 'error',
  expression?: string,
): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity,
        code,
        diagnostics,
        ...(expression !== undefined ? { expression: [expression] } : {}),
      },
    ],
  };
}

export const ref = (r: Resource): Reference => ({ reference: `${r.resourceType}/${r.id}` });

/**
 * An instant as FHIR dateTime/instant text with an explicit offset (R4 datatypes.html#instant),
 * e.g. `2026-03-29T01:30:00.000+01:00`; `offsetMinutes` 0 gives `+00:00`.
 */
export function isoWithOffset(epochMs: number, offsetMinutes = 0): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const DATE_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * The interval [start, end) a FHIR date/dateTime covers, in ms (R4 search.html#date: a value
 * stands for the whole period of its precision). A time without a zone is read as UTC.
 */
export function dateRange(text: string): { start: number; end: number } | undefined {
  const m = DATE_RE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let offset = 0;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const Y = Number(y);
  const M = mo ? Number(mo) - 1 : 0;
  const D = d ? Number(d) : 1;
  const start =
    Date.UTC(Y, M, D, h ? Number(h) : 0, mi ? Number(mi) : 0, s ? Number(s) : 0) +
    (frac ? Math.round(Number(`0.${frac}`) * 1000) : 0) -
    offset * 60_000;
  if (Number.isNaN(start)) return undefined;
  let end: number;
  if (!mo) end = Date.UTC(Y + 1, 0, 1) - offset * 60_000;
  else if (!d) end = Date.UTC(Y, M + 1, 1) - offset * 60_000;
  else if (!h) end = Date.UTC(Y, M, D + 1) - offset * 60_000;
  else if (!s) end = start + 60_000;
  else if (!frac) end = start + 1000;
  else end = start + 1;
  return { start, end };
}
