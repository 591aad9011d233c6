// CLI start-up: wall time of `golive --version`, `golive --help` and `golive lint` of a 1 KB
// file, beside `node -e ''` (the floor: Node itself) measured in the same run. CI jobs and
// editors call the CLI per file, so start-up is paid every time. Goals: --version and --help
// under 150 ms, lint of 1 KB under 400 ms. The commands run interleaved, RUNS times each, and
// the median and the best are printed: the machine is shared, and the best shows what the code
// costs when nothing else competes. Figures only; nothing here is asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = resolve(fileURLToPath(import.meta.url), '../../dist/cli/main.js');
const RUNS = Number(process.env.GOLIVE_BENCH_STARTUP_RUNS ?? 11);

// A 1 KB result message (v2.5.1 ORU^R01), zoned, valid: lint has nothing to report but reads it all.
const dir = mkdtempSync(join(tmpdir(), 'golive-startup-'));
const file = join(dir, 'one-kb.hl7');
const obx = (i, code, name, value, unit, range) =>
  `OBX|${i}|NM|${code}^${name}^LN||${value}|${unit}|${range}|N|||F|||20260327130000+0100`;
const segments = [
  'MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||ORU^R01^ORU_R01|C1|P|2.5.1|||AL|NE||UNICODE UTF-8',
  'PID|1||MRN001^^^RGH^MR||Doe^Jane||19800101|F|||1 Main St^^Springfield^^12345',
  'ORC|RE|PL1|FL1||CM',
  'OBR|1|PL1|FL1|24323-8^Comprehensive metabolic panel^LN|||20260327120000+0100|||||||||||||||20260327140000+0100|||F',
  obx(1, '2345-7', 'Glucose', '5.2', 'mmol/L', '3.9-5.5'),
  obx(2, '2823-3', 'Potassium', '4.1', 'mmol/L', '3.5-5.1'),
  obx(3, '2951-2', 'Sodium', '140', 'mmol/L', '135-145'),
  obx(4, '2075-0', 'Chloride', '101', 'mmol/L', '98-107'),
  obx(5, '2028-9', 'Carbon dioxide', '25', 'mmol/L', '22-29'),
  obx(6, '3094-0', 'Urea nitrogen', '5.0', 'mmol/L', '2.5-7.1'),
  obx(7, '2160-0', 'Creatinine', '80', 'umol/L', '45-90'),
  obx(8, '17861-6', 'Calcium', '2.3', 'mmol/L', '2.1-2.6'),
];
writeFileSync(file, segments.join('\r') + '\r');

const cases = [
  { label: "node -e ''", args: ['-e', ''], goal: undefined },
  { label: 'golive --version', args: [cli, '--version'], goal: 150 },
  { label: 'golive --help', args: [cli, '--help'], goal: 150 },
  { label: `golive lint (${statSync(file).size} B)`, args: [cli, 'lint', file], goal: 400 },
];

const times = cases.map(() => []);
for (let r = 0; r < RUNS; r++) {
  cases.forEach((c, i) => {
    const t0 = performance.now();
    const p = spawnSync(process.execPath, c.args, { encoding: 'utf8' });
    times[i].push(performance.now() - t0);
    if (p.status !== 0) {
      console.log(`${c.label}: exit ${p.status}\n${p.stderr}`);
      process.exitCode = 1;
    }
  });
}
rmSync(dir, { recursive: true, force: true });

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const floor = median(times[0]);
console.log(`${RUNS} runs each, interleaved; wall time in ms`);
cases.forEach((c, i) => {
  const med = median(times[i]);
  const best = Math.min(...times[i]);
  const over = i === 0 ? '(floor)' : `+${(med - floor).toFixed(0)} over the floor`;
  const goal = c.goal ? `, goal < ${c.goal}: ${med < c.goal ? 'met' : 'not met'}` : '';
  console.log(
    `${c.label.padEnd(24)} median ${med.toFixed(0).padStart(5)}  best ${best.toFixed(0).padStart(5)}  ${over}${goal}`,
  );
});
