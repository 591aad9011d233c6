/**
 * Errors as the API reports them: a status, a stable code, a message, the field (dot-path) for
 * bad input, and a hint. Never a stack trace; unexpected errors become a plain 500.
 */
import type { FastifyError, FastifyReply } from 'fastify';
import type { z } from 'zod';

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    field?: string;
    hint?: string;
    issues?: { field: string; message: string }[];
  };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { field?: string; hint?: string; issues?: ErrorBody['error']['issues'] } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

export function dotPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(body)';
}

function hintFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `remove ${issue.keys.map((k) => `"${k}"`).join(', ')}; only the documented fields are accepted`;
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return `one of: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string' ? 'must not be empty' : `at least ${String(issue.minimum)}`;
    case 'too_big':
      return `at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : ''}`;
    default:
      return 'see docs/dashboard.md for the request format';
  }
}

/** A 400 naming the first bad field, with every issue listed. */
export function fromZod(error: z.ZodError): ApiError {
  const issues = error.issues.map((i) => ({ field: dotPath(i.path), message: i.message }));
  const first = error.issues[0]!;
  const field = dotPath(first.path);
  return new ApiError(400, 'E_INVALID', `${field}: ${first.message}`, {
    field,
    hint: hintFor(first),
    issues,
  });
}

/** Fastify's own client errors (bad JSON, too large, wrong content type) as ApiErrors. */
function fromFastify(err: FastifyError): ApiError | undefined {
  const status = err.statusCode ?? 500;
  if (status < 400 || status >= 500) return undefined;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'E_TOO_LARGE', 'request body too large', {
        hint: 'attestations and waivers are short texts; keep the body under the limit',
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'E_MEDIA_TYPE', 'unsupported content type', {
        hint: 'send JSON with Content-Type: application/json',
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'E_INVALID', 'the JSON body is empty', {
        field: '(body)',
        hint: 'send a JSON object',
      });
    default:
      return new ApiError(
        status,
        'E_BAD_REQUEST',
        err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
          ? 'the body is not valid JSON'
          : 'bad request',
        {
          field: '(body)',
          hint: 'send a JSON object with Content-Type: application/json',
        },
      );
  }
}

/** Turn anything thrown into an ApiError; `internal` is true for bugs (logged, not shown). */
export function toApiError(err: unknown): { api: ApiError; internal: boolean } {
  if (err instanceof ApiError) return { api: err, internal: false };
  const fe = err as FastifyError;
  const client = typeof fe?.statusCode === 'number' ? fromFastify(fe) : undefined;
  if (client) return { api: client, internal: false };
  return {
    api: new ApiError(500, 'E_INTERNAL', 'internal error; the server logged it', {
      hint: 'try again; if it persists, report it with the time of the request',
    }),
    internal: true,
  };
}

export function sendError(reply: FastifyReply, api: ApiError): FastifyReply {
  return reply.code(api.status).type('application/json; charset=utf-8').send(api.body());
}
