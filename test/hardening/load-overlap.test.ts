/**
 * Issue 16 item 13: two load runs in one process, overlapping, end normally. The WebAssembly
 * build of hdr-histogram-js could abort the process ("Object is not pinned" on destroy) when
 * runs overlapped; latencies are now recorded in its pure-JS build (decision 017), whose
 * recorders hold ordinary memory. Real MLLP on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/core/index.js';
import { loadProfileText, runLoadProfile, startResponder } from '../../src/load/index.js';
import { histogramMode, LatencyRecorder } from '../../src/load/histogram.js';

const profile = (name: string) =>
  loadProfileText(`
name: ${name}
maxDuration: 20s
messages:
  adt: { builtin: adt-a04 }
executors:
  steady: { executor: constant-rate, rate: 40, duration: 1s, maxInFlight: 100000, mix: { adt: 1 } }
thresholds:
  ack_latency: ['p(99)<30s']
`);

type LoadData = { histogramMode: string; accounting?: unknown };

describe('histograms that cannot abort the process', () => {
  it('two load runs started together in one process both complete with their own figures', async () => {
    const a = await startResponder();
    const b = await startResponder();
    try {
      const run = (name: string, port: number) =>
        runLoadProfile({
          profile: profile(name),
          target: { mllp: { host: '127.0.0.1', port } },
        });
      const [ra, rb] = (await Promise.all([run('first', a.port), run('second', b.port)])) as [
        CheckResult[],
        CheckResult[],
      ];
      for (const [r, name] of [
        [ra, 'first'],
        [rb, 'second'],
      ] as const) {
        expect(r[0]).toMatchObject({ check: `load.${name}`, outcome: 'pass' });
        expect((r[0]!.data as LoadData).histogramMode).toBe('js');
        expect(r[0]!.measurements).toMatchObject({ sent: 40 });
      }
      expect(a.received).toBe(40);
      expect(b.received).toBe(40);
      // A third run after both ended: nothing left behind by the first two.
      const again = await run('third', a.port);
      expect(again[0]!.outcome).toBe('pass');
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it('recorders with interleaved lifetimes: record, read, reset and end in any order', () => {
    expect(histogramMode()).toBe('js');
    const live: LatencyRecorder[] = [];
    for (let round = 0; round < 300; round++) {
      live.push(new LatencyRecorder(), new LatencyRecorder());
      for (const r of live) for (let i = 1; i <= 50; i++) r.record((i * (round + 1)) % 5000);
      const k = (round * 7) % live.length;
      live[k]!.takeInterval();
      live[k]!.destroy();
      live[k]!.destroy(); // twice is harmless
      live.splice(k, 1);
      if (live.length > 8) live.shift()!.destroy();
    }
    for (const r of live) {
      expect(r.percentile(99)).toBeGreaterThan(0);
      r.destroy();
    }
  });
});
