/**
 * The shared corpora: real data written by others (HL7 v2 samples, FHIR R4 examples, FEBRL
 * rosters), read by path and never copied into the repository. A fresh clone has no
 * `../shared/corpora`, so every test that reads them declares it with `needCorpus` and skips
 * when the corpus is absent, printing one line that says what is then not covered. Under
 * `CI=true` absence is an error instead (CI runs beside a copy of shared/): a failing test
 * named after the corpus, so a CI run can never pass while quietly covering less.
 *
 * What these tests check is also checked on synthetic data the project generates itself
 * (test/hl7/synthetic.test.ts, test/lint/synthetic-identity.test.ts and the property tests),
 * so a fresh clone still tests every behaviour; the corpora add others' real-world quirks.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** `GOLIVE_CORPORA` (absolute, or relative to the repository root), else ../shared/corpora. */
export const CORPORA = resolve(ROOT, process.env['GOLIVE_CORPORA'] || '../shared/corpora');

export interface Corpus {
  /** Absolute path of the corpus file or folder. */
  readonly path: string;
  /** True when the tests that need it must be skipped: `describe.skipIf(corpus.skip)`. */
  readonly skip: boolean;
}

/**
 * Declare, at the top of a test file, a corpus file or folder (relative to CORPORA) that some
 * of its tests need, and what goes untested without it. Use the result's `skip` with
 * `describe.skipIf` / `it.skipIf`.
 */
export function needCorpus(relative: string, notCovered: string): Corpus {
  const path = join(CORPORA, relative);
  if (existsSync(path)) return { path, skip: false };
  const what = `corpus ${relative} not found under ${CORPORA} (set GOLIVE_CORPORA)`;
  if (inCi()) {
    // A test of its own, so the file's other tests still run and the failure names the corpus.
    it(`corpus ${relative} is present (required under CI)`, () => {
      throw new Error(`${what}; CI needs it for: ${notCovered}`);
    });
  } else {
    // One line straight to stderr: vitest shows it as is, without a per-file console header.
    process.stderr.write(`skipped: ${what}; not covered: ${notCovered}\n`);
  }
  return { path, skip: true };
}

/** CI=true (or any value but false/0), as CI services and .ci/run set it. */
function inCi(): boolean {
  const ci = process.env['CI'];
  return !!ci && ci !== 'false' && ci !== '0';
}

/**
 * Every file under `dir` (recursively) whose name ends with `ext`, sorted. An absent folder
 * gives none: suites skipped for a missing corpus still collect their tests at load.
 */
export function listFiles(dir: string, ext?: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, ext));
    else if (!ext || name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}
