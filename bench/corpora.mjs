// The shared corpora for benchmarks, found as the tests find them: GOLIVE_CORPORA (absolute, or
// relative to the repository root), else ../shared/corpora. A benchmark whose corpus is absent
// says so in one line and exits 0: a fresh clone runs `npm run bench` without them.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CORPORA = resolve(root, process.env.GOLIVE_CORPORA || '../shared/corpora');

/** The corpus file or folder `relative` to CORPORA; absent, print why nothing runs and exit. */
export function corpusOrExit(relative, benchmark) {
  const path = join(CORPORA, relative);
  if (!existsSync(path)) {
    console.log(
      `skipped: ${benchmark} needs corpus ${relative}, not found under ${CORPORA} (set GOLIVE_CORPORA)`,
    );
    process.exit(0);
  }
  return path;
}
