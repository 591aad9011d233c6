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
import { renderRunPage, type FormName, type RunPageOptions } from './run-page.js';
import { signDecision } from './sign.js';
import { listRuns, reportInputFor, reviewOf, runRecords } from './runs.js';
import { tooMany } from './rate-limit.js';
import { findUserByToken, userNamed } from './users.js';
import { can } from './types.js';

type RunReq = FastifyRequest<{ Params: { runId: string }; Querystring: Record<string, string> }>;
export type Form = Record<string, string | undefined>;

const cfg = (permission: RouteConfig['permission']) => ({ config: { permission } });

const CSP_BASE =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'";
/** Pages run only the dashboard's own script (client.ts), which talks only to the dashboard. */
export const PAGE_CSP = `${CSP_BASE}; script-src 'self'`;
/**
 * The run page's own meta CSP allows the report's inline scripts by hash and the dashboard's
 * script; this header adds the rest (both policies apply).
 */
const RUN_PAGE_CSP = `${CSP_BASE}; script-src 'self' 'unsafe-inline'`;

export function html(reply: FastifyReply, body: string, status = 200, csp = PAGE_CSP) {
  return reply
    .code(status)
    .header('content-security-policy', csp)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(body);
}

export function form(req: FastifyRequest): Form {
  const b = req.body;
  return typeof b === 'object' && b !== null ? (b as Form) : {};
}

/** A session's form must carry the session's CSRF token (`_csrf`), or it is refused. */
export function checkCsrf(
  req: FastifyRequest,
  f: Form,
  hint = 'reload the run page and submit again',
) {
  const s = req.golive.session;
  if (req.golive.who?.via === 'session' && !(s && f._csrf && sameSecret(f._csrf, s.csrf))) {
    throw new ApiError(403, 'E_CSRF', 'the form is stale or came from another site', { hint });
  }
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
      runsPage({
        runs,
        malformed,
        verify,
        who: req.golive.who,
        csrf: req.golive.session?.csrf,
        review: ctx.live.label
          ? {
              label: ctx.live.label,
              canStart: req.golive.who !== null && can(req.golive.who.role, 'run'),
              running: ctx.live.running,
            }
          : undefined,
      }),
    );
  });

  const showRun = async (
    req: RunReq,
    reply: FastifyReply,
    status = 200,
    extra: {
      notice?: string;
      error?: RunPageOptions['error'];
      values?: Form;
    } = {},
  ) => {
    const { runId } = req.params;
    const records = await runRecords(store, runId);
    // A re-rendered form answers a POST: its query is that of the run page it came from.
    const q = req.method === 'GET' ? (req.query ?? {}) : {};
    const forced = q.provisional === '1' || q.provisional === 'true';
    const rv = reviewOf(runId, records, ctx.clock(), forced);
    const input = await reportInputFor(store, records, rv, ctx.version);
    const notice =
      extra.notice ??
      (q.recorded && /^ev-\d+$/.test(q.recorded) ? `Recorded ${q.recorded}.` : undefined);
    const self = `/runs/${encodeURIComponent(runId)}${forced ? '?provisional=1' : ''}`;
    const page = renderRunPage({
      reportHtml: renderHtml(input),
      rv,
      who: req.golive.who,
      csrf: req.golive.session?.csrf,
      today: ctx.clock().toISOString().slice(0, 10),
      self,
      ...(notice ? { notice } : {}),
      ...(extra.error ? { error: extra.error } : {}),
      ...(extra.values ? { values: extra.values } : {}),
    });
    return html(reply, page, status, RUN_PAGE_CSP);
  };

  app.get<{ Params: { runId: string }; Querystring: Record<string, string> }>(
    '/runs/:runId',
    cfg('read'),
    async (req, reply) => showRun(req, reply),
  );

  /** A refused form: the run page again, the error on top of the forms, the input kept. */
  const refused = (req: RunReq, reply: FastifyReply, which: FormName, err: unknown, f: Form) => {
    const { api } = toApiError(err);
    if (api.status !== 400 && api.status !== 401) throw err;
    const { field, hint } = api.extra;
    // Never send a token back into the page.
    const { _csrf: _c, token: _t, ...values } = f;
    return showRun(req, reply, api.status, {
      error: {
        form: which,
        message: api.message,
        ...(field ? { field } : {}),
        ...(hint ? { hint } : {}),
      },
      values,
    });
  };

  const post =
    (
      which: FormName,
      build: typeof attestationRecord,
      toBody: (f: Form) => Record<string, unknown>,
    ) =>
    async (req: RunReq, reply: FastifyReply) => {
      const f = form(req);
      checkCsrf(req, f);
      const { runId } = req.params;
      await runRecords(store, runId);
      let rec;
      try {
        rec = await store.append(build(runId, req.golive.who!, toBody(f), ctx.clock()));
      } catch (err) {
        return refused(req, reply, which, err, f);
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
    post('attest', attestationRecord, (f) =>
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
    post('waive', waiverRecord, (f) =>
      defined({ criterion: f.criterion, reason: f.reason, owner: f.owner, expires: f.expires }),
    ),
  );

  app.post('/runs/:runId/signoffs', cfg('sign'), async (req: RunReq, reply) => {
    const f = form(req);
    checkCsrf(req, f);
    let rec;
    try {
      const statement = f.statement?.trim() ? f.statement : undefined;
      rec = await signDecision(ctx, req, reply, { token: f.token ?? '', statement });
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) throw err;
      return refused(req, reply, 'sign', err, f);
    }
    return reply.redirect(
      `/runs/${encodeURIComponent(req.params.runId)}?recorded=${rec.id}#record`,
      303,
    );
  });

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
