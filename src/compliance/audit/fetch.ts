/**
 * Reading a FHIR R4 server's AuditEvents for a span of time, through golive's FHIR client
 * (src/fhir/client.ts: credentials, retries, same-origin paging, every page kept as evidence).
 *
 * A server need not support every search parameter, and one that does not may ignore it: R4
 * search.html#errors says it then leaves the parameter out of `Bundle.link[self]`, the search as
 * it actually ran. So what was applied is checked rather than trusted, in this order:
 * 1. `date` (the AuditEvent search parameter on `recorded`), ge/le the span;
 * 2. `_lastUpdated` (defined for every resource), ge/le the span, records then kept by
 *    `recorded` locally;
 * 3. every page of `AuditEvent`, bounded by a page and a record cap, kept by `recorded` locally.
 * Which way was used is stated in the result. A search the server refuses (HTTP 400, 422, 501:
 * R4 search.html#errors, strict handling) moves on to the next way. When none works, or the caps
 * are reached before the last page, the records cannot be known: that is an error with the
 * reason (inconclusive, exit 3), never a silent partial read that would report missing records.
 */
import { UserError } from '../../core/index.js';
import { FhirTransportError, type FhirClient, type SearchPage } from '../../fhir/index.js';
import { parseWhen } from '../../inputs/index.js';
import type { RetrievalNote } from './match.js';
import { recordFromAuditEvent, type AuditRecord } from './records.js';

export interface FhirAuditQuery {
  /** The client to search with: its base URL, credentials, retries and exchange sink. */
  client: FhirClient;
  /** Records at or after this instant. */
  since: Date;
  /** Records at or before this instant (the whole second). */
  until: Date;
  /** `_count` asked per page. Default 100. */
  pageSize?: number;
  /** Pages read at most by one search. Default 100. */
  maxPages?: number;
  /** AuditEvents read at most by one search. Default 10 000. */
  maxRecords?: number;
}

export type AuditStrategy = 'date' | '_lastUpdated' | 'all-pages';

export interface AuditRetrieval extends RetrievalNote {
  strategy: AuditStrategy;
  statement: string;
  pages: number;
  /** AuditEvents the server returned; `records` holds those recorded in the span. */
  recordsRead: number;
  caps: { pages: number; records: number };
  /** Each search tried, in order, and what the server did with it. */
  attempts: { search: string; result: string }[];
}

export interface AuditFetch {
  records: AuditRecord[];
  retrieval: AuditRetrieval;
}

type Json = Record<string, unknown>;

function fetchError(message: string, where: string, hint: string, cause?: unknown): UserError {
  return new UserError('E_AUDIT_FETCH', message, {
    location: { file: where },
    hint,
    exitCode: 3,
    cause,
  });
}

/** Seconds precision without milliseconds: what every server's date search accepts. */
const instant = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const PREFIX = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)/;

/** Two search values mean the same: equal text, or the same prefix and the same instant. */
function sameValue(asked: string, echoed: string): boolean {
  if (asked === echoed) return true;
  const p = PREFIX.exec(asked)?.[0] ?? '';
  if ((PREFIX.exec(echoed)?.[0] ?? '') !== p) return false;
  const a = Date.parse(asked.slice(p.length));
  return !Number.isNaN(a) && a === Date.parse(echoed.slice(p.length));
}

/**
 * The parameters of `asked` (among `names`) that the server's self link does not carry with
 * every value asked: the ones it ignored (R4 search.html#errors).
 */
export function ignoredParameters(asked: URLSearchParams, self: string, names: string[]): string[] {
  let echoed: URLSearchParams;
  try {
    echoed = new URL(self, 'http://self.invalid/').searchParams;
  } catch {
    return names;
  }
  return names.filter((n) => {
    const got = echoed.getAll(n);
    return !asked.getAll(n).every((v) => got.some((g) => sameValue(v, g)));
  });
}

interface Walk {
  first?: SearchPage;
  /** The HTTP status when the first page was refused. */
  refused?: number;
  events: Json[];
  pages: number;
  /** Stopped at a cap with more pages to come. */
  truncated: boolean;
  /** Stopped on purpose after the first page (its self link showed the search was not applied). */
  abandoned: boolean;
}

const REFUSED = new Set([400, 422, 501]);

function pageError(page: SearchPage, base: string): UserError {
  const s = page.response.status;
  if (s === 200 && page.malformed)
    return fetchError(
      `audit event search answered a Bundle that cannot be read: ${page.malformed}`,
      page.url,
      'the server must answer a FHIR R4 searchset Bundle (bundle.html); the audit trail of the span cannot be known from this answer',
    );
  if (s === 200)
    return fetchError(
      'audit event search did not return a Bundle',
      page.url,
      'the URL must be a FHIR R4 base',
    );
  return fetchError(
    `audit event search answered HTTP ${s}`,
    page.url,
    s === 401 || s === 403
      ? 'the audit identity lacks access: check --user/--basic-env/--bearer-env'
      : `check that ${base} is a FHIR R4 base that serves AuditEvent`,
  );
}

/** Read one search page by page; `keepGoing(first)` may stop it after the first page. */
async function walk(
  q: FhirAuditQuery,
  params: URLSearchParams,
  keepGoing: (first: SearchPage) => boolean,
): Promise<Walk> {
  const caps = capsOf(q);
  const w: Walk = { events: [], pages: 0, truncated: false, abandoned: false };
  try {
    for await (const page of q.client.pages('AuditEvent', params.toString(), {
      maxPages: caps.pages,
    })) {
      w.pages++;
      if (!page.bundle) {
        if (w.pages === 1 && REFUSED.has(page.response.status)) {
          w.refused = page.response.status;
          return w;
        }
        throw pageError(page, q.client.baseUrl);
      }
      w.first ??= page;
      for (const e of page.bundle.entry ?? []) {
        // Other entries are OperationOutcomes (search mode outcome) or includes.
        if (e.resource?.resourceType === 'AuditEvent') w.events.push(e.resource);
      }
      if (w.pages === 1 && !keepGoing(page)) {
        w.abandoned = true;
        return w;
      }
      if (page.next && (w.pages >= caps.pages || w.events.length >= caps.records)) {
        w.truncated = true;
        return w;
      }
    }
  } catch (e) {
    if (!(e instanceof FhirTransportError)) throw e;
    throw fetchError(
      `cannot fetch audit events: ${e.message}`,
      q.client.baseUrl,
      'check the FHIR base URL and that the server is running',
      e,
    );
  }
  return w;
}

function capsOf(q: FhirAuditQuery) {
  return { pages: q.maxPages ?? 100, records: q.maxRecords ?? 10_000 };
}

const recordedMs = (ev: Json) =>
  typeof ev.recorded === 'string' ? parseWhen(ev.recorded)?.ms : undefined;
const lastUpdatedMs = (ev: Json) => {
  const v = (ev.meta as Json | undefined)?.lastUpdated;
  return typeof v === 'string' ? parseWhen(v)?.ms : undefined;
};

interface Span {
  from: number;
  to: number;
}

/** The span as the search asks it: whole seconds, `le` covering its whole second (R4 search.html#date). */
function spanOf(q: FhirAuditQuery): Span {
  const from = Math.floor(q.since.getTime() / 1000) * 1000;
  return { from, to: Math.floor(q.until.getTime() / 1000) * 1000 + 999 };
}

const inSpan = (ms: number | undefined, s: Span) => ms !== undefined && ms >= s.from && ms <= s.to;

/**
 * Did the server apply `name`? Its self link says so (R4 search.html#errors). Without one, the
 * returned records are the evidence: one outside the span shows the parameter was ignored; with
 * none outside, the answer is what a filtered search would give.
 */
function judge(
  name: string,
  asked: URLSearchParams,
  w: Walk,
  valueOf: (ev: Json) => number | undefined,
  span: Span,
): { applied: boolean; how: string } {
  const self = w.first?.self;
  if (self) {
    const ignored = ignoredParameters(asked, self, [name]).length > 0;
    return ignored
      ? { applied: false, how: `${name} ignored by the server (not in Bundle.link self)` }
      : { applied: true, how: `${name} applied by the server` };
  }
  const outside = w.events.filter((ev) => !inSpan(valueOf(ev), span)).length;
  if (outside > 0)
    return {
      applied: false,
      how: `${name} ignored by the server (no Bundle.link self; ${outside} returned record(s) outside the span)`,
    };
  return {
    applied: true,
    how: `${name} applied by the server (no Bundle.link self; every returned record in the span)`,
  };
}

function toRecords(events: Json[], base: string): AuditRecord[] {
  return events.map((r, i) =>
    recordFromAuditEvent(r, {
      file: base,
      path: typeof r.id === 'string' ? `AuditEvent/${r.id}` : `entry ${i + 1}`,
    }),
  );
}

function capReached(q: FhirAuditQuery, w: Walk, search: string): UserError {
  const caps = capsOf(q);
  return fetchError(
    `${search}: stopped at ${w.pages} page(s) and ${w.events.length} AuditEvents before the last page (caps: ${caps.pages} pages, ${caps.records} records), so the audit trail of the span cannot be known`,
    q.client.baseUrl,
    'let the server filter AuditEvent by date or _lastUpdated (R4 search), or check an exported log instead (compliance.audit source: ndjson or csv)',
  );
}

/** Search AuditEvent by `name` ge/le the span; undefined (with a note) when not applied. */
async function byParameter(
  q: FhirAuditQuery,
  name: 'date' | '_lastUpdated',
  attempts: AuditRetrieval['attempts'],
): Promise<
  (Omit<AuditFetch, 'retrieval'> & { pages: number; read: number; how: string }) | undefined
> {
  const span = spanOf(q);
  const params = new URLSearchParams();
  params.append(name, `ge${instant(span.from)}`);
  params.append(name, `le${instant(span.to - 999)}`);
  params.set('_count', String(q.pageSize ?? 100));
  const search = `AuditEvent?${decodeURIComponent(params.toString())}`;
  const valueOf = name === 'date' ? recordedMs : lastUpdatedMs;
  const w = await walk(q, params, (first) =>
    first.self ? ignoredParameters(params, first.self, [name]).length === 0 : true,
  );
  if (w.refused !== undefined) {
    attempts.push({ search, result: `refused (HTTP ${w.refused})` });
    return undefined;
  }
  const verdict = judge(name, params, w, valueOf, span);
  attempts.push({ search, result: verdict.how });
  if (!verdict.applied) return undefined;
  if (w.truncated) throw capReached(q, w, search);
  // `recorded` decides, whichever parameter selected: a record stored in the span but recorded
  // outside it is no record of these actions (and `date` searched `recorded` already).
  const kept = w.events.filter((ev) => name === 'date' || inSpan(recordedMs(ev), span));
  return {
    records: toRecords(kept, q.client.baseUrl),
    pages: w.pages,
    read: w.events.length,
    how: verdict.how,
  };
}

/**
 * The AuditEvents recorded in [since, until], and how they were found (see the module comment).
 * Throws UserError E_AUDIT_FETCH (exit 3) when the server cannot be read or no way works.
 */
export async function fetchAuditEvents(q: FhirAuditQuery): Promise<AuditFetch> {
  const caps = capsOf(q);
  const attempts: AuditRetrieval['attempts'] = [];
  const done = (
    strategy: AuditStrategy,
    statement: string,
    r: { records: AuditRecord[]; pages: number; read: number },
  ): AuditFetch => ({
    records: r.records,
    retrieval: { strategy, statement, pages: r.pages, recordsRead: r.read, caps, attempts },
  });
  const byDate = await byParameter(q, 'date', attempts);
  if (byDate) return done('date', byDate.how, byDate);
  const why = attempts[0]!.result.replace(/^date /, '');
  const byLastUpdated = await byParameter(q, '_lastUpdated', attempts);
  if (byLastUpdated) return done('_lastUpdated', `date ${why}; used _lastUpdated`, byLastUpdated);

  const params = new URLSearchParams({ _count: String(q.pageSize ?? 100) });
  const search = `AuditEvent?${params.toString()}`;
  const w = await walk(q, params, () => true);
  if (w.refused !== undefined) {
    attempts.push({ search, result: `refused (HTTP ${w.refused})` });
    throw fetchError(
      `no way to read the audit events of the span: ${attempts.map((a) => `${a.search} ${a.result}`).join('; ')}`,
      q.client.baseUrl,
      'the server must support AuditEvent search by date or _lastUpdated, or let all AuditEvents be read',
    );
  }
  if (w.truncated) throw capReached(q, w, `${search} (date and _lastUpdated not applied)`);
  const span = spanOf(q);
  const kept = w.events.filter((ev) => inSpan(recordedMs(ev), span));
  attempts.push({ search, result: `read ${w.pages} page(s), ${w.events.length} AuditEvents` });
  const lastWhy = attempts[1]!.result.replace(/^_lastUpdated /, '');
  return done(
    'all-pages',
    `date ${why} and _lastUpdated ${lastWhy}; read all ${w.pages} page(s) (${w.events.length} AuditEvents, caps ${caps.pages} pages / ${caps.records} records) and filtered locally by recorded, ${kept.length} in the span`,
    { records: toRecords(kept, q.client.baseUrl), pages: w.pages, read: w.events.length },
  );
}
