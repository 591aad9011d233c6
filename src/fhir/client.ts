/**
 * A small FHIR R4 REST client (https://hl7.org/fhir/R4/http.html) for the scenario engine:
 * read, search with paging through `next` links, create and update; auth none, basic or
 * bearer; retries with exponential backoff after a 5xx answer or a connection failure.
 * Every request and response is handed to a sink as an Exchange, with credentials redacted.
 * Transport trouble (no answer after the retries) throws FhirTransportError: callers turn it
 * into an `error` outcome, never a `fail`.
 */
import type { Exchange } from '../core/index.js';

export type FhirAuthResolved =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

/** Receives each exchange (without id) and returns the id it was recorded under. */
export type ExchangeSink = (x: Omit<Exchange, 'id'>) => string;

export interface FhirClientOptions {
  baseUrl: string;
  auth?: FhirAuthResolved;
  timeoutMs?: number;
  retries?: number;
  /** First backoff delay; doubles on each retry. Default 200 ms. */
  backoffMs?: number;
  sink?: ExchangeSink;
  /** Largest number of pages `searchAll` follows. Default 20. */
  maxPages?: number;
  /**
   * Extra request headers (e.g. `X-Golive-User`, the identity an audit check searches under
   * when it has no credential). Kept in the exchanges like the others.
   */
  headers?: Record<string, string>;
}

export interface FhirResponse {
  status: number;
  /** Parsed JSON body, when the body was JSON. */
  body: unknown;
  text: string;
  location?: string;
  /** Ids of the exchanges made (one per attempt). */
  exchangeIds: string[];
}

export class FhirTransportError extends Error {
  readonly exchangeIds: string[];
  constructor(message: string, exchangeIds: string[]) {
    super(message);
    this.name = 'FhirTransportError';
    this.exchangeIds = exchangeIds;
  }
}

export interface FhirResource {
  resourceType: string;
  id?: string;
  [key: string]: unknown;
}

export interface Bundle extends FhirResource {
  resourceType: 'Bundle';
  entry?: { resource?: FhirResource; fullUrl?: string }[];
  link?: { relation: string; url: string }[];
  total?: number;
}

/** One page of a search, as `pages` yields it. */
export interface SearchPage {
  /** The absolute URL this page was asked with. */
  url: string;
  response: FhirResponse;
  /** The page, when the answer was a 200 Bundle; otherwise the walk ends with this page. */
  bundle?: Bundle;
  /**
   * `Bundle.link[self]`, absolute: the search as the server executed it. R4 search.html#errors:
   * a server that ignored a parameter leaves it out of this link.
   */
  self?: string;
  /** `Bundle.link[next]`, absolute; absent on the last page. */
  next?: string;
  /**
   * Why a 200 answer that calls itself a Bundle cannot be read as one (`Bundle.entry is not a
   * list`, a link that is not a URL); then `bundle` is absent and the walk ends with this page.
   */
  malformed?: string;
}

// RFC 9110 section 9.2.2: these methods may be repeated without changing the outcome.
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FhirClient {
  readonly baseUrl: string;
  constructor(private readonly opts: FhirClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  /** The same client, recording into another sink (one per scenario step). */
  withSink(sink: ExchangeSink): FhirClient {
    return new FhirClient({ ...this.opts, sink });
  }

  /** Absolute URL for a path relative to the base (`Observation?code=x`), or the URL itself. */
  url(pathOrUrl: string): string {
    if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
    return `${this.baseUrl}/${pathOrUrl.replace(/^\/+/, '')}`;
  }

  private headers(body: boolean): Record<string, string> {
    const h: Record<string, string> = { ...this.opts.headers, accept: 'application/fhir+json' };
    if (body) h['content-type'] = 'application/fhir+json';
    const a = this.opts.auth;
    if (a?.type === 'basic') {
      h.authorization = `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
    } else if (a?.type === 'bearer') h.authorization = `Bearer ${a.token}`;
    return h;
  }

  /** One request with retries. Throws FhirTransportError when no answer came. */
  async request(method: string, pathOrUrl: string, body?: unknown): Promise<FhirResponse> {
    const url = this.url(pathOrUrl);
    this.checkOrigin(url);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = this.headers(payload !== undefined);
    const retries = this.opts.retries ?? 2;
    const exchangeIds: string[] = [];
    let lastError = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep((this.opts.backoffMs ?? 200) * 2 ** (attempt - 1));
      const startedAt = Date.now();
      const t0 = performance.now();
      const requestText = `${method} ${url}\n${formatHeaders(headers)}${payload ? `\n\n${payload}` : ''}`;
      try {
        const res = await fetch(url, {
          method,
          headers,
          body: payload,
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
        });
        const text = await res.text();
        const durationMs = performance.now() - t0;
        const resHeaders = `content-type: ${res.headers.get('content-type') ?? ''}`;
        exchangeIds.push(
          this.record({
            protocol: 'http',
            direction: 'outbound',
            peer: url,
            startedAt: new Date(startedAt).toISOString(),
            durationMs,
            request: requestText,
            response: `HTTP ${res.status}\n${resHeaders}\n\n${text}`,
            summary: `${method} ${shortPath(url, this.baseUrl)} -> ${res.status} (${Math.round(durationMs)} ms)`,
          }),
        );
        if (res.status >= 500 && attempt < retries && IDEMPOTENT.has(method)) {
          lastError = `HTTP ${res.status}`;
          continue;
        }
        return {
          status: res.status,
          body: parseJson(text),
          text,
          location: res.headers.get('location') ?? undefined,
          exchangeIds,
        };
      } catch (e) {
        const durationMs = performance.now() - t0;
        lastError = describeFetchError(e);
        exchangeIds.push(
          this.record({
            protocol: 'http',
            direction: 'outbound',
            peer: url,
            startedAt: new Date(startedAt).toISOString(),
            durationMs,
            request: requestText,
            summary: `${method} ${shortPath(url, this.baseUrl)} -> ${lastError}`,
            error: lastError,
          }),
        );
        // A POST is retried only when it surely never reached the server.
        if (!IDEMPOTENT.has(method) && !lastError.includes('ECONNREFUSED')) break;
      }
    }
    throw new FhirTransportError(
      `no answer from ${shortPath(url, this.baseUrl)}: ${lastError}`,
      exchangeIds,
    );
  }

  read(type: string, id: string): Promise<FhirResponse> {
    return this.request('GET', `${type}/${encodeURIComponent(id)}`);
  }

  search(
    type: string,
    params: Record<string, string | string[]> | string = {},
  ): Promise<FhirResponse> {
    return this.request('GET', `${type}${toQuery(params)}`);
  }

  create(resource: FhirResource): Promise<FhirResponse> {
    return this.request('POST', resource.resourceType, resource);
  }

  update(resource: FhirResource): Promise<FhirResponse> {
    return this.request(
      'PUT',
      `${resource.resourceType}/${encodeURIComponent(resource.id ?? '')}`,
      resource,
    );
  }

  /**
   * Search and follow `next` links (R4 http.html#paging), returning one searchset Bundle with
   * every entry. Stops at `maxPages`. A non-200 page ends the walk and is returned as is.
   */
  async searchAll(
    type: string,
    params: Record<string, string | string[]> | string = {},
  ): Promise<FhirResponse> {
    let all: Bundle | undefined;
    const ids: string[] = [];
    // The raw page texts are kept: they show decimals exactly as the server wrote them.
    const texts: string[] = [];
    for await (const page of this.pages(type, params)) {
      ids.push(...page.response.exchangeIds);
      if (!page.bundle) return all ? { ...page.response, exchangeIds: ids } : page.response;
      if (!all) {
        if (!page.next) return page.response; // one page: the answer as the server gave it
        all = { ...page.bundle, entry: [] };
      }
      all.entry!.push(...(page.bundle.entry ?? []));
      texts.push(page.response.text);
    }
    delete all!.link;
    return { status: 200, body: all, text: texts.join('\n'), exchangeIds: ids };
  }

  /**
   * Each page of a search in order, following `next` links (R4 http.html#paging), for callers
   * that need the pages themselves: the `self` link that says which parameters the server
   * applied, or caps of their own (stop iterating to stop fetching). Links are resolved against
   * the page that carried them; one on another origin is refused (FhirTransportError), so
   * credentials stay on this server. Ends after a page that is not a 200 Bundle, after the last
   * page, after `maxPages` (default the client's, 20), or when a `next` link repeats.
   */
  async *pages(
    type: string,
    params: Record<string, string | string[]> | string = {},
    opts: { maxPages?: number } = {},
  ): AsyncGenerator<SearchPage> {
    const max = Math.max(1, opts.maxPages ?? this.opts.maxPages ?? 20);
    const seen = new Set<string>();
    let url: string | undefined = this.url(`${type}${toQuery(params)}`);
    for (let n = 0; url && n < max && !seen.has(url); n++) {
      seen.add(url);
      const response = await this.request('GET', url);
      const malformed = response.status === 200 ? bundleProblem(response.body) : undefined;
      if (response.status !== 200 || !isBundle(response.body)) {
        yield { url, response, ...(malformed ? { malformed } : {}) };
        return;
      }
      const bundle = response.body;
      const here = url;
      let links: { self?: string; next?: string };
      try {
        links = { self: linkOf(bundle, 'self', here), next: linkOf(bundle, 'next', here) };
      } catch (e) {
        yield { url, response, malformed: (e as Error).message };
        return;
      }
      const next = links.next;
      yield { url, response, bundle, self: links.self, ...(next ? { next } : {}) };
      url = next;
    }
  }

  /**
   * Never send credentials to another origin (a `next` link can point anywhere). A URL that does
   * not parse is refused the same way: nothing is sent.
   */
  private checkOrigin(url: string): void {
    const origin = (u: string) => {
      try {
        return new URL(u).origin;
      } catch {
        throw new FhirTransportError(`refusing to request ${JSON.stringify(u)}: not a URL`, []);
      }
    };
    const base = origin(this.baseUrl);
    if (origin(url) !== base) {
      throw new FhirTransportError(`refusing to follow ${url}: not on the FHIR server ${base}`, []);
    }
  }

  private record(x: Omit<Exchange, 'id'>): string {
    return this.opts.sink ? this.opts.sink(x) : '';
  }
}

/**
 * A Bundle golive can read: `resourceType` Bundle, `entry` (when present) a list of objects,
 * `link` (when present) a list of objects with a text `relation` and `url` (R4 bundle.html).
 * Anything else is not a Bundle to every caller (bundleProblem says why).
 */
export function isBundle(v: unknown): v is Bundle {
  return (
    !!v &&
    typeof v === 'object' &&
    (v as FhirResource).resourceType === 'Bundle' &&
    bundleProblem(v) === undefined
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Why something that says it is a Bundle cannot be read as one, or undefined when it can (or
 * when it does not say it is a Bundle at all).
 */
export function bundleProblem(v: unknown): string | undefined {
  if (!isObject(v) || v.resourceType !== 'Bundle') return undefined;
  const { entry, link } = v;
  if (entry !== undefined) {
    if (!Array.isArray(entry)) return `Bundle.entry is not a list (got ${typeName(entry)})`;
    const i = entry.findIndex(
      (e) => !isObject(e) || (e.resource !== undefined && !isObject(e.resource)),
    );
    if (i >= 0) return `Bundle.entry[${i}] is not an entry object with a resource object`;
  }
  if (link !== undefined) {
    if (!Array.isArray(link)) return `Bundle.link is not a list (got ${typeName(link)})`;
    const i = link.findIndex(
      (l) => !isObject(l) || typeof l.relation !== 'string' || typeof l.url !== 'string',
    );
    if (i >= 0) return `Bundle.link[${i}] is not a link with a text relation and url`;
  }
  return undefined;
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v;
}

/** The absolute URL of a Bundle link, resolved against the page; throws naming a bad one. */
function linkOf(bundle: Bundle, rel: string, page: string): string | undefined {
  const l = bundle.link?.find((x) => x.relation === rel)?.url;
  if (!l) return undefined;
  try {
    return new URL(l, page).toString();
  } catch {
    throw new Error(`Bundle.link ${rel} ${JSON.stringify(l.slice(0, 200))} is not a URL`);
  }
}

export function bundleResources(b: unknown): FhirResource[] {
  if (!isBundle(b)) return [];
  return (b.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
}

export function toQuery(params: Record<string, string | string[]> | string): string {
  if (typeof params === 'string')
    return params === '' || params.startsWith('?') ? params : `?${params}`;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const one of Array.isArray(v) ? v : [v]) q.append(k, one);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

function formatHeaders(h: Record<string, string>): string {
  return Object.entries(h)
    .map(([k, v]) => `${k}: ${k === 'authorization' ? redactAuthorization(v) : v}`)
    .join('\n');
}

/**
 * The credential is never kept; who presented it is (the Basic user-id, or the `sub` claim of a
 * JWT bearer token), so an audit check can compare it with the audit record's agent:
 * `Basic [redacted; user golive-test]`.
 */
export function redactAuthorization(v: string): string {
  const [scheme = '', cred = ''] = v.split(' ');
  let who: string | undefined;
  try {
    if (/^basic$/i.test(scheme)) {
      const d = Buffer.from(cred, 'base64').toString('utf8');
      if (d.indexOf(':') > 0) who = d.slice(0, d.indexOf(':'));
    } else if (/^bearer$/i.test(scheme)) {
      const payload = cred.split('.')[1];
      const sub = payload
        ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub
        : undefined;
      if (typeof sub === 'string') who = sub;
    }
  } catch {
    who = undefined;
  }
  const safe = who && /^[\x21-\x7e ]{1,128}$/.test(who) && !who.includes(']') ? who : undefined;
  return `${scheme} [redacted${safe ? `; user ${safe}` : ''}]`;
}

function shortPath(url: string, base: string): string {
  return url.startsWith(base) ? url.slice(base.length + 1) || '/' : url;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeFetchError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return 'no answer within the timeout';
  const code = err?.cause?.code;
  if (code) return `connection failed (${code})`;
  return err?.cause?.message ?? err?.message ?? String(e);
}
