/**
 * The dashboard server (fastify 5): Host allow-list, authentication and permissions before any
 * body is read (guard.ts), one audit entry per request however it was answered (routes, the
 * router's errors, the HTTP parser's), JSON errors without stack traces, the API and UI routes.
 */
import type { Socket } from 'node:net';
import Fastify, {
  type FastifyInstance,
  type FastifyRequest,
  type ConnectionError,
  type FastifyServerOptions,
} from 'fastify';
import { AuditLog, isoWithOffset, type AuditEntryInput } from './audit-log.js';
import { Sessions } from './auth.js';
import { registerApi } from './api.js';
import type { ServerContext } from './context.js';
import { ApiError, toApiError } from './errors.js';
import { fromParser, fromRouter, rawResponse, requestLine } from './framework-errors.js';
import { fail, guard, isApi, redactUrl } from './guard.js';
import { allowedHosts } from './hosts.js';
import { DEFAULT_SIGN_IN_LIMITS, SignInLimiter } from './rate-limit.js';
import { registerUi } from './ui.js';
import { EventHub, LiveReviews } from './live.js';
import { registerLive } from './routes-live.js';
import type { ServerOptions } from './types.js';

export const DEFAULT_BODY_LIMIT = 64 * 1024;

export interface App {
  app: FastifyInstance;
  audit: AuditLog;
}

export function createApp(opts: ServerOptions): App {
  const audit = AuditLog.open(opts.auditFile);
  const clock = opts.clock ?? (() => new Date());
  const log = opts.log ?? (() => {});
  const live = new LiveReviews(opts.reviews, clock, log);
  const events = new EventHub(opts.store, live, opts.liveIntervalMs ?? 2000, log);
  /** One audit entry per request, whichever path answered it (hook, router, parser). */
  const audited = new WeakSet<object>();
  const writeAudit = (raw: object, entry: AuditEntryInput) => {
    if (audited.has(raw)) return;
    audited.add(raw);
    try {
      audit.append(entry);
    } catch (err) {
      log(`audit log write failed: ${(err as Error).message}`);
    }
    log(`${entry.method} ${entry.url} ${entry.status} ${entry.who ?? '-'} ${entry.remote}`);
  };
  const entryOf = (req: FastifyRequest, status: number): AuditEntryInput => {
    const who = req.golive?.who ?? null;
    return {
      at: isoWithOffset(clock()),
      who: who?.name ?? null,
      role: who?.role ?? null,
      method: req.method,
      route: req.routeOptions?.url ?? '(none)',
      url: redactUrl(req.url),
      remote: req.socket.remoteAddress ?? '(unknown)',
      status,
      ...(req.golive?.detail ? { detail: req.golive.detail } : {}),
    };
  };

  const ctx: ServerContext = {
    store: opts.store,
    users: opts.users,
    sessions: new Sessions(clock),
    audit,
    clock,
    version: opts.version,
    log,
    hosts: allowedHosts(opts.host ?? '127.0.0.1', opts.allowedHosts),
    limiter: new SignInLimiter(opts.signInLimits ?? DEFAULT_SIGN_IN_LIMITS, clock),
    secureCookies: opts.secureCookies ?? false,
    live,
    events,
    auditNow: (req, status) => writeAudit(req.raw, entryOf(req, status)),
  };

  const base = {
    logger: false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Request ids and the like would otherwise come from headers the client controls.
    trustProxy: false,
    routerOptions: { maxParamLength: 200 },
    // Router errors (a %-escape that does not decode, an over-long parameter): our shape, audited.
    frameworkErrors: (err, req, reply) => {
      if (req.golive === null || req.golive === undefined)
        req.golive = { who: null, session: undefined, detail: undefined };
      reply.header('x-content-type-options', 'nosniff');
      reply.raw.once('finish', () => writeAudit(req.raw, entryOf(req, reply.statusCode)));
      return fail(req, reply, fromRouter(err));
    },
    // Requests Node's parser rejects never become requests: answer and audit them here.
    clientErrorHandler: (err: ConnectionError, socket: Socket) => {
      const api = socket.destroyed ? undefined : fromParser(err);
      if (api) {
        // Node hands the bytes it parsed as a Buffer (typed otherwise by fastify).
        const raw: unknown = err.rawPacket;
        const { method, url } = requestLine(Buffer.isBuffer(raw) ? raw : undefined);
        writeAudit(socket, {
          at: isoWithOffset(clock()),
          who: null,
          role: null,
          method,
          route: '(none)',
          url: redactUrl(url),
          remote: socket.remoteAddress ?? '(unknown)',
          status: api.status,
          detail: `refused by the HTTP parser (${err.code ?? 'error'})`,
        });
        if (socket.writable) socket.write(rawResponse(api));
      }
      socket.destroy();
    },
  } satisfies FastifyServerOptions;
  // Node would answer a request without Host with a bare 400 and no audit entry; the Host
  // allow-list in guard.ts refuses it in the API's shape instead. An https.Server is an
  // http.Server underneath: routes and hooks are the same, hence the one instance type.
  let app: FastifyInstance;
  try {
    app = opts.tls
      ? (Fastify({
          ...base,
          https: { ...opts.tls, requireHostHeader: false },
        }) as unknown as FastifyInstance)
      : Fastify({ ...base, http: { requireHostHeader: false } });
  } catch (err) {
    // An unusable certificate or key throws here, before anything listens.
    audit.close();
    throw err;
  }

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

  app.addHook('onResponse', async (req, reply) =>
    writeAudit(req.raw, entryOf(req, reply.statusCode)),
  );

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

  // Event streams never end on their own: end them first, or close would wait for them.
  app.addHook('preClose', async () => events.close());

  registerApi(app, ctx);
  registerUi(app, ctx);
  registerLive(app, ctx);
  return { app, audit };
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  audit: AuditLog;
  close(): Promise<void>;
}

/** Create the app and listen; `close` stops accepting, finishes requests, closes the audit log. */
export async function startServer(opts: ServerOptions & { port?: number }): Promise<RunningServer> {
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
    url: `${opts.tls ? 'https' : 'http'}://${shown}:${port}/`,
    app,
    audit,
    close: async () => {
      if (closed) return;
      closed = true;
      // Finish what is in flight, but never hang on a client that keeps a connection busy
      // (a response body it never reads): after 2 s the remaining connections are dropped.
      const stragglers = setTimeout(() => app.server.closeAllConnections(), 2000);
      stragglers.unref();
      await app.close();
      clearTimeout(stragglers);
      audit.close();
    },
  };
}
