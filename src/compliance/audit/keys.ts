/**
 * Match keys shared by actions and audit records. An action and a record are about the same
 * thing when they share a key: a resource reference, an identifier value (MSH-10, MRN), a
 * search query or, weakest, a resource type.
 */

/** `Observation/abc` from `https://h/fhir/Observation/abc/_history/2` or a relative reference. */
export function normalizeReference(ref: string): string | undefined {
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?\/?$/.exec(
    ref.split(/[?#]/)[0]!,
  );
  return m ? `${m[1]}/${m[2]}` : undefined;
}

export function refKey(ref: string): string {
  return `ref:${normalizeReference(ref) ?? ref}`;
}

/**
 * Keys for an identifier value. HL7 v2 CX values are often logged whole (`MRN123^^^RGH^MR`);
 * the first component is the identifier itself (v2.5.1 2.A.14), so both are keys.
 */
export function identKeys(value: string): string[] {
  const v = value.trim();
  if (!v) return [];
  const first = v.split('^')[0]!.trim();
  return first && first !== v ? [`ident:${v}`, `ident:${first}`] : [`ident:${v}`];
}

export function typeKey(type: string): string {
  return `type:${type}`;
}

export const FHIR_TYPE = /^[A-Z][A-Za-z]+$/;

/** Search parameters naming the patient (R4 search parameters of the Patient compartment). */
export const PATIENT_PARAMS = ['patient', 'subject', 'subject:Patient', 'beneficiary'];

/** `Patient/1` from a patient parameter value (`1`, `Patient/1`, a full URL); else undefined. */
export function patientRef(value: string): string | undefined {
  const v = value.split(',')[0]!.trim();
  if (!v) return undefined;
  const m = /(?:^|\/)Patient\/([^/?#]+)/.exec(v);
  if (m) return `Patient/${m[1]}`;
  return v.includes('/') ? undefined : `Patient/${v}`;
}

/**
 * Parameters that page, sort or format a search answer rather than select what it matches (R4
 * search.html#count, #sort, #total, #summary, #elements; http.html#paging): every page and
 * every ordering of one search is the same query. IHE BALP also lets a server log a "cleaned"
 * query, so these are the ones most often dropped from what a server records.
 */
const RESULT_PARAMS = new Set([
  '_count',
  '_offset',
  '_format',
  '_pretty',
  '_getpages',
  '_page',
  '_sort',
  '_total',
  '_summary',
  '_elements',
]);

/** Comma-separated values are alternatives (R4 search.html#combining): their order is noise. */
function sortAlternatives(v: string): string {
  // `\,` escapes a comma inside one value (R4 search.html#escaping).
  const parts = v.split(/(?<!\\),/);
  return parts.length > 1 ? [...parts].sort().join(',') : v;
}

/**
 * One criterion in a comparable form: a patient parameter's value as `Patient/id` whether it
 * was written `id`, `Patient/id` or as a full URL (R4 search.html#reference), and
 * alternatives sorted.
 */
function normalizeCriterion(name: string, value: string): string {
  if (PATIENT_PARAMS.includes(name)) {
    const refs = value.split(',').map((x) => patientRef(x) ?? x.trim());
    return sortAlternatives(refs.join(','));
  }
  return sortAlternatives(value);
}

export interface SearchSpec {
  /**
   * The type searched (the inner type of `Patient/1/Observation`); unknown when a server logged
   * only the query string.
   */
  type?: string;
  params: URLSearchParams;
  /** `Patient/1` for a compartment search. */
  compartment?: string;
}

/**
 * Keys of a FHIR search, the same whether read from the request golive sent or from the query
 * an AuditEvent logged (entity.query, R4; IHE BALP "query" entity): the query itself, with its
 * criteria sorted and paging dropped (`query:Observation?code=x&patient=Patient/1`), and as
 * context the type searched and the patient it is scoped to. A search is matched by what it
 * asked, never by what it found, so a search with no results is matched like any other.
 */
export function searchKeys(s: SearchSpec): { query?: string; context: string[] } {
  const criteria = [...s.params]
    .filter(([k]) => !RESULT_PARAMS.has(k))
    .map(([k, v]) => `${k}=${normalizeCriterion(k, v)}`)
    .sort();
  const query = s.type
    ? `query:${s.compartment ? `${s.compartment}/` : ''}${s.type}?${criteria.join('&')}`
    : undefined;
  const context = s.type ? [typeKey(s.type)] : [];
  if (s.compartment) {
    const p = patientRef(s.compartment);
    if (p) context.push(refKey(p));
  }
  for (const name of PATIENT_PARAMS) {
    for (const v of s.params.getAll(name)) {
      const p = patientRef(v);
      if (p) context.push(refKey(p));
    }
  }
  if (s.type === 'Patient') {
    for (const v of s.params.getAll('_id')) context.push(refKey(`Patient/${v}`));
    for (const v of s.params.getAll('identifier'))
      for (const alt of v.split(',')) context.push(...identKeys(alt.split('|').pop() ?? alt));
  }
  return { query, context: [...new Set(context)] };
}

/**
 * The search in a logged query: a URL (`https://h/fhir/Observation?code=x`), a relative one
 * (`Observation?code=x`, `Patient/1/Observation`), a host without scheme
 * (`test.fhir.org/r4/Observation?code=x`), or the raw request IHE BALP asks for in
 * `entity[query].query` (request line, headers, and for `POST [type]/_search` a form body whose
 * parameters count like the URL's, R4 http.html#search), or, when the server logs only the
 * query string, `code=x` (then the type is unknown).
 */
export function searchFromText(text: string): SearchSpec | undefined {
  const raw = text.replace(/^\s+/, '');
  const split = /\r?\n\r?\n/.exec(raw);
  const head = split ? raw.slice(0, split.index) : raw;
  const body = split ? raw.slice(split.index + split[0].length).trim() : '';
  const [first = '', ...headerLines] = head.split(/\r?\n/);
  const method = /^(GET|POST|HEAD)\s+/i.exec(first.trim())?.[1]?.toUpperCase();
  let t = first
    .trim()
    .replace(/^(GET|POST|HEAD)\s+/i, '')
    .replace(/\s+HTTP\/[\d.]+$/i, '');
  // `a=b&c=Patient/1`: a query string alone ('=' before any '/').
  if (!t.includes('?') && /^[^/]*=/.test(t)) t = `?${t}`;
  let url: URL;
  try {
    url = new URL(t, 'http://query.invalid/');
  } catch {
    return undefined;
  }
  const params = new URLSearchParams(url.searchParams);
  const form = headerLines.some((l) =>
    /^content-type:\s*application\/x-www-form-urlencoded/i.test(l.trim()),
  );
  if (method === 'POST' && body && (form || /^[^\s=&]+=/.test(body)))
    for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
  const segs = url.pathname
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    })
    .filter((s) => s !== '_search');
  const last = segs[segs.length - 1];
  const type = last && FHIR_TYPE.test(last) ? last : undefined;
  if (!type) return { params };
  const outer = segs[segs.length - 3];
  const id = segs[segs.length - 2];
  const compartment =
    outer && id && FHIR_TYPE.test(outer) && !FHIR_TYPE.test(id) ? `${outer}/${id}` : undefined;
  return { type, params, ...(compartment ? { compartment } : {}) };
}
