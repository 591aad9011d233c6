/**
 * Reading the HTTP side of a kept Exchange: the request text (`METHOD URL HTTP/1.1`, headers,
 * blank line, body; or the same as a JSON object) and the response (status line, headers, body).
 */
export interface HttpMessage {
  method?: string;
  url?: URL;
  status?: number;
  /** Header names in lower case. */
  headers: Map<string, string>;
  body: string;
}

function fromJson(text: string, base: string): HttpMessage | undefined {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
    const headers = new Map<string, string>();
    if (o.headers && typeof o.headers === 'object') {
      for (const [k, v] of Object.entries(o.headers as Record<string, unknown>))
        headers.set(k.toLowerCase(), String(v));
    }
    const body =
      typeof o.body === 'string' ? o.body : o.body !== undefined ? JSON.stringify(o.body) : '';
    return {
      method: typeof o.method === 'string' ? o.method.toUpperCase() : undefined,
      url: typeof o.url === 'string' ? safeUrl(o.url, base) : undefined,
      status: typeof o.status === 'number' ? o.status : undefined,
      headers,
      body,
    };
  } catch {
    return undefined;
  }
}

function safeUrl(u: string, base: string): URL | undefined {
  try {
    return new URL(u, base || 'http://localhost/');
  } catch {
    return undefined;
  }
}

/** Parse a request or response. `base` (the exchange peer) resolves a path-only request line. */
export function parseHttp(text: string, base = ''): HttpMessage {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    const j = fromJson(trimmed, base);
    if (j) return j;
  }
  const sep = /\r?\n\r?\n/.exec(text);
  const head = sep ? text.slice(0, sep.index) : text;
  const body = sep ? text.slice(sep.index + sep[0].length) : '';
  const [first = '', ...lines] = head.split(/\r?\n/);
  const headers = new Map<string, string>();
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
  }
  // `HTTP/1.1 201 Created` (RFC 9112 4), `HTTP/2 201`, or `HTTP 201` as golive's FHIR client
  // keeps it (no version: fetch does not expose it).
  const status = /^(?:HTTP(?:\/[\d.]+)?\s+)?(\d{3})\b/.exec(first.trim());
  if (status) return { status: Number(status[1]), headers, body };
  const req = /^([A-Z]+)\s+(\S+)/.exec(first.trim());
  return {
    method: req?.[1],
    url: req?.[2] ? safeUrl(req[2], base) : undefined,
    headers,
    body,
  };
}

/**
 * The identity a request presented: the `X-Golive-User` header, the user of HTTP Basic
 * credentials (RFC 7617), or the `sub` claim of a bearer JWT (decoded, not verified: it is only
 * compared with what the audit record says, never trusted for access).
 */
export function requestIdentity(headers: Map<string, string>): string | undefined {
  const explicit = headers.get('x-golive-user');
  if (explicit) return explicit;
  const auth = headers.get('authorization') ?? '';
  // golive's kept exchanges carry `Basic [redacted; user NAME]` (src/fhir/client.ts).
  const kept = /^(?:Basic|Bearer)\s+\[redacted; user ([^\]]+)\]$/i.exec(auth);
  if (kept) return kept[1];
  const basic = /^Basic\s+(\S+)$/i.exec(auth);
  if (basic) {
    // Kept exchanges redact credentials (`Basic [redacted]`): then the identity is unknown,
    // never the bytes of "[redacted]" decoded as base64.
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(basic[1]!)) return undefined;
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':'); // user-id ":" password (RFC 7617 section 2)
    return colon > 0 ? decoded.slice(0, colon) : undefined;
  }
  const bearer = /^Bearer\s+[^.\s]+\.([^.\s]+)\.[^.\s]*$/i.exec(auth);
  if (bearer) {
    try {
      const claims = JSON.parse(Buffer.from(bearer[1]!, 'base64url').toString('utf8')) as {
        sub?: unknown;
      };
      return typeof claims.sub === 'string' ? claims.sub : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
