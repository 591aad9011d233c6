/**
 * The audit-trail check as `golive run` and the `compliance.audit-coverage` scenario use it:
 * exchanges and an audit source in, one CheckResult out. A source that cannot be read or
 * fetched gives outcome `error` (inconclusive), never `fail`.
 */
import type { CheckResult, Exchange } from '../../core/index.js';
import { isUserError, UserError } from '../../core/index.js';
import { FhirClient, type ExchangeSink, type FhirAuthResolved } from '../../fhir/index.js';
import { errorResult } from '../../core/index.js';
import { actionsFromExchanges } from './actions.js';
import { fetchAuditEvents } from './fetch.js';
import { verifyAuditTrail, type RetrievalNote } from './match.js';
import type { AuditRecord } from './records.js';
import { loadAuditFile } from './sources.js';

export type AuditSource =
  | {
      kind: 'fhir';
      baseUrl: string;
      /**
       * The client to search with (the target's, with its credentials, retries and evidence
       * sink). Without one, a client is made from the fields below.
       */
      client?: FhirClient;
      /** Identity sent as `X-Golive-User` when no credential is given (default golive-auditor). */
      user?: string;
      basic?: { user: string; password: string };
      bearer?: string;
      /** Where the made client keeps its exchanges (the AuditEvent pages) as evidence. */
      sink?: ExchangeSink;
      pageSize?: number;
      /** Caps on reading every page when the server filters by neither date nor _lastUpdated. */
      maxPages?: number;
      maxRecords?: number;
    }
  | { kind: 'ndjson'; file: string }
  | { kind: 'csv'; file: string };

export interface AuditCheckInput {
  exchanges: readonly Exchange[];
  source: AuditSource;
  now: Date;
  windowMs?: number;
  skewMs?: number;
  actionsFile?: string;
}

export const DEFAULT_WINDOW_MS = 5 * 60_000;
export const DEFAULT_SKEW_MS = 2 * 60_000;

/** A FHIR base must be an http(s) URL: anything else is bad input, before anything is sent. */
export function checkFhirBase(baseUrl: string, where = '--fhir'): void {
  let protocol = '';
  try {
    protocol = new URL(baseUrl).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new UserError('E_AUDIT_SOURCE', `${JSON.stringify(baseUrl)} is not an http(s) URL`, {
      location: { path: where },
      hint: 'give the FHIR R4 base, e.g. http://127.0.0.1:8080/fhir',
    });
}

/** The client a FHIR audit source searches with. */
export function auditClient(source: Extract<AuditSource, { kind: 'fhir' }>): FhirClient {
  if (source.client) return source.client;
  checkFhirBase(source.baseUrl);
  const auth: FhirAuthResolved = source.basic
    ? { type: 'basic', username: source.basic.user, password: source.basic.password }
    : source.bearer
      ? { type: 'bearer', token: source.bearer }
      : { type: 'none' };
  return new FhirClient({
    baseUrl: source.baseUrl,
    auth,
    ...(auth.type === 'none'
      ? { headers: { 'x-golive-user': source.user ?? 'golive-auditor' } }
      : {}),
    timeoutMs: 30_000,
    ...(source.sink ? { sink: source.sink } : {}),
  });
}

/**
 * The audit records for the time span of the actions (plus the window either side), and how
 * they were obtained (for a FHIR source: which search the server applied, fetch.ts).
 */
export async function loadAuditTrail(
  source: AuditSource,
  span: { from: number; to: number },
): Promise<{ records: AuditRecord[]; retrieval?: RetrievalNote }> {
  // An export is read whole; the summary names the file already.
  if (source.kind !== 'fhir') return { records: loadAuditFile(source.file, source.kind) };
  return fetchAuditEvents({
    client: auditClient(source),
    since: new Date(span.from),
    until: new Date(span.to),
    ...(source.pageSize ? { pageSize: source.pageSize } : {}),
    ...(source.maxPages ? { maxPages: source.maxPages } : {}),
    ...(source.maxRecords ? { maxRecords: source.maxRecords } : {}),
  });
}

/** The audit records alone (callers that report the retrieval themselves use loadAuditTrail). */
export async function loadAuditRecords(
  source: AuditSource,
  span: { from: number; to: number },
): Promise<AuditRecord[]> {
  return (await loadAuditTrail(source, span)).records;
}

export function sourceLabel(source: AuditSource): string {
  return source.kind === 'fhir' ? `${source.baseUrl.replace(/\/+$/, '')}/AuditEvent` : source.file;
}

/**
 * The time span whose audit records can match `actions`: first start to last end, widened by
 * the window. A loop, not Math.min(...list): spreading 100k+ actions overflows the call stack.
 */
export function auditSpan(
  actions: readonly { startMs: number; endMs: number }[],
  windowMs: number,
): { from: number; to: number } {
  let from = Infinity;
  let to = -Infinity;
  for (const a of actions) {
    from = Math.min(from, a.startMs - windowMs);
    to = Math.max(to, a.endMs + windowMs);
  }
  return { from, to };
}

export async function checkAuditTrail(input: AuditCheckInput): Promise<CheckResult> {
  const windowMs = input.windowMs ?? DEFAULT_WINDOW_MS;
  const { actions, skipped } = actionsFromExchanges(input.exchanges);
  const opts = {
    now: input.now,
    windowMs,
    skewMs: input.skewMs ?? DEFAULT_SKEW_MS,
    skipped,
    sourceLabel: sourceLabel(input.source),
    ...(input.actionsFile ? { actionsFile: input.actionsFile } : {}),
  };
  if (actions.length === 0) return verifyAuditTrail([], [], opts);
  const { from, to } = auditSpan(actions, windowMs);
  let trail: Awaited<ReturnType<typeof loadAuditTrail>>;
  try {
    trail = await loadAuditTrail(input.source, { from, to });
  } catch (e) {
    if (!isUserError(e)) throw e;
    return errorResult(
      {
        check: 'compliance.audit-trail',
        kind: 'audit',
        title: 'Audit trail: every action audited with who, what, when, where, outcome',
        domain: 'compliance',
        criteria: ['compliance.audit-trail'],
        now: input.now,
      },
      e.format(),
    );
  }
  return verifyAuditTrail(actions, trail.records, {
    ...opts,
    ...(trail.retrieval ? { retrieval: trail.retrieval } : {}),
  });
}
