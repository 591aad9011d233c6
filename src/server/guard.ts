/**
 * What every request passes before its route runs (onRequest, before any body is read): a URL
 * of sane length, a Host the dashboard answers to (DNS rebinding), the sign-in rate limit for
 * bearer tokens, then authentication and the route's permission.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveIdentity, sameSecret } from './auth.js';
import type { RouteConfig, ServerContext } from './context.js';
import { ApiError, sendError } from './errors.js';
import { hostOf } from './hosts.js';
import { errorPage } from './pages.js';
import { tooMany } from './rate-limit.js';
import { html } from './ui.js';
import { can } from './types.js';

/** Header in which a browser session's API writes send the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Longer URLs get 414 (RFC 9110 §15.5.15); no route of the dashboard needs more. */
export const MAX_URL = 4096;

export const isApi = (req: FastifyRequest) => req.url === '/api' || req.url.startsWith('/api/');

/** Never keep a credential that someone pasted into a URL. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token|auth)=)[^&#]*/gi, '$1[redacted]');
}

export function fail(req: FastifyRequest, reply: FastifyReply, err: ApiError): FastifyReply {
  if (isApi(req)) return sendError(reply, err);
  return html(
    reply,
    errorPage(err.status, err.message, err.extra.hint, req.golive?.who ?? null),
    err.status,
  );
}

/** The checks before authentication; a refusal is sent and returned, else undefined. */
function admit(ctx: ServerContext, req: FastifyRequest, reply: FastifyReply) {
  if (req.url.length > MAX_URL) {
    return fail(
      req,
      reply,
      new ApiError(414, 'E_URI_TOO_LONG', `the URL is longer than ${MAX_URL} characters`, {
        hint: 'run and record ids are short; check the link',
      }),
    );
  }
  const host = hostOf(req.headers.host);
  if (host === undefined || !ctx.hosts.has(host)) {
    // 421: this server will not answer for that name (RFC 9110 §15.5.20).
    const shown = (req.headers.host ?? '').slice(0, 100);
    return fail(
      req,
      reply,
      new ApiError(
        421,
        'E_HOST',
        shown ? `this dashboard does not answer to the host "${shown}"` : 'no valid Host header',
        {
          hint: 'open it by the name it was started for (127.0.0.1 or localhost), or start golive serve with --allowed-host NAME',
        },
      ),
    );
  }
  // Guessing tokens through the API is limited like the sign-in form (rate-limit.ts).
  if (ctx.users && req.headers.authorization !== undefined) {
    const refusal = ctx.limiter.check(req.socket.remoteAddress ?? '(unknown)');
    if (refusal) {
      req.golive.detail = `refused: too many failed sign-ins (${refusal.scope})`;
      reply.header('retry-after', String(refusal.retryAfterS));
      return fail(req, reply, tooMany(refusal));
    }
  }
  return undefined;
}

/** Enforce the route's permission. Runs in onRequest, before the body is read. */
export async function guard(ctx: ServerContext, req: FastifyRequest, reply: FastifyReply) {
  const refused = admit(ctx, req, reply);
  if (refused) return refused;
  const api = isApi(req);
  const r = resolveIdentity(req, ctx);
  if (r.kind === 'invalid') ctx.limiter.failed(req.socket.remoteAddress ?? '(unknown)');
  if (r.kind === 'user') {
    req.golive.who = r.who;
    req.golive.session = r.session;
  }
  const cfg = req.routeOptions.config as Partial<RouteConfig> | undefined;
  const permission = cfg?.permission ?? 'read';
  // A browser session's API writes carry its CSRF token in a header (forms carry it in the body,
  // checked by their routes); checked before the body is read, whatever the route.
  if (api && r.kind === 'user' && r.session && !SAFE_METHODS.has(req.method)) {
    const sent = req.headers[CSRF_HEADER];
    if (!(typeof sent === 'string' && sameSecret(sent, r.session.csrf))) {
      return fail(
        req,
        reply,
        new ApiError(403, 'E_CSRF', `a signed-in browser's ${req.method} needs its CSRF token`, {
          hint: `send the page's token (meta name="golive-csrf") in the ${CSRF_HEADER} header, or use Authorization: Bearer <token>`,
        }),
      );
    }
  }
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
