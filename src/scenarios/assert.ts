/**
 * Assertions of scenario steps, on FHIR responses (FHIRPath) and on HL7 v2 messages (field
 * paths). Each one carries the clinical sentence shown when it does not hold (`fail`), and
 * reports expected vs actual in words.
 */
import { z } from 'zod';
import type { Hl7Message } from '../hl7/index.js';
import { compileFhirPath, describeValues, type CompiledFhirPath } from '../fhir/index.js';
import { parseInstant } from './values.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
type Scalar = z.infer<typeof scalar>;

const predicates = {
  equals: z
    .union([scalar, z.array(scalar)])
    .optional()
    .meta({ description: 'The collection is exactly this value (or these values, in order).' }),
  oneOf: z
    .array(scalar)
    .optional()
    .meta({ description: 'Non-empty, and every item is one of these.' }),
  contains: scalar.optional().meta({ description: 'Some item equals this value.' }),
  count: z.number().int().min(0).optional().meta({ description: 'Exactly this many items.' }),
  atLeast: z.number().int().min(0).optional().meta({ description: 'At least this many items.' }),
  atMost: z.number().int().min(0).optional().meta({ description: 'At most this many items.' }),
  exists: z.boolean().optional().meta({ description: 'true: non-empty; false: empty.' }),
  matches: z
    .string()
    .optional()
    .meta({ description: 'Non-empty, and every item matches this regular expression.' }),
  instant: z.string().optional().meta({
    description: 'Exactly one item, a time equal to this instant (HL7 DTM or FHIR dateTime).',
  }),
};

const PREDICATE_KEYS = Object.keys(predicates) as (keyof typeof predicates)[];

export const fhirAssertionSchema = z
  .strictObject({
    path: z.string().optional().meta({ description: 'FHIRPath giving the collection to test.' }),
    that: z.string().optional().meta({ description: 'FHIRPath that must evaluate to true.' }),
    show: z
      .string()
      .optional()
      .meta({ description: 'With `that`: FHIRPath shown as the actual value when it fails.' }),
    bodyMatches: z.string().optional().meta({
      description: 'Regular expression the raw response text must match (decimal digits as sent).',
    }),
    ...predicates,
    fail: z
      .string()
      .min(1)
      .meta({ description: 'What went wrong, clinically, when it does not hold.' }),
  })
  .meta({ description: 'An assertion on a FHIR response.' });
export type FhirAssertion = z.output<typeof fhirAssertionSchema>;

export const hl7AssertionSchema = z
  .strictObject({
    path: z.string().meta({ description: 'HL7 field path, e.g. OBX[2]-6.1.' }),
    ...predicates,
    fail: z.string().min(1),
  })
  .meta({ description: 'An assertion on a field of an HL7 v2 message.' });
export type Hl7Assertion = z.output<typeof hl7AssertionSchema>;

export interface AssertionResult {
  ok: boolean;
  expected: string;
  actual: string;
}

/** Load-time shape problems of an assertion (which keys go together). */
export function assertionShapeProblem(a: FhirAssertion | Hl7Assertion): string | undefined {
  const preds = PREDICATE_KEYS.filter((k) => a[k] !== undefined);
  const fa = a as FhirAssertion;
  const heads = ['path', 'that', 'bodyMatches'].filter(
    (k) => fa[k as keyof FhirAssertion] !== undefined,
  );
  if (heads.length !== 1) return 'give exactly one of path, that, bodyMatches';
  if (fa.that !== undefined || fa.bodyMatches !== undefined) {
    return preds.length ? `${preds.join(', ')} go with path, not with that/bodyMatches` : undefined;
  }
  if (fa.show !== undefined) return 'show goes with that';
  if (preds.length !== 1) return `give exactly one of ${PREDICATE_KEYS.join(', ')} with path`;
  return undefined;
}

function same(actual: unknown, expected: Scalar): boolean {
  if (typeof expected === 'number' || typeof actual === 'number') {
    const a = Number(actual);
    const e = Number(expected);
    if (!Number.isNaN(a) && !Number.isNaN(e) && String(actual).trim() !== '') return a === e;
  }
  if (typeof expected === 'boolean')
    return actual === expected || String(actual) === String(expected);
  return String(actual) === String(expected);
}

function show(v: Scalar | Scalar[]): string {
  return Array.isArray(v) ? `[${v.map((x) => String(x)).join(', ')}]` : String(v);
}

/** Test a collection against the one predicate of an assertion. */
/** Resources are named by Type/id: a count is about which ones, not their whole text. */
function describeItems(values: unknown[]): string {
  const named = values.map((v) => {
    const r = v as { resourceType?: unknown; id?: unknown } | null;
    return r && typeof r === 'object' && typeof r.resourceType === 'string'
      ? `${r.resourceType}/${String(r.id ?? '?')}`
      : undefined;
  });
  return named.every((n) => n !== undefined) ? `[${named.join(', ')}]` : describeValues(values);
}

export function checkPredicate(
  a: Partial<Record<keyof typeof predicates, unknown>>,
  values: unknown[],
  render: (v: Scalar) => Scalar = (v) => v,
): AssertionResult {
  const actual = describeItems(values);
  if (a.equals !== undefined) {
    const exp = (Array.isArray(a.equals) ? a.equals : [a.equals]).map((v) => render(v as Scalar));
    const ok = values.length === exp.length && exp.every((e, i) => same(values[i], e));
    return { ok, expected: show(exp.length === 1 ? exp[0]! : exp), actual };
  }
  if (a.oneOf !== undefined) {
    const opts = (a.oneOf as Scalar[]).map(render);
    const ok = values.length > 0 && values.every((v) => opts.some((o) => same(v, o)));
    return { ok, expected: `one of ${show(opts)}`, actual };
  }
  if (a.contains !== undefined) {
    const e = render(a.contains as Scalar);
    return { ok: values.some((v) => same(v, e)), expected: `includes ${String(e)}`, actual };
  }
  if (a.count !== undefined) {
    return {
      ok: values.length === a.count,
      expected: `${String(a.count)} item(s)`,
      actual: `${values.length} item(s): ${actual}`,
    };
  }
  if (a.atLeast !== undefined || a.atMost !== undefined) {
    const lo = a.atLeast as number | undefined;
    const hi = a.atMost as number | undefined;
    return {
      ok: (lo === undefined || values.length >= lo) && (hi === undefined || values.length <= hi),
      expected: lo !== undefined ? `at least ${lo} item(s)` : `at most ${hi} item(s)`,
      actual: `${values.length} item(s): ${actual}`,
    };
  }
  if (a.exists !== undefined) {
    const ok = a.exists ? values.length > 0 : values.length === 0;
    return { ok, expected: a.exists ? 'present' : 'absent', actual };
  }
  if (a.instant !== undefined) {
    const e = String(render(a.instant as string));
    const want = parseInstant(e);
    const got = values.length === 1 ? parseInstant(String(values[0])) : undefined;
    const ok = want !== undefined && got !== undefined && want === got;
    const iso = (ms: number | undefined) => (ms === undefined ? '?' : new Date(ms).toISOString());
    return {
      ok,
      expected: `${e} (${iso(want)})`,
      actual: values.length === 1 ? `${String(values[0])} (${iso(got)})` : actual,
    };
  }
  if (a.matches !== undefined) {
    const re = new RegExp(String(render(a.matches as string)));
    const ok = values.length > 0 && values.every((v) => re.test(String(v)));
    return { ok, expected: `matching /${re.source}/`, actual };
  }
  return { ok: false, expected: '(no predicate)', actual };
}

const compiled = new Map<string, CompiledFhirPath>();

/** Compiled once per expression (at load time the loader compiles every one). */
export function fhirPath(expr: string): CompiledFhirPath {
  let c = compiled.get(expr);
  if (!c) {
    c = compileFhirPath(expr);
    compiled.set(expr, c);
  }
  return c;
}

/** Evaluate a FHIR assertion against a response body (parsed) and its raw text. */
export function evalFhirAssertion(
  a: FhirAssertion,
  body: unknown,
  text: string,
  env: Record<string, string>,
  render: (s: string) => string,
): AssertionResult {
  const r = (v: Scalar): Scalar => (typeof v === 'string' ? render(v) : v);
  if (a.bodyMatches !== undefined) {
    const re = new RegExp(render(a.bodyMatches));
    return {
      ok: re.test(text),
      expected: `response text matching /${re.source}/`,
      actual: excerpt(text, re),
    };
  }
  if (a.that !== undefined) {
    const out = fhirPath(a.that).evaluate(body, env);
    const ok = out.length === 1 && out[0] === true;
    const actual = a.show
      ? describeValues(fhirPath(a.show).evaluate(body, env))
      : describeValues(out);
    return { ok, expected: `${a.that} is true`, actual };
  }
  return checkPredicate(a, fhirPath(a.path!).evaluate(body, env), r);
}

/** Evaluate an HL7 field assertion. Repetitions of the field are the collection. */
export function evalHl7Assertion(
  a: Hl7Assertion,
  msg: Hl7Message,
  render: (s: string) => string,
): AssertionResult {
  const r = (v: Scalar): Scalar => (typeof v === 'string' ? render(v) : v);
  return checkPredicate(a, hl7Values(msg, a.path), r);
}

/** Values at an HL7 path: each repetition when no repetition is named, empty when absent. */
export function hl7Values(msg: Hl7Message, path: string): string[] {
  if (/\[\d+\](\.\d+)*$/.test(path.split('-').slice(1).join('-'))) {
    const v = msg.get(path);
    return v === undefined ? [] : [v];
  }
  const reps = msg.getRepetitions(path).filter((v) => v !== '');
  if (reps.length > 0) return reps;
  const v = msg.get(path);
  return v === undefined ? [] : [v];
}

function excerpt(text: string, re: RegExp): string {
  if (!text) return '(empty response)';
  const key = /[A-Za-z]+/.exec(re.source)?.[0];
  const at = key ? text.indexOf(`"${key}"`) : -1;
  const s = at >= 0 ? text.slice(Math.max(0, at - 20), at + 80) : text.slice(0, 100);
  return `...${s}...`;
}
