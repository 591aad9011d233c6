/**
 * The audit-trail check as `golive run` and the `compliance.audit-coverage` scenario use it:
 * exchanges and an audit source in, one CheckResult out. A source that cannot be read or
 * fetched gives outcome `error` (inconclusive), never `fail`.
 */
import type { CheckResult, Exchange } from '../../core/evidence.js';
import { isUserError } from '../../core/errors.js';
import { errorResult } from '../common/check.js';
import { actionsFromExchanges } from './actions.js';
import { verifyAuditTrail } from './match.js';
import type { AuditRecord } from './records.js';
import { fetchAuditEvents, loadAuditFile, type FhirAuditQuery } from './sources.js';

export type AuditSource =
  | {
      kind: 'fhir';
      baseUrl: string;
      user?: string;
      basic?: { user: string; password: string };
      bearer?: string;
      fetch?: typeof fetch;
      pageSize?: number;
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

/** Load the audit records for the time span of the actions (plus the window either side). */
export async function loadAuditRecords(
  source: AuditSource,
  span: { from: number; to: number },
): Promise<AuditRecord[]> {
  if (source.kind !== 'fhir') return loadAuditFile(source.file, source.kind);
  const q: FhirAuditQuery = {
    baseUrl: source.baseUrl,
    since: new Date(span.from),
    until: new Date(span.to),
    ...(source.user ? { user: source.user } : {}),
    ...(source.basic ? { basic: source.basic } : {}),
    ...(source.bearer ? { bearer: source.bearer } : {}),
    ...(source.fetch ? { fetch: source.fetch } : {}),
    ...(source.pageSize ? { pageSize: source.pageSize } : {}),
  };
  return fetchAuditEvents(q);
}

export function sourceLabel(source: AuditSource): string {
  return source.kind === 'fhir' ? `${source.baseUrl.replace(/\/+$/, '')}/AuditEvent` : source.file;
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
  const from = Math.min(...actions.map((a) => a.startMs)) - windowMs;
  const to = Math.max(...actions.map((a) => a.endMs)) + windowMs;
  let records: AuditRecord[];
  try {
    records = await loadAuditRecords(input.source, { from, to });
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
  return verifyAuditTrail(actions, records, opts);
}
