// HdrHistogram builds (decision 017): records/s of hdr-histogram-js's pure-JS build (packed and
// 32-bit counts) against its WebAssembly build, the same latencies into each, best of three
// rounds; then the percentiles each reports, which must agree. golive uses the JS build: two
// load runs in one process could abort inside the WebAssembly build ("Object is not pinned").
import * as hdr from 'hdr-histogram-js';
import { LatencyRecorder } from '../dist/load/histogram.js';

const N = 3_000_000;
// Latencies in microseconds, log-normal-ish around 2 ms with a long tail (fixed seed).
let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const values = new Float64Array(N);
for (let i = 0; i < N; i++) values[i] = Math.max(1, Math.round(2000 * Math.exp((rnd() - 0.5) * 4)));

const opts = (bitBucketSize, useWebAssembly) => ({
  bitBucketSize,
  useWebAssembly,
  numberOfSignificantValueDigits: 3,
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  autoResize: false,
});

function rate(make) {
  let best = 0;
  let h;
  for (let round = 0; round < 3; round++) {
    h?.destroy?.();
    h = make();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) h.recordValue(values[i]);
    best = Math.max(best, N / ((performance.now() - t0) / 1000));
  }
  return { best, h };
}

await hdr.initWebAssembly();
const rows = [
  ['js packed', () => hdr.build(opts('packed', false))],
  ['js 32-bit', () => hdr.build(opts(32, false))],
  ['wasm packed', () => hdr.build(opts('packed', true))],
];
const pcts = [50, 99, 99.9];
for (const [name, make] of rows) {
  const { best, h } = rate(make);
  console.log(
    `${name.padEnd(12)} ${(best / 1e6).toFixed(1).padStart(5)}M records/s   ${pcts.map((p) => `p${p} ${h.getValueAtPercentile(p)}`).join('  ')} us`,
  );
  h.destroy?.();
}
// What golive records per message: the run and the interval histogram plus a chart bucket.
const rec = new LatencyRecorder();
const t0 = performance.now();
for (let i = 0; i < N; i++) rec.record(values[i] / 1000);
console.log(
  `LatencyRecorder (golive, 2 histograms + chart bucket per sample): ${(N / ((performance.now() - t0) / 1000) / 1e6).toFixed(1)}M samples/s`,
);
