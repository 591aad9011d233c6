/**
 * The FHIR R4 REST API over the site's store (R4 http.html): read, search, create and update,
 * errors as OperationOutcome, an AuditEvent for every interaction; and the control API.
 * The interactions are in fhir-routes.ts, the shared replies and request readers in
 * fhir-http.ts; this file puts the server together.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { INTERACTION } from './audit.js';
import { fhirTypeOf, outcome, outcomeOf, type ApiHost } from './fhir-http.js';
import { registerFhirRoutes, restAudit, type RestAudit } from './fhir-routes.js';

export { requester, type ApiHost } from './fhir-http.js';

export async function startApi(host: ApiHost, port: number): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: host.opts.maxBodyBytes, logger: false });
  acceptJsonBodies(app);
  app.setErrorHandler(errorHandler(host));
  app.setNotFoundHandler((req, reply) =>
    outcome(reply, 404, 'not-found', `no route for ${req.method} ${req.url.split('?')[0]}`),
  );
  // Paused or restarting: no store to answer from; 503 with issue code `transient` says retry.
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
  registerFhirRoutes(app, host);
  registerControl(app, host);
  await app.listen({ host: '127.0.0.1', port });
  return app;
}

/**
 * Only JSON bodies (`application/json`, `application/fhir+json`) are accepted; others get 415
 * from Fastify. An empty body is left undefined so validation can name it.
 */
function acceptJsonBodies(app: FastifyInstance): void {
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
}

/** The OperationOutcome issue code for an HTTP status of a failed request (R4 valueset-issue-type). */
function issueCodeOf(status: number): string {
  if (status === 413) return 'too-long';
  if (status === 415) return 'not-supported';
  if (status === 400) return 'structure';
  return 'exception';
}

/**
 * Every error becomes an OperationOutcome; one on a FHIR URL is audited too, as the
 * interaction its method stands for, so a refused or failed request still leaves a trace.
 */
function errorHandler(host: ApiHost) {
  const opts = host.opts;
  const audit = restAudit(host);
  return (
    err: Error & { statusCode?: number; code?: string },
    req: FastifyRequest,
    reply: FastifyReply,
  ) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) opts.log(`FHIR API error: ${err.stack ?? err.message}`);
    if (req.url.startsWith('/fhir')) {
      try {
        audit(req, failedRequestAudit(req, status, err.message));
      } catch {
        // Auditing must not hide the original error.
      }
    }
    return outcome(
      reply,
      status,
      issueCodeOf(status),
      status === 413 ? `request body over ${opts.maxBodyBytes} bytes` : err.message,
    );
  };
}

function failedRequestAudit(req: FastifyRequest, status: number, message: string): RestAudit {
  const action = req.method === 'POST' ? 'C' : req.method === 'PUT' ? 'U' : 'R';
  return {
    action,
    outcome: outcomeOf(status),
    outcomeDesc: message,
    subtype: [
      { system: INTERACTION, code: action === 'C' ? 'create' : action === 'U' ? 'update' : 'read' },
    ],
    entities: [],
    resourceType: fhirTypeOf(req.url),
  };
}

/** Control API (docs/site.md): outside the FHIR base so it never looks like a FHIR operation. */
function registerControl(app: FastifyInstance, host: ApiHost): void {
  app.post('/control/pause', async () => (await host.pause(), { ok: true, ...host.status() }));
  app.post('/control/resume', async () => (await host.resume(), { ok: true, ...host.status() }));
  app.post('/control/restart', async () => (await host.restart(), { ok: true, ...host.status() }));
  app.get('/control/status', async () => ({ ok: true, ...host.status() }));
}
