/**
 * Bounds on golive.yaml, applied before the file is read whole or validated: a configuration
 * is a few kilobytes of keys, paths and names, so anything far larger is a mistake (a log
 * pasted in, a generated file, a hostile input) and is refused with its location instead of
 * costing seconds and gigabytes. Also: a file that sets nothing is refused (fail-closed: an
 * empty configuration would otherwise run a whole review on defaults).
 */
import { statSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, visit, type Document, type LineCounter } from 'yaml';
import { UserError } from '../core/index.js';

export const CONFIG_LIMITS = {
  /** Largest golive.yaml read (bytes). The complete example is 7 KB. */
  maxFileBytes: 512 * 1024,
  /** Longest text value or key (characters). The longest in the examples is under 100. */
  maxStringChars: 16 * 1024,
  /** Problems listed one per line; the rest are counted. */
  maxProblemsListed: 50,
} as const;

const kib = (n: number) => `${Math.round(n / 1024)} KiB`;

/** Refuse a file over the size cap before reading it (a FIFO or device has no size: read it). */
export function checkConfigFileSize(file: string): void {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return;
    size = st.size;
  } catch {
    return; // the read that follows reports a missing or unreadable file
  }
  checkConfigTextSize(size, file);
}

export function checkConfigTextSize(bytes: number, file: string): void {
  if (bytes <= CONFIG_LIMITS.maxFileBytes) return;
  throw new UserError(
    'E_CONFIG_SIZE',
    `the file is ${kib(bytes)}, over the ${kib(CONFIG_LIMITS.maxFileBytes)} a configuration may be`,
    {
      location: { file },
      hint: 'golive.yaml holds keys, paths and names (a few KB): put data (rosters, registers, traffic) in the files its keys point to',
    },
  );
}

/** Refuse the first key or text value longer than the cap, at its line and column. */
export function checkConfigStrings(doc: Document, lines: LineCounter, file: string): void {
  const max = CONFIG_LIMITS.maxStringChars;
  visit(doc, {
    Scalar(_key, node, path) {
      if (typeof node.value !== 'string' || node.value.length <= max) return;
      const keys: string[] = [];
      for (const p of path) {
        if (isPair(p) && isScalar(p.key) && p.key !== node)
          keys.push(String(p.key.value).slice(0, 40));
      }
      const pos = node.range ? lines.linePos(node.range[0]) : undefined;
      throw new UserError(
        'E_CONFIG_STRING',
        `a text of ${node.value.length} characters, over the ${max} a configuration value may be`,
        {
          location: { file, line: pos?.line, col: pos?.col, path: keys.join('.') || '(root)' },
          hint: 'a golive.yaml value is a name, a path or a URL; long content belongs in the file a key points to',
        },
      );
    },
  });
}

/** A document that sets nothing (empty, comments only, `{}`, or only `version`) is refused. */
export function checkConfigNotEmpty(doc: Document, data: unknown, file: string): void {
  const contents = doc.contents;
  const keys =
    data !== null && typeof data === 'object' && !Array.isArray(data)
      ? Object.keys(data).filter((k) => k !== 'version')
      : [];
  const empty =
    contents === null ||
    data === null ||
    data === undefined ||
    (isMap(contents) && keys.length === 0);
  if (!empty || isSeq(contents)) return;
  throw new UserError(
    'E_CONFIG_EMPTY',
    'the configuration sets nothing: there is nothing to review',
    {
      location: { file, line: 1 },
      hint: 'describe the systems under test under `target:` (docs/config.md, "Start here" has a complete minimal file), or run the reference site without a file: golive run --target embedded',
    },
  );
}
