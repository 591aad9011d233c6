/**
 * What the FHIR API's routes share (R4 http.html): the host they serve, the FHIR JSON and
 * OperationOutcome replies, and what a request says about who asks and what it searches.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringifyFhir } from '../fhir/index.js';
import { operationOutcome } from '../fhir/index.js';
import type { AuditInput } from './audit.js';
import type { ResolvedOptions } from './options.js';
import type { Runtime } from './runtime.js';
import type { Query } from './search.js';

export interface ApiHost {
  readonly opts: ResolvedOptions;
  runtime(): Runtime | undefined;
  readonly paused: boolean;
  fhirBase(): string;
  pause(): Promise<void>;
  resume(): Promise<void>;
  restart(): Promise<void>;
  status(): Record<string, unknown>;
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', FHIR_JSON).send(stringifyFhir(body));
}

export function outcome(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  expression?: string,
) {
  return send(
    reply,
    status,
    operationOutcome(code, message, status >= 500 ? 'fatal' : 'error', expression),
  );
}

/** Who is asking: X-Golive-User, else the HTTP Basic user (RFC 7617), else anonymous. */
export function requester(req: FastifyRequest): string {
  const h = req.headers['x-golive-user'];
  if (typeof h === 'string' && h.trim()) return h.trim();
  const auth = req.headers.authorization;
  if (auth?.startsWith('Basic ')) {
    const user = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0];
    if (user) return user;
  }
  return 'anonymous';
}

export const outcomeOf = (status: number): AuditInput['outcome'] =>
  status < 400 ? '0' : status < 500 ? '4' : '8';

/** The resource type of a `/fhir/Type...` URL, for audit records of failed requests. */
export function fhirTypeOf(url: string): string | undefined {
  return /^\/fhir\/([A-Z][A-Za-z]+)/.exec(url)?.[1];
}

/**
 * The patients a search is scoped to (R4 search parameters `patient`, and `subject` when it
 * names a Patient): the audit record names them even when nothing matched.
 */
export function searchedPatients(q: Query): string[] {
  const values = (v: string | string[] | undefined) =>
    (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => x.split(','));
  const out: string[] = [];
  for (const v of values(q.patient))
    out.push(v.includes('/') ? v.split('/').slice(-2).join('/') : `Patient/${v}`);
  for (const v of values(q.subject)) {
    const m = /(?:^|\/)Patient\/([^/]+)$/.exec(v);
    if (m) out.push(`Patient/${m[1]}`);
  }
  return [...new Set(out.filter((r) => /^Patient\/[^/]+$/.test(r)))];
}

/** `Prefer: handling=strict|lenient` (R4 search.html#errors), else the profile's default. */
export function handlingOf(req: FastifyRequest, opts: ResolvedOptions): 'strict' | 'lenient' {
  const prefer = req.headers.prefer;
  const m = /(?:^|[;,\s])handling=(strict|lenient)\b/.exec(
    Array.isArray(prefer) ? prefer.join(',') : (prefer ?? ''),
  );
  return (m?.[1] as 'strict' | 'lenient' | undefined) ?? opts.rules.searchHandling;
}

/**
 * The query parts the self link keeps: paging is re-added by the bundle, and a parameter the
 * search ignored is left out so the client can see it was not applied (R4 search.html#errors).
 */
export function appliedParts(rawQuery: string, ignored: string[]): string[] {
  const skip = new Set(ignored);
  return rawQuery.split('&').filter((p) => {
    if (!p || /^_(count|offset)=/.test(p)) return false;
    const key = p.split('=')[0]!;
    let name = key;
    try {
      name = decodeURIComponent(key.replace(/\+/g, ' '));
    } catch {
      // A malformed escape is kept as written.
    }
    return !skip.has(name);
  });
}
