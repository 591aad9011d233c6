/** What every route needs, built once by createApp, plus the per-request state. */
import type { EvidenceStore } from '../evidence/index.js';
import type { FastifyRequest } from 'fastify';
import type { AuditLog } from './audit-log.js';
import type { EventHub, LiveReviews } from './live.js';
import type { Session, Sessions } from './auth.js';
import type { SignInLimiter } from './rate-limit.js';
import type { Identity, Permission, User } from './types.js';

export interface ServerContext {
  store: EvidenceStore;
  users: User[] | undefined;
  sessions: Sessions;
  audit: AuditLog;
  clock: () => Date;
  version: string;
  log: (line: string) => void;
  /** Host names the server answers to (hosts.ts). */
  hosts: ReadonlySet<string>;
  limiter: SignInLimiter;
  /** Session cookies `Secure` even on plain HTTP (a TLS proxy in front). */
  secureCookies: boolean;
  /** The review started from the dashboard, and the event stream of open pages (live.ts). */
  live: LiveReviews;
  events: EventHub;
  /** Write the request's audit entry now (a response that never ends: an event stream). */
  auditNow(req: FastifyRequest, status: number): void;
}

/** Route config: the permission a route needs (`public`: anyone, e.g. the sign-in page). */
export interface RouteConfig {
  permission: Permission | 'public';
}

export interface RequestState {
  who: Identity | null;
  session: Session | undefined;
  /** What the request changed, for the audit log (e.g. `appended ev-42`). */
  detail: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    golive: RequestState;
  }
}
