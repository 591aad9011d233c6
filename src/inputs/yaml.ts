/**
 * Safe, schema-first YAML loading shared by every YAML input (golive.yaml, scenarios,
 * load profiles, compliance registers). Errors carry file:line:col, the dot-path and a hint.
 * Refused safely: alias bombs (maxAliasCount), duplicate keys, prototype keys, deep nesting.
 */
import { readFileSync } from 'node:fs';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';
import type { z } from 'zod';
import { UserError } from '../core/index.js';

const MAX_DEPTH = 64;
const MAX_ALIASES = 100;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface LoadedYaml<T> {
  value: T;
  file: string;
  /** Resolve a dot-path (as zod reports it) to a 1-based line/col. */
  locate(path: readonly PropertyKey[]): { line: number; col: number } | undefined;
}

function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s ? `.${String(p)}` : String(p);
  }
  return s || '(root)';
}

function nodeAt(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  let node: unknown = doc.contents;
  let last: Node | undefined = doc.contents ?? undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => {
        const k = it.key as { value?: unknown } | null;
        return k !== null && typeof k === 'object' && String(k.value) === String(key);
      });
      if (!pair) return last;
      node = pair.value;
      if (pair.value && typeof pair.value === 'object') last = pair.value as Node;
      else if (pair.key && typeof pair.key === 'object') last = pair.key as Node;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key];
      if (!item) return last;
      node = item;
      if (typeof item === 'object') last = item as Node;
    } else {
      return last;
    }
  }
  return last;
}

function checkDepthAndKeys(value: unknown, file: string, path: PropertyKey[], depth: number): void {
  if (depth > MAX_DEPTH) {
    throw new UserError('E_YAML_DEPTH', `nesting deeper than ${MAX_DEPTH} levels`, {
      location: { file, path: formatPath(path) },
      hint: 'flatten the structure; no golive input needs this depth',
    });
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkDepthAndKeys(v, file, [...path, i], depth + 1));
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new UserError('E_YAML_KEY', `key "${key}" is not allowed`, {
          location: { file, path: formatPath([...path, key]) },
          hint: 'remove the key; prototype keys are refused for safety',
        });
      }
      checkDepthAndKeys((value as Record<string, unknown>)[key], file, [...path, key], depth + 1);
    }
  }
}

/** The first key written twice in one mapping (scalar keys compared by value), as a parse error. */
function duplicateKey(doc: Document): { code: string; message: string; pos: [number] } | undefined {
  let found: { code: string; message: string; pos: [number] } | undefined;
  visit(doc, {
    Map(_key, map) {
      const keys = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const k = pair.key.value;
        if (keys.has(k)) {
          found = {
            code: 'DUPLICATE_KEY',
            message: `Map keys must be unique: "${String(k).slice(0, 80)}" appears twice`,
            pos: [pair.key.range?.[0] ?? 0],
          };
          return visit.BREAK;
        }
        keys.add(k);
      }
      return undefined;
    },
  });
  return found;
}

/** Parse YAML text (no schema). Throws UserError on syntax errors, with line and column. */
export function parseYamlText(
  text: string,
  file: string,
): { data: unknown; doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  // Duplicate keys are found by duplicateKey (one Set per mapping): the library's own check
  // (uniqueKeys) compares every key with every other, minutes for a mapping of 90,000 keys.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const err = doc.errors[0] ?? duplicateKey(doc);
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    const dup = err.code === 'DUPLICATE_KEY';
    throw new UserError(
      dup ? 'E_YAML_DUPLICATE_KEY' : 'E_YAML_SYNTAX',
      err.message.split('\n')[0] ?? err.message,
      {
        location: { file, line: pos.line, col: pos.col },
        hint: dup
          ? 'each key may appear once in a mapping'
          : 'check indentation, quotes and colons near this position',
      },
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    throw new UserError('E_YAML_ALIAS', `refused: ${(e as Error).message}`, {
      location: { file },
      hint: `YAML aliases may expand at most ${MAX_ALIASES} times (alias bombs are refused)`,
    });
  }
  checkDepthAndKeys(data, file, [], 0);
  return { data, doc, lines };
}

/** Parse and validate YAML text against a zod schema. */
export function loadYamlText<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
): LoadedYaml<z.output<S>> {
  const { data, doc, lines } = parseYamlText(text, file);
  const locate = (path: readonly PropertyKey[]) => {
    const node = nodeAt(doc, path);
    const start = node?.range?.[0];
    if (start === undefined) return undefined;
    return lines.linePos(start);
  };
  const parsed = schema.safeParse(data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const pos = locate(issue.path);
    const more = parsed.error.issues.length > 1 ? ` (+${parsed.error.issues.length - 1} more)` : '';
    throw new UserError('E_SCHEMA', `${formatPath(issue.path)}: ${issue.message}${more}`, {
      location: { file, line: pos?.line, col: pos?.col, path: formatPath(issue.path) },
      hint: hintFor(issue),
    });
  }
  return { value: parsed.data, file, locate };
}

function hintFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key(s): ${issue.keys.join(', ')}; check spelling against the JSON Schema in schemas/`;
  if (issue.code === 'invalid_value')
    return `expected one of: ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  return 'see the JSON Schema in schemas/ for the expected shape';
}

/** Read a YAML file and validate it. Missing/unreadable files give E_FILE. */
export function loadYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
): LoadedYaml<z.output<S>> {
  return loadYamlText(readTextFile(file), file, schema);
}

export function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError('E_FILE', `cannot read file (${code ?? 'error'})`, {
      location: { file },
      hint:
        code === 'ENOENT'
          ? 'check the path; relative paths are resolved from the current directory'
          : 'check permissions',
    });
  }
}
