/**
 * Validation problems of golive.yaml in plain words, each at its own line and column. zod reports
 * every issue at once but in its own vocabulary ("Invalid input: expected number, received
 * string") and puts an unknown key at its parent; a newcomer fixing a first config needs all
 * mistakes in one run, each where it is, said the way they would say it, with the key they
 * probably meant.
 */
import { closest, distance } from 'fastest-levenshtein';
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../core/index.js';
import { durationSchema } from './duration.js';
import { CONFIG_LIMITS } from './limits.js';

export interface ConfigProblem {
  /** Dot-path of the key (`site.criticalResultDeadline`, `review.handoffs[0].to`). */
  path: string;
  line: number;
  col: number;
  message: string;
  /** On the last entry of a long list: how many problems it stands for (not described one by one). */
  more?: number;
}

/** Where the problems were found: the parsed document with its line index, and the data. */
export interface ConfigSource {
  file: string;
  doc: Document;
  lines: LineCounter;
  data: unknown;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(root)';
}

// ---- the YAML side: where a path is ----

type Pos = { line: number; col: number };

/** The key node and value node at `path` (a missing step leaves the nearest existing key). */
function nodesAt(doc: Document, path: readonly PropertyKey[]): { key?: Node; value?: Node } {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (it) => isScalar(it.key) && String(it.key.value) === String(step),
      );
      if (!pair) return { key };
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step];
      if (item === undefined) return { key };
      key = item as Node;
      node = item;
    } else {
      return { key };
    }
  }
  return { key, value: (node ?? undefined) as Node | undefined };
}

function posOf(src: ConfigSource, node: Node | undefined): Pos | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : src.lines.linePos(start);
}

/** A value's own position when it is written out; the key's when it is empty (`site:`). */
function valuePos(src: ConfigSource, path: readonly PropertyKey[]): Pos {
  const { key, value } = nodesAt(src.doc, path);
  const written = value?.range && value.range[1] > value.range[0] ? value : undefined;
  return posOf(src, written) ?? posOf(src, key) ?? { line: 1, col: 1 };
}

function keyPos(src: ConfigSource, path: readonly PropertyKey[]): Pos {
  return posOf(src, nodesAt(src.doc, path).key) ?? { line: 1, col: 1 };
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[step];
  }
  return v;
}

// ---- the schema side: what is allowed at a path ----

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  element?: z.ZodType;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schemas a value at this level may match, wrappers (optional, default...) removed. */
function unwrap(s: z.ZodType): z.ZodType[] {
  const d = defOf(s);
  if (
    d.innerType &&
    ['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch'].includes(d.type)
  )
    return unwrap(d.innerType);
  if (d.type === 'pipe' && d.in) return unwrap(d.in);
  if (d.type === 'union' && d.options) return d.options.flatMap(unwrap);
  return [s];
}

/** Every schema that can stand at `path` (several under a union). */
function schemasAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
  let here = [root];
  for (const step of path) {
    here = here.flatMap(unwrap).flatMap((s) => {
      const d = defOf(s);
      if (d.type === 'object' && d.shape) {
        const next = d.shape[String(step)];
        return next ? [next] : [];
      }
      if (d.type === 'record' && d.valueType) return [d.valueType];
      if (d.type === 'array' && d.element && typeof step === 'number') return [d.element];
      return [];
    });
  }
  return here;
}

/** The keys golive knows at `path`, for "did you mean". */
export function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(root, path).flatMap(unwrap)) {
    const d = defOf(s);
    if (d.type === 'object' && d.shape) for (const k of Object.keys(d.shape)) keys.add(k);
  }
  return [...keys];
}

/** The known key nearest to a misspelt one, when it is near enough to be the one meant. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  if (!known.length) return undefined;
  const lower = known.find((k) => k.toLowerCase() === key.toLowerCase());
  if (lower) return lower;
  const best = closest(key, known);
  return distance(key, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function isDurationAt(root: z.ZodType, path: readonly PropertyKey[]): boolean {
  const inner = defOf(durationSchema).in;
  return schemasAt(root, path)
    .flatMap(unwrap)
    .some((s) => s === durationSchema || (inner !== undefined && unwrap(inner).includes(s)));
}

// ---- words ----

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  object: 'a mapping (indented "key: value" lines)',
  array: 'a list ([a, b] or lines starting with "- ")',
};

/** What the file holds, said as a reader would see it in the file. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'nothing (the key has no value)';
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `${v}`;
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return shown.length === 1
    ? shown[0]!
    : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

const DURATION_WORDS = 'a duration such as 500ms, 10s, 2m or 1h30m';

type Issue = z.core.$ZodIssue;

/** The plain words and the position of one zod issue (one issue may make several problems). */
function problemsOf(
  issue: Issue,
  src: ConfigSource,
  root: z.ZodType,
  base: PropertyKey[] = [],
): ConfigProblem[] {
  const path = [...base, ...issue.path];
  const got = valueAt(src.data, path);
  const at = (p: Pos, message: string, where = path): ConfigProblem => ({
    path: formatPath(where),
    ...p,
    message,
  });
  switch (issue.code) {
    case 'unrecognized_keys':
      // Bounded: a file of 90,000 unknown keys is described by its first ones (each is located
      // by a scan of its mapping), and describeIssues says how many more there were.
      return issue.keys.slice(0, CONFIG_LIMITS.maxProblemsListed).map((key) => {
        const known = knownKeysAt(root, path);
        const guess = suggestKey(key, known);
        const tail = guess
          ? `; did you mean "${guess}"?`
          : known.length && known.length <= 16
            ? ` (known here: ${known.join(', ')})`
            : '';
        return at(keyPos(src, [...path, key]), `unknown key "${key}"${tail}`, [...path, key]);
      });
    case 'invalid_type': {
      if (got === undefined) {
        const name = String(path[path.length - 1]);
        return [at(keyPos(src, path.slice(0, -1)), `required key "${name}" is missing`)];
      }
      if (isDurationAt(root, path))
        return [at(valuePos(src, path), `expected ${DURATION_WORDS}, got ${describeValue(got)}`)];
      const want = EXPECTED[issue.expected] ?? issue.expected;
      return [at(valuePos(src, path), `expected ${want}, got ${describeValue(got)}`)];
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = Number(small ? issue.minimum : issue.maximum);
      const bound = issue.inclusive
        ? small
          ? 'at least'
          : 'at most'
        : small
          ? 'more than'
          : 'less than';
      let message: string;
      if (issue.origin === 'string')
        message =
          small && limit <= 1 ? 'must not be empty' : `must be ${bound} ${limit} characters long`;
      else if (issue.origin === 'array')
        message = `must list ${bound} ${limit} item${limit === 1 ? '' : 's'}`;
      else message = `must be ${bound} ${limit}, got ${describeValue(got)}`;
      return [at(valuePos(src, path), message)];
    }
    case 'invalid_value':
      return [
        at(
          valuePos(src, path),
          issue.values.length === 1
            ? `must be ${oneOf(issue.values)}, got ${describeValue(got)}`
            : `expected one of ${oneOf(issue.values)}, got ${describeValue(got)}`,
        ),
      ];
    case 'invalid_format':
      return [
        at(
          valuePos(src, path),
          issue.format === 'url'
            ? `expected a URL such as https://ehr.example/fhir/R4, got ${describeValue(got)}`
            : `expected ${issue.format}, got ${describeValue(got)}`,
        ),
      ];
    case 'invalid_union': {
      const disc = issue as Issue & { discriminator?: string; options?: unknown[] };
      if (disc.discriminator !== undefined && disc.options)
        return [
          at(valuePos(src, path), `expected ${oneOf(disc.options)}, got ${describeValue(got)}`),
        ];
      if (isDurationAt(root, path))
        return [at(valuePos(src, path), `expected ${DURATION_WORDS}, got ${describeValue(got)}`)];
      // The alternative that came closest (fewest issues) says what is wrong with the value.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0];
      if (best?.length) return best.flatMap((i) => problemsOf(i, src, root, path));
      return [
        at(valuePos(src, path), `is not any of the accepted forms (got ${describeValue(got)})`),
      ];
    }
    default:
      return [at(valuePos(src, path), issue.message)];
  }
}

/** Every problem of a failed validation, in file order, each once. */
export function describeIssues(
  issues: readonly Issue[],
  src: ConfigSource,
  root: z.ZodType,
): ConfigProblem[] {
  const seen = new Set<string>();
  const max = CONFIG_LIMITS.maxProblemsListed;
  const described = issues
    .slice(0, max)
    .flatMap((i) => problemsOf(i, src, root))
    .filter((p) => {
      const k = `${p.line}:${p.col}:${p.path}:${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.col - b.col)
    .slice(0, max);
  // What was not described is still counted, so a huge file is not mistaken for a small mistake.
  const total = issues.reduce(
    (n, i) => n + (i.code === 'unrecognized_keys' ? i.keys.length : 1),
    0,
  );
  if (total > described.length) {
    const last = described[described.length - 1];
    described.push({
      path: '(more)',
      line: last?.line ?? 1,
      col: last?.col ?? 1,
      message: `${total - described.length} more problem(s) not described: fix these first`,
      more: total - described.length,
    });
  }
  return described;
}

const HINT =
  'keys, types and defaults are in docs/config.md; schemas/golive.schema.json checks the file as you type in an editor';

/**
 * All the problems of one golive.yaml. `location` and `message` are the first problem's (for
 * callers that show one); `format()` lists every problem, one `file:line:col path: message`
 * line each (the shape editors and CI log matchers read).
 */
export class ConfigError extends UserError {
  readonly problems: readonly ConfigProblem[];
  readonly file: string;

  constructor(file: string, problems: readonly ConfigProblem[]) {
    const first = problems[0]!;
    super('E_SCHEMA', first.message, {
      location: { file, line: first.line, col: first.col, path: first.path },
      hint: HINT,
    });
    this.problems = problems;
    this.file = file;
  }

  override format(): string {
    if (this.problems.length === 1) return super.format();
    const lines = this.problems.map(
      (p) => `  ${this.file}:${p.line}:${p.col} ${p.path}: ${p.message}`,
    );
    const total = this.problems.reduce((n, p) => n + (p.more ?? 1), 0);
    return `error ${this.code}: ${this.file}: ${total} problems\n${lines.join('\n')}\n  hint: ${this.hint}`;
  }
}
