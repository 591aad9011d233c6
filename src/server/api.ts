/**
 * The JSON API. Reads come from the evidence store; the two writes (attestation, waiver) append
 * records and never edit or delete anything. Permissions per route are in `config.permission`,
 * enforced before the body is read (see app.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { attestationRecord, waiverRecord } from './bodies.js';
import type { RouteConfig, ServerContext } from './context.js';
import { ApiError, fromZod } from './errors.js';
import { evidenceDetail, listRuns, reviewOf, runRecords, runSummary } from './runs.js';
import { PERMISSIONS } from './types.js';

const read: { config: RouteConfig } = { config: { permission: 'read' } };
type RunParams = { Params: { runId: string } };

const criteriaQuery = z.strictObject({
  status: z.enum(['met', 'not-met', 'not-evidenced', 'inconclusive', 'waived']).optional(),
  provisional: z.enum(['true', 'false', '1', '0']).optional(),
});
const reviewQuery = z.strictObject({ provisional: z.enum(['true', 'false', '1', '0']).optional() });
const auditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().min(1).optional(),
});

function query<S extends z.ZodType>(schema: S, q: unknown): z.output<S> {
  const r = schema.safeParse(q ?? {});
  if (!r.success) throw fromZod(r.error);
  return r.data;
}

const yes = (v: string | undefined) => v === 'true' || v === '1';

export function registerApi(app: FastifyInstance, ctx: ServerContext): void {
  const { store } = ctx;

  app.get('/api/me', read, async (req) => {
    const who = req.golive.who!;
    return {
      name: who.name,
      role: who.role,
      via: who.via,
      permissions: PERMISSIONS[who.role],
      readOnly: ctx.users === undefined,
    };
  });

  // `malformed` names every record the store cannot read; the runs are listed regardless.
  app.get('/api/runs', read, async () => listRuns(store, ctx.clock()));

  app.get<RunParams>('/api/runs/:runId', read, async (req) => {
    const records = await runRecords(store, req.params.runId);
    return runSummary(req.params.runId, records, ctx.clock());
  });

  app.get<RunParams>('/api/runs/:runId/review', read, async (req) => {
    const q = query(reviewQuery, req.query);
    const records = await runRecords(store, req.params.runId);
    return reviewOf(req.params.runId, records, ctx.clock(), yes(q.provisional));
  });

  app.get<RunParams>('/api/runs/:runId/criteria', read, async (req) => {
    const q = query(criteriaQuery, req.query);
    const records = await runRecords(store, req.params.runId);
    const rv = reviewOf(req.params.runId, records, ctx.clock(), yes(q.provisional));
    return {
      runId: rv.runId,
      provisional: rv.provisional,
      decision: rv.review.decision,
      criteria: rv.review.criteria
        .filter((c) => !q.status || c.status === q.status)
        .map((c) => ({
          id: c.id,
          domain: c.domain,
          title: c.title,
          severity: c.severity,
          owner: c.owner,
          status: c.status,
          reason: c.reason,
          evidence: c.evidence,
        })),
    };
  });

  app.get<RunParams>('/api/runs/:runId/evidence', read, async (req) => {
    const records = await runRecords(store, req.params.runId);
    return {
      runId: req.params.runId,
      records: records.map((r) => ({
        id: r.id,
        seq: r.seq,
        kind: r.kind,
        createdAt: r.createdAt,
        author: r.author,
        contentHash: r.contentHash,
        blobs: r.blobs,
      })),
    };
  });

  app.get<{ Params: { id: string } }>('/api/evidence/:id', read, async (req) =>
    evidenceDetail(store, req.params.id),
  );

  app.get('/api/verify', read, async () => store.verify());

  const append = async (req: FastifyRequest<RunParams>, build: typeof attestationRecord) => {
    const { runId } = req.params;
    await runRecords(store, runId);
    const rec = await store.append(build(runId, req.golive.who!, req.body, ctx.clock()));
    req.golive.detail = `appended ${rec.id} (${rec.kind})`;
    const rv = reviewOf(runId, await store.list({ runId }), ctx.clock(), true);
    return {
      record: rec,
      provisional: { decision: rv.review.decision, rationale: rv.review.rationale },
    };
  };

  app.post<RunParams>(
    '/api/runs/:runId/attestations',
    { config: { permission: 'attest' } satisfies RouteConfig },
    async (req, reply) => reply.code(201).send(await append(req, attestationRecord)),
  );

  app.post<RunParams>(
    '/api/runs/:runId/waivers',
    { config: { permission: 'waive' } satisfies RouteConfig },
    async (req, reply) => reply.code(201).send(await append(req, waiverRecord)),
  );

  app.get('/api/audit', { config: { permission: 'audit' } satisfies RouteConfig }, async (req) => {
    const q = query(auditQuery, req.query);
    const entries = ctx.audit.list(q);
    const last = entries[entries.length - 1];
    return {
      entries,
      next:
        entries.length === q.limit && last
          ? `/api/audit?limit=${q.limit}&before=${last.seq}`
          : null,
      chain: ctx.audit.verify(),
    };
  });

  app.all('/api/*', read, async (req) => {
    throw new ApiError(
      404,
      'E_NOT_FOUND',
      `no API endpoint ${req.method} ${req.url.split('?')[0]}`,
      {
        hint: 'see docs/dashboard.md for the endpoints',
      },
    );
  });
}
