/**
 * The FHIR interactions of the site's API (R4 http.html), one registration per interaction:
 * capabilities, search-type, read, create/update, and the refused delete/patch. Every
 * interaction leaves an AuditEvent, refused ones included.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { searchset } from '../fhir/index.js';
import type { Observation, Resource } from '../fhir/index.js';
import { INTERACTION, type AuditInput } from './audit.js';
import { capability } from './capability.js';
import {
  appliedParts,
  fhirTypeOf,
  handlingOf,
  outcome,
  requester,
  searchedPatients,
  send,
  type ApiHost,
} from './fhir-http.js';
import type { ResolvedOptions } from './options.js';
import type { Runtime } from './runtime.js';
import { SearchError, resourceTypesFor, search, type Query } from './search.js';
import { applyFailedCycle, cycleFailed, isCycleResult } from './sterilization.js';
import { WRITABLE, checkResource, type Invalid } from './validate.js';

/** An audit record of a REST interaction; who and from where are taken from the request. */
export type RestAudit = Omit<AuditInput, 'kind' | 'who' | 'address'>;

export function restAudit(host: ApiHost) {
  return (req: FastifyRequest, a: RestAudit) =>
    host.runtime()?.audit({ ...a, kind: 'rest', who: requester(req), address: req.ip });
}

/** What every FHIR route needs: the host, its options, the audit and the type check. */
interface Routes {
  readonly host: ApiHost;
  readonly opts: ResolvedOptions;
  audit(req: FastifyRequest, a: RestAudit): void;
  /** Answers 404 for a type the profile does not serve, so the route only has to return. */
  knownType(type: string, reply: FastifyReply): boolean;
}

type Subtype = RestAudit['subtype'];

export function registerFhirRoutes(app: FastifyInstance, host: ApiHost): void {
  const opts = host.opts;
  const types = new Set(resourceTypesFor(opts.rules));
  const r: Routes = {
    host,
    opts,
    audit: restAudit(host),
    knownType: (type, reply) => {
      if (types.has(type)) return true;
      void outcome(reply, 404, 'not-supported', `resource type "${type}" is not supported here`);
      return false;
    },
  };
  app.get('/fhir/metadata', async (_req, reply) =>
    send(reply, 200, capability(opts, opts.clock())),
  );
  registerSearch(app, r);
  registerRead(app, r);
  registerWrite(app, r);
  registerRefused(app, r);
}

/** `_count` / `_offset`: a non-negative integer, capped; anything else is the client's error. */
function pagingNumber(q: Query, name: string, def: number, max: number): number {
  const v = q[name];
  if (v === undefined) return def;
  const n = Number(Array.isArray(v) ? v[0] : v);
  if (!Number.isInteger(n) || n < 0)
    throw new SearchError(`${name} must be a non-negative integer`);
  return Math.min(n, max);
}

/** One page of a search-type as a searchset Bundle (R4 search.html#return). */
function searchPage(
  r: Routes,
  req: FastifyRequest<{ Querystring: Query }>,
  type: string,
  rawQuery: string,
) {
  const q = req.query;
  const count = pagingNumber(q, '_count', 50, 500);
  const offset = pagingNumber(q, '_offset', 0, Number.MAX_SAFE_INTEGER);
  const found = search(r.host.runtime()!.store, type, q, {
    rules: r.opts.rules,
    handling: handlingOf(req, r.opts),
  });
  const all = found.resources;
  const page = all.slice(offset, offset + count);
  const bundle = searchset(page, {
    base: r.host.fhirBase(),
    type,
    query: appliedParts(rawQuery, found.ignored),
    offset,
    count,
    total: all.length,
    id: r.opts.newId(),
    lastUpdated: new Date(r.opts.clock()).toISOString(),
  });
  return { page, bundle };
}

function registerSearch(app: FastifyInstance, r: Routes): void {
  app.get<{ Params: { type: string }; Querystring: Query }>('/fhir/:type', async (req, reply) => {
    const { type } = req.params;
    if (!r.knownType(type, reply)) return reply;
    const rawQuery = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    // The search as asked, for the audit record: matched by what was asked, not what was found.
    const query = `${r.host.fhirBase()}/${type}?${rawQuery}`;
    const subtype = [{ system: INTERACTION, code: 'search-type' }];
    try {
      const { page, bundle } = searchPage(r, req, type, rawQuery);
      r.audit(req, {
        action: 'E',
        outcome: '0',
        subtype,
        entities: page.map((x) => `${type}/${x.id}`),
        patients: searchedPatients(req.query),
        query,
      });
      return send(reply, 200, bundle);
    } catch (e) {
      if (!(e instanceof SearchError)) throw e;
      r.audit(req, {
        action: 'E',
        outcome: '4',
        outcomeDesc: e.message,
        subtype,
        entities: [],
        patients: searchedPatients(req.query),
        query,
      });
      return outcome(reply, 400, 'invalid', e.message);
    }
  });
}

function registerRead(app: FastifyInstance, r: Routes): void {
  app.get<{ Params: { type: string; id: string } }>('/fhir/:type/:id', async (req, reply) => {
    const { type, id } = req.params;
    if (!r.knownType(type, reply)) return reply;
    const found = r.host.runtime()!.store.get(type, id);
    const subtype = [{ system: INTERACTION, code: 'read' }];
    r.audit(req, { action: 'R', outcome: found ? '0' : '4', subtype, entities: [`${type}/${id}`] });
    if (!found) return outcome(reply, 404, 'not-found', `${type}/${id} is not known`);
    // Version and time of the stored resource (R4 http.html#read: ETag and Last-Modified).
    reply
      .header('etag', `W/"${found.meta?.versionId}"`)
      .header('last-modified', new Date(found.meta!.lastUpdated!).toUTCString());
    return send(reply, 200, found);
  });
}

type WriteRequest = FastifyRequest<{ Params: { type: string; id?: string }; Body: unknown }>;

/** Why a create/update is refused before anything is stored, with what the audit says. */
function writeRefusal(
  type: string,
  body: unknown,
  id: string | undefined,
  interaction: 'create' | 'update',
): (Invalid & { auditDesc: string }) | undefined {
  if (!WRITABLE.has(type))
    return {
      status: 405,
      code: 'not-supported',
      message: `${interaction} is not supported for ${type} (it is filed from HL7 v2 messages)`,
      auditDesc: `${interaction} not allowed`,
    };
  const bad = checkResource(type, body, id);
  return bad && { ...bad, auditDesc: bad.message };
}

/**
 * A sterilization cycle that has just turned failed quarantines its trays (docs/site.md,
 * Sterilization); saving an already failed cycle again does not repeat it. The references of
 * what it changed go into the same audit record.
 */
function failedCycleEffects(
  opts: ResolvedOptions,
  rt: Runtime,
  before: Resource | undefined,
  stored: Resource,
): string[] {
  const wasFailed = before && isCycleResult(before) && cycleFailed(before);
  if (
    isCycleResult(stored) &&
    cycleFailed(stored) &&
    !wasFailed &&
    !opts.faultSet.has('cycle-failure-ignored')
  )
    return applyFailedCycle({ ...storeFacade(rt), newId: opts.newId }, stored as Observation);
  return [];
}

/** Store the body (server-assigned meta; the URL's id wins) and audit it in one transaction. */
function storeWrite(r: Routes, req: WriteRequest, type: string, subtype: Subtype) {
  const { id } = req.params;
  const rt = r.host.runtime()!;
  const body = structuredClone(req.body) as Resource;
  delete body.meta;
  if (id === undefined) delete body.id;
  else body.id = id;
  const before = id !== undefined ? rt.store.get(type, id) : undefined;
  const stored = rt.tx(() => {
    const s = rt.store.put(body);
    const touched = [`${type}/${s.id}`, ...failedCycleEffects(r.opts, rt, before, s)];
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
  return { stored, existed: Boolean(before) };
}

function registerWrite(app: FastifyInstance, r: Routes): void {
  const write = (req: WriteRequest, reply: FastifyReply) => {
    const { type, id } = req.params;
    if (!r.knownType(type, reply)) return reply;
    const interaction = id === undefined ? 'create' : 'update';
    const subtype = [{ system: INTERACTION, code: interaction }];
    const refused = writeRefusal(type, req.body, id, interaction);
    if (refused) {
      r.audit(req, {
        action: interaction === 'create' ? 'C' : 'U',
        outcome: '4',
        outcomeDesc: refused.auditDesc,
        subtype,
        entities: id === undefined ? [] : [`${type}/${id}`],
        resourceType: type,
      });
      return outcome(reply, refused.status, refused.code, refused.message, refused.expression);
    }
    const { stored, existed } = storeWrite(r, req, type, subtype);
    // R4 http.html#create/#update: Location of the new version and its ETag.
    reply.header(
      'location',
      `${r.host.fhirBase()}/${type}/${stored.id}/_history/${stored.meta?.versionId}`,
    );
    reply.header('etag', `W/"${stored.meta?.versionId}"`);
    return send(reply, existed ? 200 : 201, stored);
  };
  app.post<{ Params: { type: string }; Body: unknown }>('/fhir/:type', async (req, reply) =>
    write(req, reply),
  );
  app.put<{ Params: { type: string; id: string }; Body: unknown }>(
    '/fhir/:type/:id',
    async (req, reply) => write(req, reply),
  );
}

function registerRefused(app: FastifyInstance, r: Routes): void {
  for (const method of ['DELETE', 'PATCH'] as const) {
    app.route({
      method,
      url: '/fhir/*',
      handler: async (req, reply) => {
        // A refused attempt to change data is still audited (who tried, on what, outcome).
        const ref = /^\/fhir\/([A-Z][A-Za-z]+)\/([^/?#]+)/.exec(req.url);
        r.audit(req, {
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
