/**
 * FHIRPath (https://hl7.org/fhirpath/N1/) over FHIR R4 resources with fhirpath.js and its R4
 * model, so choice types (`Observation.value`), dateTime comparison with zones and UCUM-aware
 * quantity comparison work as the specification says. Expressions are compiled once, when a
 * scenario is loaded, so a typo is reported with its file position before anything runs.
 */
import { createRequire } from 'node:module';
import type fhirpathEngine from 'fhirpath';
import type r4Model from 'fhirpath/fhir-context/r4';

// The engine and its R4 model are the heaviest package golive loads (about a tenth of a second
// of start-up): they are required on the first compile, not when fhir/ is imported, so a command
// that reaches fhir/index.ts for the client or the resource shapes never pays for them. Both
// are CommonJS, so the first compile stays synchronous.
const require = createRequire(import.meta.url);
let engine: { fhirpath: typeof fhirpathEngine; r4: typeof r4Model } | undefined;
function loadEngine(): { fhirpath: typeof fhirpathEngine; r4: typeof r4Model } {
  engine ??= {
    fhirpath: require('fhirpath') as typeof fhirpathEngine,
    r4: require('fhirpath/fhir-context/r4') as typeof r4Model,
  };
  return engine;
}

export interface CompiledFhirPath {
  expression: string;
  /** Names of the `%variables` the expression reads (FHIRPath built-ins excluded). */
  variables: string[];
  /** Evaluate against a resource or Bundle; environment variables become `%name`. */
  evaluate(input: unknown, env?: Record<string, unknown>): unknown[];
}

export class FhirPathSyntaxError extends Error {
  /** 1-based column inside the expression, when the engine reported one. */
  readonly column: number | undefined;
  constructor(message: string, column: number | undefined) {
    super(message);
    this.name = 'FhirPathSyntaxError';
    this.column = column;
  }
}

// Environment variables FHIRPath itself defines (FHIRPath N1 section 8; FHIR R4 fhirpath.html#vars).
const BUILTIN_VARS = new Set([
  'ucum',
  'context',
  'resource',
  'rootResource',
  'sct',
  'loinc',
  'factory',
  'terminologies',
  'server',
]);

const VAR_RE = /%([A-Za-z_][A-Za-z0-9_]*)/g;

/** Compile an expression; throws FhirPathSyntaxError with the engine's message. */
export function compileFhirPath(expression: string): CompiledFhirPath {
  let fn: (resource: unknown, env?: Record<string, unknown>) => unknown;
  try {
    const { fhirpath, r4 } = loadEngine();
    fn = fhirpath.compile(expression, r4) as typeof fn;
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    const col = /column:\s*(\d+)/.exec(msg);
    const short = /message:\s*([^\n]*)/.exec(msg)?.[1] ?? msg.split('\n')[0]!;
    throw new FhirPathSyntaxError(
      short.length > 160 ? `${short.slice(0, 157)}...` : short,
      col ? Number(col[1]) + 1 : undefined,
    );
  }
  // String literals may contain '%': strip them before looking for variables.
  const code = expression.replace(/'(?:[^'\\]|\\.)*'/g, "''");
  const variables = [...new Set([...code.matchAll(VAR_RE)].map((m) => m[1]!))].filter(
    (v) => !BUILTIN_VARS.has(v) && !v.startsWith('vs') && !v.startsWith('ext'),
  );
  return {
    expression,
    variables,
    evaluate(input, env = {}) {
      const out = fn(structuredClone(input), env);
      return Array.isArray(out) ? out : [out];
    },
  };
}

/** Render an evaluation result for an expected-vs-actual message. */
export function describeValues(values: unknown[]): string {
  if (values.length === 0) return '(nothing)';
  const parts = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const s = parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}
