/**
 * An approver's sign-off of a run's decision. The machine decides (`golive run` appends a
 * decision record); a person with the approver role then signs that record, re-entering their
 * token (users have no password: the token is their secret, so re-entering it proves the person
 * at the keyboard is the account holder, not whoever found an unlocked browser). The sign-off is
 * appended as evidence: a `decision` record whose content is `{ signoff: {...} }`, naming the
 * decision record and its content hash, so it cannot be moved onto another decision.
 */
import { z } from 'zod';
import type { DecisionValue } from '../core/index.js';
import type { EvidenceRecord, NewRecord } from '../evidence/index.js';
import { ApiError, fromZod } from './errors.js';
import type { Identity } from './types.js';

export interface Signoff {
  /** The evidence record holding the sign-off. */
  recordId: string;
  /** The decision record signed, and the sha256 of its content. */
  decisionRecord: string;
  decisionHash: string;
  decision: DecisionValue;
  signedBy: string;
  role: string;
  at: string;
  statement: string;
  /** How the signer proved who they are at signing: they re-entered their token. */
  reauthenticated: 'token';
}

export const signoffBody = z.strictObject({
  token: z.string().min(1).max(500),
  statement: z.string().trim().max(2000).optional(),
});

const DEFAULT_STATEMENT = 'I have read this review and sign its decision.';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The sign-offs among a run's records (decision records holding `{ signoff }`). */
export function signoffsOf(records: readonly EvidenceRecord[]): Signoff[] {
  const out: Signoff[] = [];
  for (const r of records) {
    if (r.kind !== 'decision' || !isObj(r.content) || !isObj(r.content.signoff)) continue;
    const s = r.content.signoff;
    if (typeof s.decisionRecord !== 'string' || typeof s.signedBy !== 'string') continue;
    out.push({
      recordId: r.id,
      decisionRecord: s.decisionRecord,
      decisionHash: String(s.decisionHash ?? ''),
      decision: s.decision as DecisionValue,
      signedBy: s.signedBy,
      role: String(s.role ?? ''),
      at: String(s.at ?? r.createdAt),
      statement: String(s.statement ?? ''),
      reauthenticated: 'token',
    });
  }
  return out;
}

export function parseSignoff(body: unknown): z.output<typeof signoffBody> {
  if (!isObj(body)) {
    throw new ApiError(400, 'E_INVALID', 'the body must be a JSON object', {
      field: '(body)',
      hint: 'send { "token": "...", "statement": "..." }',
    });
  }
  const r = signoffBody.safeParse(body);
  if (!r.success) throw fromZod(r.error);
  return r.data;
}

/** The sign-off record for `decision` (the run's latest decision record). */
export function signoffRecord(
  decision: EvidenceRecord,
  value: DecisionValue,
  who: Identity,
  statement: string | undefined,
  now: Date,
): NewRecord {
  return {
    kind: 'decision',
    runId: decision.runId,
    author: who.name,
    content: {
      signoff: {
        decisionRecord: decision.id,
        decisionHash: decision.contentHash,
        decision: value,
        signedBy: who.name,
        role: who.role,
        at: now.toISOString(),
        statement: statement && statement.length > 0 ? statement : DEFAULT_STATEMENT,
        reauthenticated: 'token',
      },
    },
  };
}
