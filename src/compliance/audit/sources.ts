/**
 * Where audit records and actions come from: an NDJSON or CSV export, a FHIR R4 server's
 * AuditEvent endpoint (searched by date, following Bundle `next` links), and the kept exchanges.
 * Unreadable files are bad input (exit 2); an unreachable server is exit 3 (inconclusive).
 */
import { z } from 'zod';
import type { Exchange } from '../../core/evidence.js';
import { UserError } from '../../core/errors.js';
import { parseCsvText } from '../../inputs/csv.js';
import { readTextFile } from '../../inputs/yaml.js';
import { parseWhen } from '../common/fields.js';
import { recordFromAuditEvent, recordFromCsv, type AuditRecord } from './records.js';

const DOCS = 'docs/compliance.md#audit-trail';

/** NDJSON: one AuditEvent per line (FHIR R4 nd-json, as from bulk export). */
export function parseAuditNdjson(text: string, file: string): AuditRecord[] {
  const out: AuditRecord[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch (e) {
      throw new UserError('E_NDJSON', `line is not JSON: ${(e as Error).message}`, {
        location: { file, line: i + 1 },
        hint: 'each line must be one complete AuditEvent JSON object; nothing was imported',
      });
    }
    const o = ev as { resourceType?: unknown };
    if (!ev || typeof ev !== 'object' || o.resourceType !== 'AuditEvent') {
      throw new UserError(
        'E_NDJSON',
        `expected an AuditEvent, got ${typeof o?.resourceType === 'string' ? o.resourceType : typeof ev}`,
        {
          location: { file, line: i + 1 },
          hint: 'export only AuditEvent resources, one per line; nothing was imported',
        },
      );
    }
    out.push(recordFromAuditEvent(ev as Record<string, unknown>, { file, line: i + 1 }));
  });
  return out;
}

const optText = z.string().optional();
/** A time cell must be a readable date-time when present; its zone is judged later. */
const timeCell = z
  .string()
  .refine((s) => parseWhen(s) !== undefined, {
    message: 'expected an ISO date-time, e.g. 2025-03-03T09:15:02+01:00',
  })
  .optional();

export const auditCsvRow = z.object({
  time: timeCell,
  user: optText,
  action: optText,
  object_type: optText,
  object_id: optText,
  patient: optText,
  source: optText,
  outcome: optText,
  message_control_id: optText,
  subtype: optText,
  type: optText,
  id: optText,
});

export const AUDIT_CSV_COLUMNS = [
  'time',
  'user',
  'action',
  'object_type',
  'object_id',
  'patient',
  'source',
  'outcome',
  'message_control_id',
];

export function parseAuditCsv(text: string, file: string): AuditRecord[] {
  return parseCsvText(text, file, auditCsvRow, { required: AUDIT_CSV_COLUMNS, docs: DOCS }).map(
    (r) => recordFromCsv(r.value, { file, line: r.line, row: r.row }),
  );
}

export function loadAuditFile(file: string, format: 'ndjson' | 'csv'): AuditRecord[] {
  const text = readTextFile(file);
  return format === 'csv' ? parseAuditCsv(text, file) : parseAuditNdjson(text, file);
}

export interface FhirAuditQuery {
  /** FHIR R4 base URL, e.g. http://127.0.0.1:8080/fhir */
  baseUrl: string;
  /** Records at or after this instant (`date=ge`). */
  since: Date;
  /** Records at or before this instant (`date=le`). */
  until?: Date;
  pageSize?: number;
  /** Identity sent as `X-Golive-User` (default golive-auditor). */
  user?: string;
  basic?: { user: string; password: string };
  bearer?: string;
  timeoutMs?: number;
  /** Stop after this many pages (a server whose `next` never ends). */
  maxPages?: number;
  fetch?: typeof fetch;
}

function unreachable(message: string, url: string, hint: string, cause?: unknown): UserError {
  return new UserError('E_AUDIT_FETCH', message, {
    location: { file: url },
    hint,
    exitCode: 3,
    cause,
  });
}

/** Seconds precision without milliseconds: what every server's date search accepts. */
const instant = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Search AuditEvent by date and follow `next` links (FHIR R4 search paging, http.html#paging).
 * A `next` link to another origin is refused: credentials must not leave the audited server.
 */
export async function fetchAuditEvents(q: FhirAuditQuery): Promise<AuditRecord[]> {
  const doFetch = q.fetch ?? fetch;
  const base = q.baseUrl.replace(/\/+$/, '');
  const first = new URL(`${base}/AuditEvent`);
  first.searchParams.append('date', `ge${instant(q.since)}`);
  if (q.until) first.searchParams.append('date', `le${instant(q.until)}`);
  first.searchParams.set('_count', String(q.pageSize ?? 100));
  const headers: Record<string, string> = { Accept: 'application/fhir+json' };
  if (q.basic)
    headers.Authorization = `Basic ${Buffer.from(`${q.basic.user}:${q.basic.password}`).toString('base64')}`;
  else if (q.bearer) headers.Authorization = `Bearer ${q.bearer}`;
  else headers['X-Golive-User'] = q.user ?? 'golive-auditor';
  const records: AuditRecord[] = [];
  const seen = new Set<string>();
  let next: string | undefined = first.toString();
  let pages = 0;
  while (next) {
    if (seen.has(next) || pages >= (q.maxPages ?? 1000)) break;
    seen.add(next);
    pages++;
    let res: Response;
    try {
      res = await doFetch(next, { headers, signal: AbortSignal.timeout(q.timeoutMs ?? 30_000) });
    } catch (e) {
      throw unreachable(
        `cannot fetch audit events: ${(e as Error).message}`,
        next,
        'check the FHIR base URL and that the server is running',
        e,
      );
    }
    if (!res.ok) {
      throw unreachable(
        `audit event search answered HTTP ${res.status}`,
        next,
        res.status === 401 || res.status === 403
          ? 'the audit identity lacks access: check --user/--basic-env/--bearer-env'
          : 'check the FHIR base URL and that it supports AuditEvent search by date',
      );
    }
    let bundle: {
      resourceType?: unknown;
      entry?: { resource?: unknown; fullUrl?: unknown }[];
      link?: { relation?: unknown; url?: unknown }[];
    };
    try {
      bundle = (await res.json()) as typeof bundle;
    } catch (e) {
      throw unreachable(
        'audit event search did not return JSON',
        next,
        'the URL must be a FHIR R4 base',
        e,
      );
    }
    if (bundle?.resourceType !== 'Bundle')
      throw unreachable(
        'audit event search did not return a Bundle',
        next,
        'the URL must be a FHIR R4 base',
      );
    for (const [i, e] of (bundle.entry ?? []).entries()) {
      const r = e?.resource as Record<string, unknown> | undefined;
      if (r?.resourceType !== 'AuditEvent') continue; // OperationOutcome entries (search mode outcome)
      const id = typeof r.id === 'string' ? r.id : undefined;
      records.push(
        recordFromAuditEvent(r, {
          file: base,
          path: id ? `AuditEvent/${id}` : `page ${pages} entry ${i + 1}`,
        }),
      );
    }
    const link = (bundle.link ?? []).find((l) => l?.relation === 'next');
    next = typeof link?.url === 'string' ? new URL(link.url, next).toString() : undefined;
    if (next && new URL(next).origin !== first.origin) {
      throw unreachable(
        `refused to follow a next link to another origin (${new URL(next).origin})`,
        base,
        'the server must page on its own origin',
      );
    }
  }
  return records;
}

const exchange = z.object({
  id: z.string(),
  protocol: z.enum(['mllp', 'http']),
  direction: z.enum(['outbound', 'inbound']),
  peer: z.string(),
  startedAt: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO date-time' }),
  durationMs: z.number().nonnegative(),
  request: z.string(),
  response: z.string().optional(),
  summary: z.string(),
  error: z.string().optional(),
});

/** The kept exchanges: a JSON array, `{ "exchanges": [...] }`, or NDJSON (one per line). */
export function loadExchanges(file: string): Exchange[] {
  const text = readTextFile(file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const lines = text.split(/\r?\n/);
    data = [];
    for (const [i, l] of lines.entries()) {
      if (l.trim() === '') continue;
      try {
        (data as unknown[]).push(JSON.parse(l));
      } catch (e) {
        throw new UserError('E_EXCHANGES', `not JSON: ${(e as Error).message}`, {
          location: { file, line: i + 1 },
          hint: 'give a JSON array of exchanges, {"exchanges": [...]} or one exchange per line',
        });
      }
    }
  }
  const list = Array.isArray(data) ? data : (data as { exchanges?: unknown })?.exchanges;
  const parsed = z.array(exchange).safeParse(list);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('');
    throw new UserError('E_EXCHANGES', `${path || '(root)'}: ${issue.message}`, {
      location: { file, path },
      hint: 'the file must hold exchanges as golive keeps them (id, protocol, direction, peer, startedAt, durationMs, request, summary)',
    });
  }
  return parsed.data;
}
