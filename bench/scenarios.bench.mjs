// Wall time of the whole built-in scenario set against the embedded reference site,
// sequential and concurrent (goal: under 10 s). Imports the compiled code (npm run bench builds).
import { defaultConfig } from '../dist/config/index.js';
import { loadBuiltinScenarios, runScenarios } from '../dist/scenarios/index.js';
import { startEmbeddedTarget } from '../dist/runner/targets.js';

const scenarios = loadBuiltinScenarios();
const rounds = Number(process.env.ROUNDS ?? 3);

async function once(concurrency) {
  const embedded = await startEmbeddedTarget(defaultConfig());
  try {
    const t0 = performance.now();
    const r = await runScenarios({
      config: embedded.config,
      scenarios,
      target: embedded.target,
      capture: embedded.capture,
      concurrency,
    });
    const ms = performance.now() - t0;
    const bad = r.results.filter((x) => x.outcome !== 'pass').map((x) => x.check);
    if (bad.length) throw new Error(`not all passed: ${bad.join(', ')}`);
    return { ms, exchanges: r.exchanges.length };
  } finally {
    await embedded.stop();
  }
}

console.log(
  `built-in scenarios: ${scenarios.length}, rounds: ${rounds} (fault-free embedded site, data file on)`,
);
for (const concurrency of [1, 4, 8]) {
  const times = [];
  let exchanges = 0;
  for (let i = 0; i < rounds; i++) {
    const r = await once(concurrency);
    times.push(r.ms);
    exchanges = r.exchanges;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `concurrency ${String(concurrency).padStart(2)}: median ${(median / 1000).toFixed(2)} s ` +
      `(min ${(times[0] / 1000).toFixed(2)} s, max ${(times.at(-1) / 1000).toFixed(2)} s), ` +
      `${exchanges} exchanges per run, goal < 10 s: ${median < 10_000 ? 'met' : 'NOT met'}`,
  );
}
