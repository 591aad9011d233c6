/**
 * Types of the dashboard server: who may do what, and how the server is configured.
 * Roles are not a ladder: `admin` runs the dashboard and reads its audit log but does not attest
 * or waive, so the person who administers the tool is not the one accepting clinical risk
 * (segregation of duties, the same rule golive checks at the site: compliance.roles-duties).
 */
import type { DecisionValue } from '../core/index.js';
import type { EvidenceStore } from '../evidence/index.js';
import type { SignInLimits } from './rate-limit.js';

export const ROLES = ['viewer', 'attestor', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * `run`: start the configured review from the dashboard (it sends test traffic and records
 * evidence, but decides nothing a person must accept). `sign`: sign a run's decision record,
 * re-entering one's token: accepting the go-live decision, like waiving, is the approver's.
 */
export type Permission = 'read' | 'attest' | 'waive' | 'audit' | 'run' | 'sign';

export const PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: ['read'],
  attestor: ['read', 'attest', 'run'],
  approver: ['read', 'attest', 'waive', 'sign', 'run'],
  admin: ['read', 'audit', 'run'],
};

export function can(role: Role, p: Permission): boolean {
  return PERMISSIONS[role].includes(p);
}

export interface User {
  name: string;
  role: Role;
  /** sha256 hex of the bearer token; the token itself is never stored. */
  tokenSha256: string;
}

/** Who made a request, once authenticated. */
export interface Identity {
  name: string;
  role: Role;
  /** How they proved it. `loopback`: no users file, read-only access from this machine. */
  via: 'token' | 'session' | 'loopback';
}

/** A step of a running review as the runner reports it (the terminal's task list, mirrored). */
export type StepState = 'pending' | 'running' | 'pass' | 'fail' | 'error' | 'skip';

/** Where a review started from the dashboard reports its progress (live.ts). */
export interface ReviewProgress {
  add(id: string, title: string): void;
  start(id: string, detail?: string): void;
  note(id: string, detail: string): void;
  finish(id: string, state: Exclude<StepState, 'pending' | 'running'>, detail?: string): void;
}

/**
 * The configured review the dashboard may start: the same runner as `golive run`, handed in by
 * the CLI (server/ does not import runner/). One at a time; its progress shows on /live.
 */
export interface ReviewStarter {
  /** What a start runs, shown on the page (e.g. `golive.yaml against lis.example.org`). */
  label: string;
  start(opts: {
    /** Recorded as the author of the run's evidence: the signed-in user who started it. */
    author: string;
    progress: ReviewProgress;
  }): Promise<{ runId: string; decision: DecisionValue }>;
}

export interface ServerOptions {
  store: EvidenceStore;
  /** Users allowed in; undefined = no users file: read-only, loopback requests only. */
  users?: User[];
  /** SQLite file of the dashboard's own audit log. */
  auditFile: string;
  /** Time source (audit entries, provisional reviews, waiver grant times). */
  clock?: () => Date;
  /** golive version shown in pages and reports. */
  version: string;
  /** One line per request (never tokens or bodies); default: silent. */
  log?: (line: string) => void;
  /** Largest request body accepted, in bytes (default 64 KiB). */
  bodyLimit?: number;
  /** Address the server binds to (default 127.0.0.1); also a host name it answers to. */
  host?: string;
  /**
   * Host names answered besides the defaults (loopback names and the bound address, or this
   * machine's name and addresses when bound to all interfaces); anything else gets 421.
   */
  allowedHosts?: string[];
  /** Serve HTTPS with this key and certificate (PEM); session cookies are then `Secure`. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Mark session cookies `Secure` on plain HTTP too: behind a TLS-terminating proxy. */
  secureCookies?: boolean;
  /** Failed sign-ins allowed per address and per account (default DEFAULT_SIGN_IN_LIMITS). */
  signInLimits?: SignInLimits;
  /** The review "Start review" runs (`golive serve --config`); none: the button is not shown. */
  reviews?: ReviewStarter;
  /** How often open live pages' store is checked for new records, in ms (default 2000). */
  liveIntervalMs?: number;
}
