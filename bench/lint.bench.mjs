// golive lint throughput with all rules on the simhospital corpus repeated to >= 200 MB, beside
// a bare read+parse of the same file in the same run; then peak RSS of a lint run (own process)
// at 200 MB and 1 GB. Each repeat gets its own MSH-10 (a capture has unique control ids; the
// patients come back, as in real traffic). Temp files live in os.tmpdir() and are deleted.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { readHl7Inputs } from '../dist/inputs/hl7-files.js';
import { lintInputs } from '../dist/lint/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = resolve(here, '../../shared/corpora/hl7v2/simhospital/messages.hl7');
const NOW = Date.parse('2026-11-27T00:00:00Z');

if (process.argv[2] === '--child') {
  // Child: lint one file, print messages and peak RSS (maxRSS is in KiB).
  const r = await lintInputs([process.argv[3]], { nowMs: NOW });
  console.log(
    JSON.stringify({
      messages: r.summary.messages,
      findings: r.summary.findings,
      evicted: r.summary.evicted,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
  process.exit(0);
}

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

const dir = mkdtempSync(join(tmpdir(), 'golive-lint-bench-'));
try {
  const f200 = join(dir, 'traffic-200.hl7');
  const size = await generate(f200, 200 * 1024 * 1024);
  const mb = size / 1048576;
  console.log(`input: simhospital (${base.length} messages) repeated to ${mb.toFixed(0)} MB`);

  let t0 = performance.now();
  let n = 0;
  for await (const item of readHl7Inputs([f200])) if (item.kind === 'message' && item.message) n++;
  const bareS = (performance.now() - t0) / 1000;
  console.log(
    `bare read + split + decode + parse   ${(mb / bareS).toFixed(1).padStart(6)} MB/s ${Math.round(
      n / bareS,
    )
      .toLocaleString('en-US')
      .padStart(8)} msg/s`,
  );

  t0 = performance.now();
  const r = await lintInputs([f200], { nowMs: NOW });
  const lintS = (performance.now() - t0) / 1000;
  console.log(
    `lint, all ${r.summary.rules.length} rules                  ${(mb / lintS).toFixed(1).padStart(6)} MB/s ${Math.round(
      r.summary.messages / lintS,
    )
      .toLocaleString('en-US')
      .padStart(
        8,
      )} msg/s  (${r.summary.findings.error} errors, ${r.summary.findings.warning} warnings, ${r.summary.findings.info} info)`,
  );
  console.log(`lint / bare parse: ${(bareS / lintS).toFixed(2)}x (goal >= 0.5x)`);

  const child = (file, flags = []) =>
    JSON.parse(
      spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), '--child', file], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      }).stdout,
    );
  const c200 = child(f200);
  console.log(
    `peak RSS, lint of ${mb.toFixed(0)} MB: ${c200.maxRssMb.toFixed(0)} MB (${c200.messages} messages)`,
  );
  // The live set is small: V8's default heap sizing, not lint state, sets the RSS above.
  const CAP = ['--max-old-space-size=128'];
  console.log(`  with ${CAP[0]}: ${child(f200, CAP).maxRssMb.toFixed(0)} MB`);
  if (process.env.GOLIVE_BENCH_SKIP_1G !== '1') {
    rmSync(f200);
    const f1g = join(dir, 'traffic-1g.hl7');
    const size1g = await generate(f1g, 1024 * 1024 * 1024);
    t0 = performance.now();
    const c1g = child(f1g);
    const s = (performance.now() - t0) / 1000;
    console.log(
      `peak RSS, lint of ${(size1g / 1048576).toFixed(0)} MB: ${c1g.maxRssMb.toFixed(0)} MB (${c1g.messages} messages, ${(size1g / 1048576 / s).toFixed(1)} MB/s) (goal < 300 MB)`,
    );
    console.log(`  with ${CAP[0]}: ${child(f1g, CAP).maxRssMb.toFixed(0)} MB`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
