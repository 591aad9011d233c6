/**
 * FHIR steps (https://hl7.org/fhir/R4/http.html).
 * `fhir`: one request (create, update, read, search) with an expected status and assertions.
 * `expect-fhir`: a read or search polled with backoff until every FHIRPath assertion holds or
 * the deadline passes; `hold` keeps watching so a value that flips back (a correction undone,
 * a duplicate filed late) is caught. A 5xx or no answer is `error` (inconclusive); a 4xx on a
 * search is `error` too (the query is not supported: nothing was learnt about the data).
 */
import { z } from 'zod';
import { durationSchema, formatDuration } from '../../config/duration.js';
import { FhirTransportError, type FhirResponse } from '../../fhir/client.js';
import { FhirPathSyntaxError } from '../../fhir/fhirpath.js';
import {
  assertionShapeProblem,
  evalFhirAssertion,
  fhirAssertionSchema,
  fhirPath,
  type FhirAssertion,
} from '../assert.js';
import { placeholderNames } from '../values.js';
import {
  deadlineSchema,
  defineStep,
  resolveDeadline,
  sleep,
  stepBase,
  type CheckContext,
  type StepContext,
  type StepOutcome,
  resolveHold,
} from './types.js';

const captureSchema = z
  .record(z.string(), z.string())
  .optional()
  .meta({ description: 'Variable -> FHIRPath on the response; the first value is kept.' });

export const fhirSchema = z
  .strictObject({
    type: z.literal('fhir'),
    ...stepBase,
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).default('GET'),
    path: z.string().meta({ description: 'Relative to the FHIR base, e.g. Device/{{trayId}}.' }),
    body: z.unknown().optional().meta({ description: 'Resource to send (strings are templated).' }),
    expect: z
      .strictObject({ status: z.union([z.number().int(), z.array(z.number().int())]) })
      .optional(),
    assert: z.array(fhirAssertionSchema).optional(),
    fail: z.string().optional().meta({ description: 'Clinical meaning of an unexpected status.' }),
    capture: captureSchema,
  })
  .meta({ title: 'fhir', description: 'One FHIR request with assertions on the answer.' });
export type FhirStep = z.output<typeof fhirSchema>;

export const expectFhirSchema = z
  .strictObject({
    type: z.literal('expect-fhir'),
    ...stepBase,
    read: z.string().optional().meta({ description: 'Type/id to read.' }),
    search: z
      .string()
      .optional()
      .meta({ description: 'Type?params to search; every page is followed.' }),
    assert: z.array(fhirAssertionSchema).min(1),
    within: deadlineSchema
      .optional()
      .meta({ description: 'Deadline (default scenarios.timeouts.fhir).' }),
    hold: z
      .union([z.boolean(), durationSchema])
      .optional()
      .meta({ description: 'Once true, must stay true this long (true = settle time).' }),
    capture: captureSchema,
  })
  .meta({
    title: 'expect-fhir',
    description: 'FHIRPath assertions on a read or search, polled until a deadline.',
  });
export type ExpectFhirStep = z.output<typeof expectFhirSchema>;

function checkFhirPaths(exprs: [(string | number)[], string][], c: CheckContext): void {
  for (const [path, expr] of exprs) {
    try {
      const compiled = fhirPath(expr);
      for (const v of compiled.variables) {
        if (!c.declared.has(v))
          c.issue(path, `FHIRPath reads %${v}, which no variable or capture defines`);
      }
    } catch (e) {
      const col = e instanceof FhirPathSyntaxError && e.column ? ` (column ${e.column})` : '';
      c.issue(path, `FHIRPath does not compile${col}: ${(e as Error).message}`);
    }
  }
}

function checkAssertions(
  asserts: FhirAssertion[] | undefined,
  c: CheckContext,
): [(string | number)[], string][] {
  const exprs: [(string | number)[], string][] = [];
  (asserts ?? []).forEach((a, i) => {
    const shape = assertionShapeProblem(a);
    if (shape) c.issue(['assert', i], shape);
    for (const k of ['path', 'that', 'show'] as const)
      if (a[k]) exprs.push([['assert', i, k], a[k]!]);
    for (const re of [a.matches, a.bodyMatches]) {
      if (re === undefined) continue;
      try {
        new RegExp(re);
      } catch (e) {
        c.issue(['assert', i], `bad regular expression: ${(e as Error).message}`);
      }
    }
  });
  return exprs;
}

function checkTemplates(texts: unknown, c: CheckContext, where: (string | number)[]): void {
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const { names, problems } = placeholderNames(v);
      for (const p of problems) c.issue(where, p);
      for (const n of names) if (!c.declared.has(n)) c.issue(where, `unknown value {{${n}}}`);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(texts);
}

function env(ctx: StepContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of ctx.vars) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) out[k] = v;
  return out;
}

function capture(
  step: { capture?: Record<string, string> },
  res: FhirResponse,
  ctx: StepContext,
): void {
  for (const [name, expr] of Object.entries(step.capture ?? {})) {
    const v = fhirPath(expr).evaluate(res.body, env(ctx))[0];
    if (v !== undefined && v !== null)
      ctx.vars.set(name, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
}

/** First assertion that does not hold, or undefined when all hold. */
function firstFailure(asserts: FhirAssertion[], res: FhirResponse, ctx: StepContext) {
  const e = env(ctx);
  for (const a of asserts) {
    const r = evalFhirAssertion(a, res.body, res.text, e, (s) => ctx.render(s));
    if (!r.ok) return { a, r };
  }
  return undefined;
}

function outcomeSummary(res: FhirResponse): string {
  const b = res.body as {
    resourceType?: string;
    total?: number;
    entry?: unknown[];
    issue?: { diagnostics?: string }[];
  };
  if (b?.resourceType === 'Bundle') return `${b.entry?.length ?? 0} match(es)`;
  if (b?.resourceType === 'OperationOutcome')
    return b.issue?.[0]?.diagnostics ?? 'OperationOutcome';
  return b?.resourceType ?? '(no body)';
}

export const fhirStep = defineStep<FhirStep>({
  type: 'fhir',
  schema: fhirSchema,
  defines: (step) => Object.keys(step.capture ?? {}),
  check(step, c) {
    checkTemplates([step.path, step.body], c, ['path']);
    const exprs = checkAssertions(step.assert, c);
    for (const [k, e] of Object.entries(step.capture ?? {})) exprs.push([['capture', k], e]);
    checkFhirPaths(exprs, c);
  },
  async run(step, ctx) {
    const client = ctx.services.fhir();
    if (!client)
      return { outcome: 'error', message: 'no FHIR endpoint is configured (target.fhir)' };
    let res: FhirResponse;
    const path = ctx.render(step.path);
    try {
      res = await client.request(
        step.method,
        path,
        step.body === undefined ? undefined : ctx.renderDeep(step.body),
      );
    } catch (e) {
      if (e instanceof FhirTransportError)
        return { outcome: 'error', message: `${e.message} (inconclusive)`, unreachable: true };
      throw e;
    }
    const expected = step.expect ? [step.expect.status].flat() : undefined;
    const okStatus = expected
      ? expected.includes(res.status)
      : res.status >= 200 && res.status < 300;
    if (!okStatus) {
      const detail = `HTTP ${res.status}: ${outcomeSummary(res)}`;
      if (res.status >= 500)
        return {
          outcome: 'error',
          message: `${step.method} ${path} failed on the server (${detail}; inconclusive)`,
        };
      return {
        outcome: 'fail',
        message: step.fail ?? `the receiver refused ${step.method} ${path}`,
        expected: expected ? `HTTP ${expected.join(' or ')}` : 'HTTP 2xx',
        actual: detail,
      };
    }
    const bad = firstFailure(step.assert ?? [], res, ctx);
    if (bad)
      return {
        outcome: 'fail',
        message: bad.a.fail,
        expected: bad.r.expected,
        actual: bad.r.actual,
      };
    capture(step, res, ctx);
    return {
      outcome: 'pass',
      message: `${step.method} ${path} -> ${res.status} ${outcomeSummary(res)}`,
    };
  },
});

interface Attempt {
  res?: FhirResponse;
  /** No usable answer: transport failure or 5xx. */
  transport?: string;
  bad?: ReturnType<typeof firstFailure>;
  /** A search the server cannot answer (4xx): inconclusive at once. */
  unsupported?: StepOutcome;
}

async function attempt(
  step: ExpectFhirStep,
  client: NonNullable<ReturnType<StepContext['services']['fhir']>>,
  target: string,
  ctx: StepContext,
): Promise<Attempt> {
  try {
    const q = target.indexOf('?');
    const res = step.read
      ? await client.request('GET', target)
      : await client.searchAll(
          q === -1 ? target : target.slice(0, q),
          q === -1 ? '' : target.slice(q + 1),
        );
    if (res.status >= 500) return { res, transport: `HTTP ${res.status}: ${outcomeSummary(res)}` };
    if (res.status >= 400 && step.search) {
      return {
        res,
        unsupported: {
          outcome: 'error',
          message: `the receiver cannot answer ${target} (HTTP ${res.status}: ${outcomeSummary(res)}); inconclusive`,
        },
      };
    }
    return res.status === 200 ? { res, bad: firstFailure(step.assert, res, ctx) } : { res };
  } catch (e) {
    if (!(e instanceof FhirTransportError)) throw e;
    return { transport: e.message };
  }
}

/** The outcome when the deadline passed without every assertion holding. */
function verdict(step: ExpectFhirStep, target: string, last: Attempt, waited: number): StepOutcome {
  if (last.transport) {
    return {
      outcome: 'error',
      message: `no usable answer for ${target} within ${formatDuration(waited)}: ${last.transport} (inconclusive)`,
      unreachable: !last.res,
    };
  }
  if (last.res && last.res.status !== 200) {
    // A read of a resource that never appeared (404): the receiver did not file it.
    return {
      outcome: 'fail',
      message: step.assert[0]!.fail,
      expected: 'HTTP 200',
      actual: `HTTP ${last.res.status}: ${outcomeSummary(last.res)}`,
    };
  }
  const bad = last.bad!;
  return {
    outcome: 'fail',
    message: bad.a.fail,
    expected: bad.r.expected,
    actual: `${bad.r.actual} (still, after ${formatDuration(waited)})`,
  };
}

export const expectFhirStep = defineStep<ExpectFhirStep>({
  type: 'expect-fhir',
  schema: expectFhirSchema,
  defines: (step) => Object.keys(step.capture ?? {}),
  check(step, c) {
    if ((step.read === undefined) === (step.search === undefined))
      c.issue([], 'give either read or search');
    checkTemplates([step.read ?? step.search], c, [step.read ? 'read' : 'search']);
    const exprs = checkAssertions(step.assert, c);
    for (const [k, e] of Object.entries(step.capture ?? {})) exprs.push([['capture', k], e]);
    checkFhirPaths(exprs, c);
  },
  async run(step, ctx) {
    const client = ctx.services.fhir();
    if (!client)
      return { outcome: 'error', message: 'no FHIR endpoint is configured (target.fhir)' };
    const within = resolveDeadline(step.within, ctx.config.scenarios.timeouts.fhir, ctx);
    const hold = resolveHold(step.hold, ctx);
    const target = ctx.render((step.read ?? step.search)!);
    const t0 = Date.now();
    let deadline = t0 + within;
    let delay = 50;
    let heldSince: number | undefined;
    let last: Attempt = {};
    for (;;) {
      last = await attempt(step, client, target, ctx);
      if (last.unsupported) return last.unsupported;
      if (heldSince !== undefined && last.bad) {
        return {
          outcome: 'fail',
          message: `${last.bad.a.fail} (it held, then changed within ${formatDuration(Date.now() - heldSince)})`,
          expected: last.bad.r.expected,
          actual: last.bad.r.actual,
        };
      }
      if (last.res?.status === 200 && !last.bad && heldSince === undefined) {
        heldSince = Date.now();
        capture(step, last.res, ctx);
        if (hold <= 0) break;
        deadline = heldSince + hold;
        delay = 50;
      }
      if (Date.now() >= deadline || ctx.signal.aborted) break;
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), ctx.signal);
      delay = Math.min(1000, delay * 1.6);
    }
    if (heldSince !== undefined) {
      const more = hold ? ` and for ${formatDuration(hold)} more` : '';
      return {
        outcome: 'pass',
        message: `${target}: every assertion held after ${formatDuration(heldSince - t0)}${more}`,
      };
    }
    return verdict(step, target, last, Date.now() - t0);
  },
});
