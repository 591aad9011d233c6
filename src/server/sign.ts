/**
 * Signing a run's decision (signoff.ts): the approver re-enters their token, which must be
 * their own (the signed-in account's), under the same failure limit as the sign-in form. A
 * wrong token signs nothing and counts as a failed sign-in for the account and the address.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EvidenceRecord } from '../evidence/index.js';
import type { ServerContext } from './context.js';
import { ApiError } from './errors.js';
import { tooMany } from './rate-limit.js';
import { latestDecision, runRecords } from './runs.js';
import { parseSignoff, signoffRecord } from './signoff.js';
import { findUserByToken } from './users.js';

export async function signDecision(
  ctx: ServerContext,
  req: FastifyRequest<{ Params: { runId: string } }>,
  reply: FastifyReply,
  body: unknown,
): Promise<EvidenceRecord> {
  const who = req.golive.who!;
  const { runId } = req.params;
  const records = await runRecords(ctx.store, runId);
  const decided = latestDecision(records.filter((r) => r.malformed === undefined));
  if (!decided) {
    throw new ApiError(409, 'E_NO_DECISION', `run "${runId}" has no decision record to sign`, {
      hint: 'golive run records the decision; a provisional review cannot be signed',
    });
  }
  const b = parseSignoff(body);
  const address = req.socket.remoteAddress ?? '(unknown)';
  const refusal = ctx.limiter.check(address, who.name);
  if (refusal) {
    req.golive.detail = `sign-off refused: too many failures (${refusal.scope})`;
    reply.header('retry-after', String(refusal.retryAfterS));
    throw tooMany(refusal);
  }
  const user = ctx.users ? findUserByToken(ctx.users, b.token.trim()) : undefined;
  if (!user || user.name !== who.name) {
    ctx.limiter.failed(address, who.name);
    req.golive.detail = `sign-off refused: the token re-entered is not ${who.name}'s`;
    throw new ApiError(401, 'E_REAUTH', 'that is not your access token; nothing was signed', {
      field: 'token',
      hint: 'enter the token you signed in with',
    });
  }
  ctx.limiter.succeeded(user.name);
  const rec = await ctx.store.append(
    signoffRecord(decided.record, decided.review.decision, who, b.statement, ctx.clock()),
  );
  req.golive.detail = `appended ${rec.id} (sign-off of ${decided.record.id})`;
  return rec;
}
