/**
 * Where audit records and actions come from, as files: an NDJSON or CSV export, and the kept
 * exchanges. A FHIR server's AuditEvent endpoint is read by fetch.ts. Unreadable files are bad
 * input (exit 2).
 */
import { z } from 'zod';
import type { Exchange } from '../../core/index.js';
import { UserError } from '../../core/index.js';
import { parseCsvText } from '../../inputs/index.js';
import { readTextFile } from '../../inputs/index.js';
import { parseWhen } from '../../inputs/index.js';
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
