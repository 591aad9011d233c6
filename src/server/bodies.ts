/**
 * Request bodies that add evidence: an attestation (a person confirms what a machine cannot
 * observe) and a waiver (an approver accepts the risk of an open criterion). Who and when come
 * from the authenticated user and the server clock, never from the body.
 */
import { z } from 'zod';
import type { Attestation, Waiver } from '../core/index.js';
import type { NewRecord } from '../evidence/index.js';
import { STANDARD_TEMPLATE, waiverEnd } from '../review/index.js';
import { ApiError, fromZod } from './errors.js';
import type { Identity } from './types.js';

const CRITERIA = STANDARD_TEMPLATE.criteria.map((c) => c.id) as [string, ...string[]];
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

const text = (max: number) => z.string().trim().min(1).max(max);

export const attestationBody = z.strictObject({
  criterion: z.enum(CRITERIA),
  statement: text(2000),
  holds: z.boolean(),
  reference: text(500).optional(),
});

export const waiverBody = z.strictObject({
  criterion: z.enum(CRITERIA),
  reason: text(2000),
  owner: text(200),
  expires: z
    .string()
    .regex(DATE, 'expected an ISO date like 2026-12-31 or an instant with an offset'),
});

export type AttestationBody = z.infer<typeof attestationBody>;
export type WaiverBody = z.infer<typeof waiverBody>;

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'E_INVALID', 'the body must be a JSON object', {
      field: '(body)',
      hint: 'see docs/dashboard.md for the fields',
    });
  }
  const r = schema.safeParse(body);
  if (!r.success) throw fromZod(r.error);
  return r.data;
}

export function attestationRecord(
  runId: string,
  who: Identity,
  body: unknown,
  now: Date,
): NewRecord {
  const b = parse(attestationBody, body);
  const content: Attestation = {
    criterion: b.criterion,
    statement: b.statement,
    attestedBy: who.name,
    role: who.role,
    at: now.toISOString(),
    holds: b.holds,
  };
  if (b.reference) content.reference = b.reference;
  return { kind: 'attestation', runId, author: who.name, content };
}

export function waiverRecord(runId: string, who: Identity, body: unknown, now: Date): NewRecord {
  const b = parse(waiverBody, body);
  const crit = STANDARD_TEMPLATE.criteria.find((c) => c.id === b.criterion)!;
  const { policy } = STANDARD_TEMPLATE;
  if (!policy.waivable.includes(crit.severity)) {
    throw new ApiError(400, 'E_NOT_WAIVABLE', `${crit.id} is a ${crit.severity} criterion`, {
      field: 'criterion',
      hint: `policy ${policy.version} lets only ${policy.waivable.join(' and ')} criteria be waived; a blocker must be met`,
    });
  }
  const end = waiverEnd(b.expires);
  if (Number.isNaN(end) || end <= now.getTime()) {
    throw new ApiError(400, 'E_INVALID', `expires: ${b.expires} is not in the future`, {
      field: 'expires',
      hint: 'a waiver must expire after today; a date covers that whole day (UTC)',
    });
  }
  const content: Waiver = {
    criterion: b.criterion,
    approver: who.name,
    approverRole: who.role,
    reason: b.reason,
    owner: b.owner,
    expires: b.expires,
    grantedAt: now.toISOString(),
  };
  return { kind: 'waiver', runId, author: who.name, content };
}
