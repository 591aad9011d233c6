/**
 * Who is asking. API clients send `Authorization: Bearer <token>`; the browser signs in once
 * with a name and the same token and then carries an HttpOnly, SameSite=Strict session cookie,
 * good for the pages and the JSON API (Secure over TLS; sessions live in memory and end at sign-out or when the server stops). Without a users file the dashboard is read-only and
 * answers loopback requests only.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { findUserByToken } from './users.js';
import type { Identity, User } from './types.js';

export const SESSION_COOKIE = 'golive_session';
const SESSION_MS = 8 * 60 * 60 * 1000;

export interface Session {
  id: string;
  user: User;
  /** Sent back in every UI form, so another site cannot post on the user's behalf. */
  csrf: string;
  expires: number;
}

export class Sessions {
  private readonly byId = new Map<string, Session>();
  constructor(private readonly clock: () => Date) {}

  create(user: User): Session {
    const now = this.clock().getTime();
    for (const [id, s] of this.byId) if (s.expires <= now) this.byId.delete(id);
    const s: Session = {
      id: randomBytes(32).toString('base64url'),
      user,
      csrf: randomBytes(24).toString('base64url'),
      expires: now + SESSION_MS,
    };
    this.byId.set(s.id, s);
    return s;
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.byId.get(id);
    if (s && s.expires <= this.clock().getTime()) {
      this.byId.delete(id);
      return undefined;
    }
    return s;
  }

  delete(id: string): void {
    this.byId.delete(id);
  }
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, '');
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // a cookie we did not set; ignore it
    }
  }
  return out;
}

export type Resolved =
  | { kind: 'user'; who: Identity; session?: Session }
  | { kind: 'none' }
  | { kind: 'invalid'; why: string };

export interface AuthContext {
  users: readonly User[] | undefined;
  sessions: Sessions;
}

/**
 * Resolve the caller: a bearer token, else the browser's session cookie, for pages and the JSON
 * API alike (so the JSON views work for signed-in users). The cookie is SameSite=Strict, and a
 * session's unsafe requests need its CSRF token besides (guard.ts), so no other site can make a
 * request count.
 */
export function resolveIdentity(req: FastifyRequest, ctx: AuthContext): Resolved {
  if (!ctx.users) {
    return isLoopback(req.socket.remoteAddress)
      ? { kind: 'user', who: { name: 'local', role: 'viewer', via: 'loopback' } }
      : { kind: 'none' };
  }
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header);
    if (!m) return { kind: 'invalid', why: 'the Authorization header is not "Bearer <token>"' };
    const user = findUserByToken(ctx.users, m[1]!);
    if (!user) return { kind: 'invalid', why: 'the token is not valid' };
    return { kind: 'user', who: { name: user.name, role: user.role, via: 'token' } };
  }
  const session = ctx.sessions.get(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
  if (session) {
    const { name, role } = session.user;
    return { kind: 'user', who: { name, role, via: 'session' }, session };
  }
  return { kind: 'none' };
}

/** `secure`: only ever sent back over HTTPS (RFC 6265 §4.1.2.5); set when served over TLS. */
export function sessionCookie(id: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

export const SESSION_MAX_AGE_S = SESSION_MS / 1000;
