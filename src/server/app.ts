/**
 * The dashboard server (fastify 5): authentication and permissions before any body is read,
 * one audit entry per request, JSON errors without stack traces, and the API and UI routes.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AuditLog, isoWithOffset } from './audit-log.js';
import { resolveIdentity, Sessions } from './auth.js';
import { registerApi } from './api.js';
import type { RouteConfig, ServerContext } from './context.js';
import { ApiError, sendError, toApiError } from './errors.js';
import { errorPage } from './pages.js';
import { html, registerUi } from './ui.js';
import { can, type ServerOptions } from './types.js';

export const DEFAULT_BODY_LIMIT = 64 * 1024;

const isApi = (req: FastifyRequest) => req.url === '/api' || req.url.startsWith('/api/');

/** Never keep a credential that someone pasted into a URL. */
function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token|auth)=)[^&#]*/gi, '$1[redacted]');
}

function fail(req: FastifyRequest, reply: FastifyReply, err: ApiError): FastifyReply {
  if (isApi(req)) return sendError(reply, err);
  return html(
    reply,
    errorPage(err.status, err.message, err.extra.hint, req.golive.who),
    err.status,
  );
}

/** Enforce the route's permission. Runs in onRequest, before the body is read. */
async function guard(ctx: ServerContext, req: FastifyRequest, reply: FastifyReply) {
  const api = isApi(req);
  const r = resolveIdentity(req, ctx, api);
  if (r.kind === 'user') {
    req.golive.who = r.who;
    req.golive.session = r.session;
  }
  const cfg = req.routeOptions.config as Partial<RouteConfig> | undefined;
  const permission = cfg?.permission ?? 'read';
  if (permission === 'public') return;
  if (r.kind === 'invalid') {
    reply.header('www-authenticate', 'Bearer realm="golive", error="invalid_token"');
    return fail(
      req,
      reply,
      new ApiError(401, 'E_AUTH_INVALID', `not signed in: ${r.why}`, {
        hint: 'send Authorization: Bearer <token> with a token from your administrator',
      }),
    );
  }
  if (r.kind === 'none') {
    if (!ctx.users) {
      return fail(
        req,
        reply,
        new ApiError(
          401,
          'E_AUTH_REQUIRED',
          'this dashboard has no users file and answers this machine only',
          {
            hint: 'ask the operator to start golive serve with --users FILE',
          },
        ),
      );
    }
    if (!api && req.method === 'GET') {
      return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    }
    reply.header('www-authenticate', 'Bearer realm="golive"');
    return fail(
      req,
      reply,
      new ApiError(401, 'E_AUTH_REQUIRED', 'authentication required', {
        hint: 'send Authorization: Bearer <token>; `golive serve --hash-token` makes one',
      }),
    );
  }
  if (permission !== 'read' && !can(r.who.role, permission)) {
    const hint = !ctx.users
      ? 'the dashboard is read-only without --users'
      : permission === 'waive'
        ? 'only users with the approver role may waive'
        : permission === 'attest'
          ? 'attestations need the attestor or approver role'
          : 'the audit log is for admins';
    return fail(
      req,
      reply,
      new ApiError(403, 'E_FORBIDDEN', `${r.who.name} (${r.who.role}) may not ${permission}`, {
        hint,
      }),
    );
  }
}

export interface App {
  app: FastifyInstance;
  audit: AuditLog;
}

export function createApp(opts: ServerOptions): App {
  const audit = AuditLog.open(opts.auditFile);
  const clock = opts.clock ?? (() => new Date());
  const ctx: ServerContext = {
    store: opts.store,
    users: opts.users,
    sessions: new Sessions(clock),
    audit,
    clock,
    version: opts.version,
    log: opts.log ?? (() => {}),
  };
  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Request ids and the like would otherwise come from headers the client controls.
    trustProxy: false,
    routerOptions: { maxParamLength: 200 },
  });

  app.decorateRequest('golive', null as never);
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.addHook('onRequest', async (req, reply) => {
    req.golive = { who: null, session: undefined, detail: undefined };
    reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
    return guard(ctx, req, reply);
  });

  app.addHook('onResponse', async (req, reply) => {
    const who = req.golive?.who ?? null;
    const entry = {
      at: isoWithOffset(clock()),
      who: who?.name ?? null,
      role: who?.role ?? null,
      method: req.method,
      route: req.routeOptions.url ?? '(none)',
      url: redactUrl(req.url),
      remote: req.socket.remoteAddress ?? '(unknown)',
      status: reply.statusCode,
      ...(req.golive?.detail ? { detail: req.golive.detail } : {}),
    };
    try {
      audit.append(entry);
    } catch (err) {
      ctx.log(`audit log write failed: ${(err as Error).message}`);
    }
    ctx.log(`${entry.method} ${entry.url} ${entry.status} ${entry.who ?? '-'} ${entry.remote}`);
  });

  app.setErrorHandler(async (err, req, reply) => {
    const { api, internal } = toApiError(err);
    if (internal)
      ctx.log(
        `internal error on ${req.method} ${redactUrl(req.url)}: ${(err as Error)?.stack ?? String(err)}`,
      );
    if (req.golive === null || req.golive === undefined)
      req.golive = { who: null, session: undefined, detail: undefined };
    return fail(req, reply, api);
  });

  app.setNotFoundHandler(async (req, reply) =>
    fail(
      req,
      reply,
      new ApiError(
        404,
        'E_NOT_FOUND',
        `nothing at ${req.method} ${redactUrl(req.url).split('?')[0]}`,
        {
          hint: isApi(req) ? 'see docs/dashboard.md for the endpoints' : 'start from the runs list',
        },
      ),
    ),
  );

  registerApi(app, ctx);
  registerUi(app, ctx);
  return { app, audit };
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  audit: AuditLog;
  close(): Promise<void>;
}

/** Create the app and listen; `close` stops accepting, finishes requests, closes the audit log. */
export async function startServer(
  opts: ServerOptions & { host?: string; port?: number },
): Promise<RunningServer> {
  const { app, audit } = createApp(opts);
  try {
    await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  } catch (err) {
    audit.close();
    throw err;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  const host = opts.host ?? '127.0.0.1';
  const shown = host.includes(':') ? `[${host}]` : host;
  let closed = false;
  return {
    url: `http://${shown}:${port}/`,
    app,
    audit,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      audit.close();
    },
  };
}
