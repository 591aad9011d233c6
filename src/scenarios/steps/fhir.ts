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
import { FhirTransportError, type FhirResponse } from '../../fhir/index.js';
import { FhirPathSyntaxError } from '../../fhir/index.js';
import {
  assertionShapeProblem,
  evalFhirAssertion,
  fhirAssertionSchema,
  fhirPath,
  type FhirAssertion,
} from '../assert.js';
import { placeholderNames } from '../values.js';
import {
  describeFind,
  describeFound,
  describeTrace,
  find,
  findKind,
  findSchema,
  lookupKey,
  type FindResult,
  type FindSpec,
} from '../lookups.js';
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
    unsupported: z.enum(['fail', 'not-applicable']).optional().meta({
      description:
        'When the target does not support the interaction at all (HTTP 404 for the type, 405, 501): fail (default) or not-applicable (the scenario ends not applicable; its criteria stay not evidenced).',
    }),
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
    find: findSchema.optional().meta({
      description:
        'What to find, by the target profile (target.lookups): the portable way to look for what the receiver stored. The assertions see a Bundle of what was found.',
    }),
    control: z.boolean().optional().meta({
      description:
        'A positive control: it proves the lookup sees what the scenario filed itself, before a later negative check is trusted. Not finding it is inconclusive (the lookup may not fit this target), never a fail.',
    }),
    unsupported: z.enum(['error', 'not-applicable', 'skip']).optional().meta({
      description:
        'When the target cannot answer the lookup at all (type or search not supported): error (default, inconclusive); not-applicable (the scenario ends not applicable; its criteria stay not evidenced); skip (only this step, for a check of something optional such as DiagnosticReport).',
    }),
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

/**
 * The server does not have this interaction at all (FHIR R4 http.html: 404 for an unknown
 * resource type, 405 for a method not allowed, 501 not implemented; an OperationOutcome
 * with issue code not-supported), as opposed to refusing this request.
 */
function unsupportedInteraction(method: string, res: FhirResponse): boolean {
  if (res.status === 405 || res.status === 501) return true;
  const b = res.body as { resourceType?: string; issue?: { code?: string }[] } | undefined;
  if (b?.resourceType === 'OperationOutcome' && b.issue?.some((i) => i.code === 'not-supported'))
    return true;
  // A create or update answered 404: the server has no such resource type.
  return res.status === 404 && (method === 'POST' || method === 'PUT');
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
      if (step.unsupported === 'not-applicable' && unsupportedInteraction(step.method, res))
        return {
          outcome: 'skip',
          message: `not run: the target does not support ${step.method} ${path} (${detail})`,
          notApplicable: `${step.method} ${path} is not supported (${detail})`,
        };
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
  /** A search the server cannot answer (4xx), or a lookup with no usable strategy. */
  unsupported?: string;
  /** What a `find` found, strategy by strategy. */
  found?: FindResult;
}

type Client = NonNullable<ReturnType<StepContext['services']['fhir']>>;

/** A find's answer as a searchset Bundle, so assertions read it as they read a search. */
function asResponse(r: FindResult): FhirResponse {
  return {
    status: 200,
    body: {
      resourceType: 'Bundle',
      type: 'searchset',
      total: r.resources.length,
      entry: r.resources.map((resource) => ({ resource })),
    },
    text: r.texts.join('\n'),
    exchangeIds: [],
  };
}

async function attemptFind(
  step: ExpectFhirStep & { find: FindSpec },
  client: Client,
  ctx: StepContext,
): Promise<Attempt> {
  const caps = await ctx.services.capabilities();
  const found = await find(step.find, client, ctx.config, ctx.render, ctx.vars, caps);
  if (found.transport) return { transport: found.transport, found };
  if (found.blind) return { unsupported: describeTrace(found), found };
  const res = asResponse(found);
  return { res, found, bad: firstFailure(step.assert, res, ctx) };
}

async function attempt(
  step: ExpectFhirStep,
  client: Client,
  target: string,
  ctx: StepContext,
): Promise<Attempt> {
  if (step.find) return attemptFind(step as ExpectFhirStep & { find: FindSpec }, client, ctx);
  try {
    const q = target.indexOf('?');
    const res = step.read
      ? await client.request('GET', target)
      : await client.searchAll(
          q === -1 ? target : target.slice(0, q),
          q === -1 ? '' : target.slice(q + 1),
        );
    if (res.status >= 500) return { res, transport: `HTTP ${res.status}: ${outcomeSummary(res)}` };
    if (res.status >= 400 && step.search)
      return { res, unsupported: `HTTP ${res.status}: ${outcomeSummary(res)}` };
    return res.status === 200 ? { res, bad: firstFailure(step.assert, res, ctx) } : { res };
  } catch (e) {
    if (!(e instanceof FhirTransportError)) throw e;
    return { transport: e.message };
  }
}

/** "1 Observation for results of order P1 (based-on: 1; report: 1)": data, never fixed text. */
function foundLine(step: ExpectFhirStep, last: Attempt, ctx: StepContext): string {
  if (!step.find || !last.found) return '';
  return `${describeFound(last.found.resources)} for ${describeFind(step.find, ctx.render)} (${describeTrace(last.found)})`;
}

/** The target cannot answer at all: inconclusive, or not applicable where the step says so. */
function cannotSee(
  step: ExpectFhirStep,
  target: string,
  why: string,
  lookupToFix?: string,
): StepOutcome {
  const key = lookupToFix ?? (step.find ? lookupKey(findKind(step.find)) : undefined);
  const hint = key
    ? `; configure target.lookups.${key} in golive.yaml (docs/config.md, Target profile)`
    : '';
  const message = `cannot see ${target} on this target: ${why}${hint}`;
  if (step.unsupported === 'not-applicable')
    return { outcome: 'skip', message, notApplicable: `${target}: ${why}` };
  if (step.unsupported === 'skip') return { outcome: 'skip', message: `not run: ${message}` };
  return { outcome: 'error', message: `${message} (inconclusive)` };
}

/** The outcome when the deadline passed without every assertion holding. */
function verdict(
  step: ExpectFhirStep,
  target: string,
  last: Attempt,
  waited: number,
  ctx: StepContext,
): StepOutcome {
  if (last.transport) {
    return {
      outcome: 'error',
      message: `no usable answer for ${target} within ${formatDuration(waited)}: ${last.transport} (inconclusive)`,
      unreachable: !last.res && !last.found,
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
  const seen = foundLine(step, last, ctx);
  if (step.control) {
    // The positive control was not seen: the lookup may not fit this target, so a later
    // negative check would prove nothing. Inconclusive, with what each strategy found.
    return {
      ...cannotSee(
        step,
        target,
        `the control did not hold (${bad.r.actual}): found ${seen}`,
        last.found?.lookupToFix,
      ),
      outcome: 'error',
      notApplicable: undefined,
      expected: bad.r.expected,
      actual: bad.r.actual,
    };
  }
  // The reason is built from what was found, so it can never contradict the evidence.
  const where = seen || `${target} gave ${last.res ? outcomeSummary(last.res) : 'nothing'}`;
  return {
    outcome: 'fail',
    message: `${bad.a.fail} (expected ${bad.r.expected}, found ${bad.r.actual}; ${where})`,
    expected: bad.r.expected,
    actual: `${bad.r.actual} (still, after ${formatDuration(waited)})`,
  };
}

export const expectFhirStep = defineStep<ExpectFhirStep>({
  type: 'expect-fhir',
  schema: expectFhirSchema,
  defines: (step) => Object.keys(step.capture ?? {}),
  check(step, c) {
    const heads = [step.read, step.search, step.find].filter((x) => x !== undefined);
    if (heads.length !== 1) c.issue([], 'give exactly one of read, search, find');
    if (step.find) checkTemplates(step.find, c, ['find']);
    else checkTemplates([step.read ?? step.search], c, [step.read ? 'read' : 'search']);
    if (step.control && !step.find) c.issue(['control'], 'control goes with find');
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
    const target = step.find
      ? describeFind(step.find, ctx.render)
      : ctx.render((step.read ?? step.search)!);
    const t0 = Date.now();
    let deadline = t0 + within;
    let delay = 50;
    let heldSince: number | undefined;
    let last: Attempt = {};
    for (;;) {
      last = await attempt(step, client, target, ctx);
      if (last.unsupported)
        return cannotSee(step, target, last.unsupported, last.found?.lookupToFix);
      if (heldSince !== undefined && last.bad) {
        return {
          outcome: 'fail',
          message: `${last.bad.a.fail} (it held, then changed within ${formatDuration(Date.now() - heldSince)})${step.find ? `: found ${foundLine(step, last, ctx)}` : ''}`,
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
      const seen = step.find ? `found ${foundLine(step, last, ctx)}; ` : `${target}: `;
      return {
        outcome: 'pass',
        message: `${seen}every assertion held after ${formatDuration(heldSince - t0)}${more}`,
      };
    }
    return verdict(step, target, last, Date.now() - t0, ctx);
  },
});
