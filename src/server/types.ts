/**
 * Types of the dashboard server: who may do what, and how the server is configured.
 * Roles are not a ladder: `admin` runs the dashboard and reads its audit log but does not attest
 * or waive, so the person who administers the tool is not the one accepting clinical risk
 * (segregation of duties, the same rule golive checks at the site: compliance.roles-duties).
 */
import type { EvidenceStore } from '../evidence/index.js';
import type { SignInLimits } from './rate-limit.js';

export const ROLES = ['viewer', 'attestor', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type Permission = 'read' | 'attest' | 'waive' | 'audit';

export const PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: ['read'],
  attestor: ['read', 'attest'],
  approver: ['read', 'attest', 'waive'],
  admin: ['read', 'audit'],
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
}
