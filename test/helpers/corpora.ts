import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** ../shared/corpora relative to the repository root (read by path, never copied). */
export const CORPORA = resolve(import.meta.dirname, '../../../shared/corpora');

export function listFiles(dir: string, ext?: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, ext));
    else if (!ext || name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}
