// Copies non-TypeScript assets (built-in scenario YAML, report assets) next to the compiled code.
import { cpSync, existsSync, mkdirSync } from 'node:fs';

const pairs = [
  ['src/scenarios/builtin', 'dist/scenarios/builtin'],
  ['src/load/builtin', 'dist/load/builtin'],
];
for (const [from, to] of pairs) {
  if (!existsSync(from)) continue;
  mkdirSync(to, { recursive: true });
  cpSync(from, to, { recursive: true, filter: (p) => !p.endsWith('.ts') });
}
