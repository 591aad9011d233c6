/**
 * The FHIR R4 REST API over the site's store (R4 http.html): read, search, create and update,
 * errors as OperationOutcome, an AuditEvent for every interaction; and the control API.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { searchset } from '../fhir/bundle.js';
import { stringifyFhir } from '../fhir/json.js';
import { operationOutcome, type Observation, type Resource } from '../fhir/resources.js';
import { INTERACTION, type AuditInput } from './audit.js';
import type { ResolvedOptions } from './options.js';
import type { Runtime } from './runtime.js';
import { capability } from './capability.js';
import { SearchError, resourceTypesFor, search, type Query } from './search.js';
import { applyFailedCycle, cycleFailed, isCycleResult } from './sterilization.js';
import { WRITABLE, checkResource } from './validate.js';

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

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', FHIR_JSON).send(stringifyFhir(body));
}

function outcome(
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

const outcomeOf = (status: number): AuditInput['outcome'] =>
  status < 400 ? '0' : status < 500 ? '4' : '8';

/** The resource type of a `/fhir/Type...` URL, for audit records of failed requests. */
function fhirTypeOf(url: string): string | undefined {
  return /^\/fhir\/([A-Z][A-Za-z]+)/.exec(url)?.[1];
}

/**
 * The patients a search is scoped to (R4 search parameters `patient`, and `subject` when it
 * names a Patient): the audit record names them even when nothing matched.
 */
function searchedPatients(q: Query): string[] {
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
function handlingOf(req: FastifyRequest, opts: ResolvedOptions): 'strict' | 'lenient' {
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
function appliedParts(rawQuery: string, ignored: string[]): string[] {
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

export async function startApi(host: ApiHost, port: number): Promise<FastifyInstance> {
  const opts = host.opts;
  const app = Fastify({ bodyLimit: opts.maxBodyBytes, logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/fhir+json'],
    { parseAs: 'string' },
    (_req, body, done) => {
      if (body === '') return done(null, undefined);
      try {
        done(null, JSON.parse(body as string));
      } catch (e) {
        done(
          Object.assign(new Error(`the body is not valid JSON: ${(e as Error).message}`), {
            statusCode: 400,
          }),
          undefined,
        );
      }
    },
  );

  const audit = (req: FastifyRequest, a: Omit<AuditInput, 'kind' | 'who' | 'address'>) =>
    host.runtime()?.audit({ ...a, kind: 'rest', who: requester(req), address: req.ip });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    const code =
      status === 413
        ? 'too-long'
        : status === 415
          ? 'not-supported'
          : status === 400
            ? 'structure'
            : 'exception';
    if (status >= 500) opts.log(`FHIR API error: ${err.stack ?? err.message}`);
    const action = req.method === 'POST' ? 'C' : req.method === 'PUT' ? 'U' : 'R';
    if (req.url.startsWith('/fhir')) {
      try {
        audit(req, {
          action,
          outcome: outcomeOf(status),
          outcomeDesc: err.message,
          subtype: [
            {
              system: INTERACTION,
              code: action === 'C' ? 'create' : action === 'U' ? 'update' : 'read',
            },
          ],
          entities: [],
          resourceType: fhirTypeOf(req.url),
        });
      } catch {
        // Auditing must not hide the original error.
      }
    }
    return outcome(
      reply,
      status,
      code,
      status === 413 ? `request body over ${opts.maxBodyBytes} bytes` : err.message,
    );
  });
  app.setNotFoundHandler((req, reply) =>
    outcome(reply, 404, 'not-found', `no route for ${req.method} ${req.url.split('?')[0]}`),
  );

  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/fhir') && (host.paused || !host.runtime())) {
      return outcome(
        reply,
        503,
        'transient',
        host.paused ? 'the site is paused' : 'the site is restarting',
      );
    }
  });

  app.get('/fhir/metadata', async (_req, reply) =>
    send(reply, 200, capability(opts, opts.clock())),
  );

  const types = new Set(resourceTypesFor(opts.rules));
  const knownType = (type: string, reply: FastifyReply) => {
    if (types.has(type)) return true;
    void outcome(reply, 404, 'not-supported', `resource type "${type}" is not supported here`);
    return false;
  };

  app.get<{ Params: { type: string }; Querystring: Query }>('/fhir/:type', async (req, reply) => {
    const { type } = req.params;
    if (!knownType(type, reply)) return reply;
    const rt = host.runtime()!;
    const rawQuery = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    // The search as asked, for the audit record: matched by what was asked, not what was found.
    const query = `${host.fhirBase()}/${type}?${rawQuery}`;
    const q = req.query;
    const subtype = [{ system: INTERACTION, code: 'search-type' }];
    const num = (name: string, def: number, max: number) => {
      const v = q[name];
      if (v === undefined) return def;
      const n = Number(Array.isArray(v) ? v[0] : v);
      if (!Number.isInteger(n) || n < 0)
        throw new SearchError(`${name} must be a non-negative integer`);
      return Math.min(n, max);
    };
    try {
      const count = num('_count', 50, 500);
      const offset = num('_offset', 0, Number.MAX_SAFE_INTEGER);
      const found = search(rt.store, type, q, {
        rules: opts.rules,
        handling: handlingOf(req, opts),
      });
      const all = found.resources;
      const page = all.slice(offset, offset + count);
      const keep = appliedParts(rawQuery, found.ignored);
      const bundle = searchset(page, {
        base: host.fhirBase(),
        type,
        query: keep,
        offset,
        count,
        total: all.length,
        id: opts.newId(),
        lastUpdated: new Date(opts.clock()).toISOString(),
      });
      audit(req, {
        action: 'E',
        outcome: '0',
        subtype,
        entities: page.map((r) => `${type}/${r.id}`),
        patients: searchedPatients(q),
        query,
      });
      return send(reply, 200, bundle);
    } catch (e) {
      if (!(e instanceof SearchError)) throw e;
      audit(req, {
        action: 'E',
        outcome: '4',
        outcomeDesc: e.message,
        subtype,
        entities: [],
        patients: searchedPatients(q),
        query,
      });
      return outcome(reply, 400, 'invalid', e.message);
    }
  });

  app.get<{ Params: { type: string; id: string } }>('/fhir/:type/:id', async (req, reply) => {
    const { type, id } = req.params;
    if (!knownType(type, reply)) return reply;
    const r = host.runtime()!.store.get(type, id);
    const subtype = [{ system: INTERACTION, code: 'read' }];
    audit(req, { action: 'R', outcome: r ? '0' : '4', subtype, entities: [`${type}/${id}`] });
    if (!r) return outcome(reply, 404, 'not-found', `${type}/${id} is not known`);
    reply
      .header('etag', `W/"${r.meta?.versionId}"`)
      .header('last-modified', new Date(r.meta!.lastUpdated!).toUTCString());
    return send(reply, 200, r);
  });

  const write = (
    req: FastifyRequest<{ Params: { type: string; id?: string }; Body: unknown }>,
    reply: FastifyReply,
  ) => {
    const { type, id } = req.params;
    if (!knownType(type, reply)) return reply;
    const interaction = id === undefined ? 'create' : 'update';
    const subtype = [{ system: INTERACTION, code: interaction }];
    const action = interaction === 'create' ? 'C' : 'U';
    if (!WRITABLE.has(type)) {
      audit(req, {
        action,
        outcome: '4',
        outcomeDesc: `${interaction} not allowed`,
        subtype,
        entities: id === undefined ? [] : [`${type}/${id}`],
        resourceType: type,
      });
      return outcome(
        reply,
        405,
        'not-supported',
        `${interaction} is not supported for ${type} (it is filed from HL7 v2 messages)`,
      );
    }
    const bad = checkResource(type, req.body, id);
    if (bad) {
      audit(req, {
        action,
        outcome: '4',
        outcomeDesc: bad.message,
        subtype,
        entities: id === undefined ? [] : [`${type}/${id}`],
        resourceType: type,
      });
      return outcome(reply, bad.status, bad.code, bad.message, bad.expression);
    }
    const rt = host.runtime()!;
    const body = structuredClone(req.body) as Resource;
    delete body.meta;
    if (id === undefined) delete body.id;
    else body.id = id;
    const before = id !== undefined ? rt.store.get(type, id) : undefined;
    const stored = rt.tx(() => {
      const s = rt.store.put(body);
      const touched = [`${type}/${s.id}`];
      const wasFailed = before && isCycleResult(before) && cycleFailed(before);
      if (
        isCycleResult(s) &&
        cycleFailed(s) &&
        !wasFailed &&
        !opts.faultSet.has('cycle-failure-ignored')
      ) {
        touched.push(
          ...applyFailedCycle({ ...storeFacade(rt), newId: opts.newId }, s as Observation),
        );
      }
      rt.audit({
        kind: 'rest',
        action: before ? 'U' : 'C',
        outcome: '0',
        who: requester(req),
        address: req.ip,
        subtype,
        entities: touched,
      });
      return s;
    });
    reply.header(
      'location',
      `${host.fhirBase()}/${type}/${stored.id}/_history/${stored.meta?.versionId}`,
    );
    reply.header('etag', `W/"${stored.meta?.versionId}"`);
    return send(reply, before ? 200 : 201, stored);
  };
  app.post<{ Params: { type: string }; Body: unknown }>('/fhir/:type', async (req, reply) =>
    write(req, reply),
  );
  app.put<{ Params: { type: string; id: string }; Body: unknown }>(
    '/fhir/:type/:id',
    async (req, reply) => write(req, reply),
  );
  for (const method of ['DELETE', 'PATCH'] as const) {
    app.route({
      method,
      url: '/fhir/*',
      handler: async (req, reply) => {
        // A refused attempt to change data is still audited (who tried, on what, outcome).
        const ref = /^\/fhir\/([A-Z][A-Za-z]+)\/([^/?#]+)/.exec(req.url);
        audit(req, {
          action: method === 'DELETE' ? 'D' : 'U',
          outcome: '4',
          outcomeDesc: `${method} is not supported`,
          subtype: [{ system: INTERACTION, code: method === 'DELETE' ? 'delete' : 'patch' }],
          entities: ref ? [`${ref[1]}/${ref[2]}`] : [],
          resourceType: fhirTypeOf(req.url),
        });
        return outcome(reply, 405, 'not-supported', `${method} is not supported`);
      },
    });
  }

  // Control API (docs/site.md): outside the FHIR base so it never looks like a FHIR operation.
  app.post('/control/pause', async () => (await host.pause(), { ok: true, ...host.status() }));
  app.post('/control/resume', async () => (await host.resume(), { ok: true, ...host.status() }));
  app.post('/control/restart', async () => (await host.restart(), { ok: true, ...host.status() }));
  app.get('/control/status', async () => ({ ok: true, ...host.status() }));

  await app.listen({ host: '127.0.0.1', port });
  return app;
}

function storeFacade(rt: Runtime) {
  const s = rt.store;
  return {
    get: <T extends Resource>(type: string, id: string) => s.get<T>(type, id),
    all: <T extends Resource>(type: string) => s.all<T>(type),
    clone: <T extends Resource>(r: T) => s.clone(r),
    put: <T extends Resource>(r: T) => s.put(r),
  };
}
