/**
 * The dashboard reads the report through its public entry point (src/report/index.ts) only,
 * so the report's internals can move without breaking the server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

describe('src/server imports', () => {
  it('take the report only from src/report/index.ts', () => {
    const dir = join(ROOT, 'src/server');
    const bad: string[] = [];
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const m of text.matchAll(/from '\.\.\/report\/([^']+)'/g))
        if (m[1] !== 'index.js') bad.push(`${f}: ../report/${m[1]}`);
    }
    expect(bad).toEqual([]);
  });
});
