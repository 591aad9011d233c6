/**
 * Go-live day routes: the dashboard script, the event stream, the live view and starting the
 * configured review, comparing two runs, signing a decision (API; the form is in ui.ts) and the
 * export of a run's review. Pages and their JSON views share the same permissions.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DASHBOARD_JS } from './client.js';
import { compareRuns, type RunComparison } from './compare.js';
import type { RouteConfig, ServerContext } from './context.js';
import { fromZod } from './errors.js';
import { exportFiles } from './export.js';
import { comparePage, livePage } from './pages-live.js';
import { DASHBOARD_JS_PATH } from './pages.js';
import { listRuns, reviewOf, runRecords } from './runs.js';
import { signDecision } from './sign.js';
import { tarChunks } from './tar.js';
import { checkCsrf, form, html, PAGE_CSP } from './ui.js';

const cfg = (permission: RouteConfig['permission']) => ({ config: { permission } });
type RunReq = FastifyRequest<{ Params: { runId: string } }>;

const compareQuery = z.strictObject({
  a: z.string().min(1).max(200),
  b: z.string().min(1).max(200),
});

export function registerLive(app: FastifyInstance, ctx: ServerContext): void {
  const { store, live } = ctx;

  app.get(DASHBOARD_JS_PATH, cfg('public'), async (_req, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(DASHBOARD_JS),
  );

  // Server-sent events: `review` (the live review's state) and `store` (its record count).
  app.get('/api/events', cfg('read'), async (req, reply) => {
    reply.hijack();
    req.golive.detail = 'event stream opened';
    ctx.auditNow(req, 200);
    await ctx.events.attach(reply.raw, {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
  });

  app.get('/live', cfg('read'), async (req, reply) =>
    html(
      reply,
      livePage({
        who: req.golive.who,
        csrf: req.golive.session?.csrf,
        review: live.snapshot(),
        label: live.label,
      }),
    ),
  );

  app.get('/api/reviews/current', cfg('read'), async () => ({
    configured: live.configured,
    label: live.label ?? null,
    review: live.snapshot(),
  }));

  const start = (req: FastifyRequest) => {
    const r = live.start(req.golive.who!.name);
    req.golive.detail = `started review #${r.seq}`;
    return r;
  };

  app.post('/api/reviews', cfg('run'), async (req, reply) => reply.code(202).send(start(req)));

  app.post('/reviews', cfg('run'), async (req, reply) => {
    checkCsrf(req, form(req), 'reload the runs list and start again');
    start(req);
    return reply.redirect('/live', 303);
  });

  const comparison = async (a: string, b: string): Promise<RunComparison> => {
    const ra = await runRecords(store, a);
    const rb = await runRecords(store, b);
    const now = ctx.clock();
    return compareRuns(
      { review: reviewOf(a, ra, now), records: ra },
      { review: reviewOf(b, rb, now), records: rb },
    );
  };

  app.get('/api/compare', cfg('read'), async (req) => {
    const r = compareQuery.safeParse(req.query ?? {});
    if (!r.success) throw fromZod(r.error);
    return comparison(r.data.a, r.data.b);
  });

  app.get<{ Querystring: Record<string, string> }>('/compare', cfg('read'), async (req, reply) => {
    const { runs } = await listRuns(store, ctx.clock());
    const q = req.query ?? {};
    const a = q.a ?? runs[1]?.id ?? '';
    const b = q.b ?? runs[0]?.id ?? '';
    const cmp = q.a && q.b ? await comparison(q.a, q.b) : undefined;
    return html(
      reply,
      comparePage({ who: req.golive.who, csrf: req.golive.session?.csrf, runs, a, b, cmp }),
      200,
      PAGE_CSP,
    );
  });

  app.post<{ Params: { runId: string } }>(
    '/api/runs/:runId/signoffs',
    cfg('sign'),
    async (req, reply) => {
      const rec = await signDecision(ctx, req, reply, req.body);
      const rv = reviewOf(
        req.params.runId,
        await store.list({ runId: req.params.runId }),
        ctx.clock(),
      );
      return reply.code(201).send({ record: rec, signoffs: rv.signoffs });
    },
  );

  const exportRun = async (req: RunReq, reply: FastifyReply) => {
    const { runId } = req.params;
    const records = await runRecords(store, runId);
    const now = ctx.clock();
    const { folder, files, manifest } = await exportFiles(store, records, {
      runId,
      now,
      by: req.golive.who!.name,
      version: ctx.version,
    });
    req.golive.detail = `exported ${manifest.files.length} files (${manifest.signoffs.length} sign-off(s))`;
    return reply
      .type('application/x-tar')
      .header('content-disposition', `attachment; filename="${folder}.tar"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(tarChunks(files, now)));
  };
  app.get('/runs/:runId/export', cfg('read'), exportRun);
  app.get('/api/runs/:runId/export', cfg('read'), exportRun);
}
