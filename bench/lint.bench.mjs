// golive lint throughput with all rules on the simhospital corpus repeated to >= 200 MB, beside
// a bare read of the same file through the same streaming reader (read + split + decode + parse)
// in the same run; then peak RSS of a lint run (own process) at 200 MB and 1 GB. Each repeat
// gets its own MSH-10 (a capture has unique control ids; the patients come back, as in real
// traffic). Bare and lint alternate twice and the best of each counts: the machine is shared,
// and a burst of other work during one pass should not decide the ratio. Temp files live in
// os.tmpdir() and are deleted. GOLIVE_BENCH_SKIP_1G=1 skips the 1 GB run.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { readHl7Inputs } from '../dist/inputs/hl7-files.js';
import { lintInputs } from '../dist/lint/index.js';
import { corpusOrExit } from './corpora.mjs';

const NOW = Date.parse('2026-11-27T00:00:00Z');

if (process.argv[2] === '--child') {
  // Child: lint one file, print messages, time and peak RSS (maxRSS is in KiB).
  const t0 = performance.now();
  const r = await lintInputs([process.argv[3]], { nowMs: NOW });
  console.log(
    JSON.stringify({
      messages: r.summary.messages,
      findings: r.summary.findings,
      evicted: r.summary.evicted,
      seconds: (performance.now() - t0) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
  process.exit(0);
}

const corpus = corpusOrExit('hl7v2/simhospital/messages.hl7', 'lint throughput and memory');
const base = readFileSync(corpus, 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('MSH'));
async function generate(file, bytes) {
  const out = createWriteStream(file);
  let written = 0;
  for (let rep = 0; written < bytes; rep++) {
    let chunk = '';
    for (const m of base) chunk += `${m.replace(/^(MSH(?:\|[^|]*){8}\|)([^|]*)/, `$1$2-${rep}`)}\n`;
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return statSync(file).size;
}

const rate = (mb, messages, s) =>
  `${(mb / s).toFixed(1).padStart(6)} MB/s ${Math.round(messages / s)
    .toLocaleString('en-US')
    .padStart(8)} msg/s`;

const dir = mkdtempSync(join(tmpdir(), 'golive-lint-bench-'));
try {
  const f200 = join(dir, 'traffic-200.hl7');
  const size = await generate(f200, 200 * 1024 * 1024);
  const mb = size / 1048576;
  console.log(`input: simhospital (${base.length} messages) repeated to ${mb.toFixed(0)} MB`);

  let bareS = Infinity;
  let lintS = Infinity;
  let n = 0;
  let r;
  for (let pass = 1; pass <= 2; pass++) {
    let t0 = performance.now();
    n = 0;
    for await (const item of readHl7Inputs([f200]))
      if (item.kind === 'message' && item.message) n++;
    const b = (performance.now() - t0) / 1000;
    t0 = performance.now();
    r = await lintInputs([f200], { nowMs: NOW });
    const l = (performance.now() - t0) / 1000;
    console.log(
      `  pass ${pass}: bare ${(mb / b).toFixed(1)} MB/s, lint ${(mb / l).toFixed(1)} MB/s (${(b / l).toFixed(2)}x)`,
    );
    bareS = Math.min(bareS, b);
    lintS = Math.min(lintS, l);
  }
  console.log(`bare read + split + decode + parse   ${rate(mb, n, bareS)}`);
  const f = r.summary.findings;
  console.log(
    `lint, all ${r.summary.rules.length} rules                  ${rate(mb, r.summary.messages, lintS)}  (${f.error} errors, ${f.warning} warnings, ${f.info} info; ${r.summary.omitted} not listed)`,
  );
  console.log(`lint / bare parse: ${(bareS / lintS).toFixed(2)}x (goal >= 0.5x)`);

  const child = (file) =>
    JSON.parse(
      spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      }).stdout,
    );
  const c200 = child(f200);
  console.log(
    `peak RSS, lint of ${mb.toFixed(0)} MB: ${c200.maxRssMb.toFixed(0)} MB (${c200.messages} messages, ${(mb / c200.seconds).toFixed(1)} MB/s)`,
  );
  if (process.env.GOLIVE_BENCH_SKIP_1G !== '1') {
    rmSync(f200);
    const f1g = join(dir, 'traffic-1g.hl7');
    const mb1g = (await generate(f1g, 1024 * 1024 * 1024)) / 1048576;
    const c1g = child(f1g);
    console.log(
      `peak RSS, lint of ${mb1g.toFixed(0)} MB: ${c1g.maxRssMb.toFixed(0)} MB (${c1g.messages} messages, ${(mb1g / c1g.seconds).toFixed(1)} MB/s, ${c1g.evicted} state entries evicted) (goal < 300 MB)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
