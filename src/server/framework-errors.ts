/**
 * Errors raised before any route or hook runs: fastify's router (a %-escape that does not
 * decode, a path parameter over the limit) and Node's HTTP parser (headers or request line too
 * large, bytes that are not HTTP, a request too slow to arrive). Left to the framework they
 * answer in its own JSON shape and leave no audit entry; here they get the API's error shape and
 * app.ts writes the audit entry.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError } from 'fastify';
import { ApiError } from './errors.js';

/** fastify's `frameworkErrors` codes as ApiErrors. */
export function fromRouter(err: FastifyError): ApiError {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return new ApiError(400, 'E_BAD_URL', 'the URL does not decode: a %-escape is not UTF-8', {
        hint: 'percent-encode the path as UTF-8 bytes (RFC 3986 §2.1)',
      });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ApiError(414, 'E_URI_TOO_LONG', 'a part of the URL is too long', {
        hint: 'run and record ids are short; check the link',
      });
    default:
      return new ApiError(500, 'E_INTERNAL', 'internal error; the server logged it', {
        hint: 'try again; if it persists, report it with the time of the request',
      });
  }
}

/**
 * Node's `clientError` (no request object exists) as an ApiError; undefined when the client is
 * gone and there is no one to answer (https://nodejs.org/api/http.html#event-clienterror).
 */
export function fromParser(err: { code?: string }): ApiError | undefined {
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return undefined;
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return new ApiError(431, 'E_HEADERS_TOO_LARGE', 'the request line or headers are too large', {
      hint: 'keep the URL and headers under 16 KiB',
    });
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT')
    return new ApiError(408, 'E_TIMEOUT', 'the request did not arrive in time', {
      hint: 'send the whole request at once',
    });
  return new ApiError(400, 'E_BAD_REQUEST', 'the request is not valid HTTP/1.1', {
    hint: 'send a well-formed HTTP request (RFC 9112)',
  });
}

/** A complete HTTP/1.1 response carrying the error body; the connection is closed after it. */
export function rawResponse(api: ApiError): string {
  const body = JSON.stringify(api.body());
  return (
    `HTTP/1.1 ${api.status} ${STATUS_CODES[api.status] ?? 'Error'}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'X-Content-Type-Options: nosniff\r\n' +
    `Connection: close\r\n\r\n${body}`
  );
}

/** Method and target from the bytes that arrived, when the request line made it (for the audit log). */
export function requestLine(raw: Buffer | undefined): { method: string; url: string } {
  const first = raw?.subarray(0, 2048).toString('latin1').split('\r\n', 1)[0] ?? '';
  const m = /^([A-Z]{1,20}) (\S+)/.exec(first);
  return m ? { method: m[1]!, url: m[2]! } : { method: '(unparsed)', url: '(unparsed)' };
}
