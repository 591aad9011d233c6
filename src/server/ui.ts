/**
 * Browser routes: the runs list, a run page, the attestation and waiver forms, sign-in/out.
 * Forms post application/x-www-form-urlencoded; a session's forms carry its CSRF token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderHtml } from '../report/index.js';
import { SESSION_MAX_AGE_S, sameSecret, sessionCookie } from './auth.js';
import { attestationRecord, waiverRecord } from './bodies.js';
import type { RouteConfig, ServerContext } from './context.js';
import { ApiError, toApiError } from './errors.js';
import { loginPage, runsPage } from './pages.js';
import { renderRunPage } from './run-page.js';
import { listRuns, reportInputFor, reviewOf, runRecords } from './runs.js';
import { tooMany } from './rate-limit.js';
import { findUserByToken, userNamed } from './users.js';

type RunReq = FastifyRequest<{ Params: { runId: string }; Querystring: Record<string, string> }>;
type Form = Record<string, string | undefined>;

const cfg = (permission: RouteConfig['permission']) => ({ config: { permission } });

export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/** The run page's own meta CSP allows only the report's scripts, by hash; this header adds the rest. */
const RUN_PAGE_CSP = `${PAGE_CSP}; script-src 'unsafe-inline'`;

export function html(reply: FastifyReply, body: string, status = 200, csp = PAGE_CSP) {
  return reply
    .code(status)
    .header('content-security-policy', csp)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(body);
}

function form(req: FastifyRequest): Form {
  const b = req.body;
  return typeof b === 'object' && b !== null ? (b as Form) : {};
}

/** A local path to return to after signing in; anything else goes to the runs list. */
function safeNext(v: string | undefined): string {
  return v && /^\/(?![/\\])[\x21-\x7e]*$/.test(v) ? v : '/';
}

export function registerUi(app: FastifyInstance, ctx: ServerContext): void {
  const { store } = ctx;

  app.get('/favicon.ico', cfg('public'), async (_req, reply) => reply.code(204).send());

  app.get('/', cfg('read'), async (req, reply) => {
    const { runs, malformed } = await listRuns(store, ctx.clock());
    const verify = await store.verify();
    return html(
      reply,
      runsPage({ runs, malformed, verify, who: req.golive.who, csrf: req.golive.session?.csrf }),
    );
  });

  const showRun = async (
    req: RunReq,
    reply: FastifyReply,
    status = 200,
    extra: { notice?: string; error?: { message: string; field?: string; hint?: string } } = {},
  ) => {
    const { runId } = req.params;
    const records = await runRecords(store, runId);
    const q = req.query ?? {};
    const forced = q.provisional === '1' || q.provisional === 'true';
    const rv = reviewOf(runId, records, ctx.clock(), forced);
    const input = await reportInputFor(store, records, rv, ctx.version);
    const notice =
      extra.notice ??
      (q.recorded && /^ev-\d+$/.test(q.recorded) ? `Recorded ${q.recorded}.` : undefined);
    const page = renderRunPage({
      reportHtml: renderHtml(input),
      rv,
      who: req.golive.who,
      csrf: req.golive.session?.csrf,
      ...(notice ? { notice } : {}),
      ...(extra.error ? { error: extra.error } : {}),
    });
    return html(reply, page, status, RUN_PAGE_CSP);
  };

  app.get<{ Params: { runId: string }; Querystring: Record<string, string> }>(
    '/runs/:runId',
    cfg('read'),
    async (req, reply) => showRun(req, reply),
  );

  const post =
    (build: typeof attestationRecord, toBody: (f: Form) => Record<string, unknown>) =>
    async (req: RunReq, reply: FastifyReply) => {
      const f = form(req);
      const s = req.golive.session;
      if (req.golive.who?.via === 'session' && !(s && f._csrf && sameSecret(f._csrf, s.csrf))) {
        throw new ApiError(403, 'E_CSRF', 'the form is stale or came from another site', {
          hint: 'reload the run page and submit again',
        });
      }
      const { runId } = req.params;
      await runRecords(store, runId);
      let rec;
      try {
        rec = await store.append(build(runId, req.golive.who!, toBody(f), ctx.clock()));
      } catch (err) {
        const { api } = toApiError(err);
        if (api.status !== 400) throw err;
        const { field, hint } = api.extra;
        return showRun(req, reply, 400, {
          error: { message: api.message, ...(field ? { field } : {}), ...(hint ? { hint } : {}) },
        });
      }
      req.golive.detail = `appended ${rec.id} (${rec.kind})`;
      return reply.redirect(`/runs/${encodeURIComponent(runId)}?recorded=${rec.id}#record`, 303);
    };

  const opt = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  const defined = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

  app.post(
    '/runs/:runId/attestations',
    cfg('attest'),
    post(attestationRecord, (f) =>
      defined({
        criterion: f.criterion,
        statement: f.statement,
        holds: f.holds === 'yes' ? true : f.holds === 'no' ? false : f.holds,
        reference: opt(f.reference),
      }),
    ),
  );

  app.post(
    '/runs/:runId/waivers',
    cfg('waive'),
    post(waiverRecord, (f) =>
      defined({ criterion: f.criterion, reason: f.reason, owner: f.owner, expires: f.expires }),
    ),
  );

  app.get<{ Querystring: { next?: string } }>('/login', cfg('public'), async (req, reply) =>
    html(reply, loginPage({ next: safeNext(req.query.next), readOnly: !ctx.users })),
  );

  /** Secure cookies over TLS, or when told a TLS proxy is in front (req.protocol trusts no header). */
  const secure = (req: FastifyRequest) => ctx.secureCookies || req.protocol === 'https';

  app.post('/login', cfg('public'), async (req, reply) => {
    const f = form(req);
    const next = safeNext(f.next);
    if (!ctx.users) return html(reply, loginPage({ next, readOnly: true }), 401);
    const name = f.name?.slice(0, 120);
    const address = req.socket.remoteAddress ?? '(unknown)';
    // The account the form names, if it exists: its failures count against it (rate-limit.ts).
    const named = name === undefined ? undefined : userNamed(ctx.users, name);
    const refusal = ctx.limiter.check(address, named?.name);
    if (refusal) {
      req.golive.detail = `sign-in refused: too many failures (${refusal.scope})`;
      const api = tooMany(refusal);
      reply.header('retry-after', String(refusal.retryAfterS));
      const error = `${api.message[0]!.toUpperCase()}${api.message.slice(1)}; ${api.extra.hint}.`;
      return html(reply, loginPage({ next, readOnly: false, error, name }), 429);
    }
    const user = f.token ? findUserByToken(ctx.users, f.token.trim()) : undefined;
    if (!user || user !== named) {
      ctx.limiter.failed(address, named?.name);
      req.golive.detail = named ? `sign-in failed for "${named.name}"` : 'sign-in failed';
      const error = 'That name and token do not match a user.';
      return html(reply, loginPage({ next, readOnly: false, error, name }), 401);
    }
    ctx.limiter.succeeded(user.name);
    const s = ctx.sessions.create(user);
    req.golive.who = { name: user.name, role: user.role, via: 'session' };
    req.golive.detail = 'signed in';
    return reply
      .header('set-cookie', sessionCookie(s.id, SESSION_MAX_AGE_S, secure(req)))
      .redirect(next, 303);
  });

  // Signing out ends the session on the server, not only in this browser, and needs the form's
  // CSRF token: another site must not be able to sign the user out either.
  app.post('/logout', cfg('public'), async (req, reply) => {
    const s = req.golive.session;
    if (s) {
      const f = form(req);
      if (!(f._csrf && sameSecret(f._csrf, s.csrf))) {
        throw new ApiError(403, 'E_CSRF', 'the sign-out form is stale or came from another site', {
          hint: 'use Sign out on a dashboard page; you are still signed in',
        });
      }
      ctx.sessions.delete(s.id);
      req.golive.detail = 'signed out';
    }
    return reply.header('set-cookie', sessionCookie('', 0, secure(req))).redirect('/login', 303);
  });
}
