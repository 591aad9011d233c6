// Wall time of `golive demo` (and `--clean`) from a warm install: the whole review of the
// embedded site, as a newcomer runs it with `npm start`. Goal: under 60 seconds each.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = resolve(fileURLToPath(import.meta.url), '../../dist/cli/main.js');
for (const args of [['demo'], ['demo', '--clean']]) {
  const out = mkdtempSync(join(tmpdir(), 'golive-demo-bench-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args, '--out', out], { encoding: 'utf8' });
  const s = (performance.now() - t0) / 1000;
  const decision = /Decision: ([A-Z -]+)/.exec(r.stdout)?.[1]?.trim() ?? '?';
  console.log(
    `golive ${args.join(' ').padEnd(12)} ${s.toFixed(1)} s wall, exit ${r.status}, decision ${decision} (goal < 60 s)`,
  );
  rmSync(out, { recursive: true, force: true });
}
