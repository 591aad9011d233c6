/**
 * Accuracy of the generator against the minimal ACK responder: the achieved rate matches the
 * target across rates this machine sustains, and percentiles match a known injected delay.
 * Tolerances are generous on purpose: the machine is small and shared.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadProfileText,
  runLoadProfile,
  startResponder,
  type LoadRunData,
  type Responder,
} from '../../src/load/index.js';

let responder: Responder | undefined;
afterEach(async () => {
  await responder?.close();
  responder = undefined;
});

function constantProfile(rate: number, seconds: number, extra = ''): string {
  return `
name: accuracy
maxDuration: 30s
messages:
  adt: { builtin: adt-a04 }
executors:
  steady:
    executor: constant-rate
    rate: ${rate}
    duration: ${seconds}s
    connections: 2
    mix: { adt: 1 }
${extra}`;
}

describe('generator accuracy', () => {
  for (const rate of [50, 400, 1500]) {
    it(`achieves ${rate}/s within 2% of the target`, async () => {
      responder = await startResponder();
      const lp = loadProfileText(constantProfile(rate, 3));
      const [r] = await runLoadProfile({
        profile: lp,
        target: { mllp: { host: '127.0.0.1', port: responder.port } },
      });
      const d = r!.data as LoadRunData;
      expect(r!.measurements.sent).toBe(rate * 3);
      expect(d.accounting.AA).toBe(rate * 3);
      expect(d.dropped).toBe(0);
      expect(Math.abs(d.achievedRate! - rate) / rate).toBeLessThan(0.02);
      expect(d.targetRate).toBeCloseTo(rate, 0);
      expect(responder.received).toBe(rate * 3);
    });
  }

  it('measures a known 20 ms ACK delay', async () => {
    responder = await startResponder({ delayMs: 20 });
    const lp = loadProfileText(constantProfile(100, 3));
    const [r] = await runLoadProfile({
      profile: lp,
      target: { mllp: { host: '127.0.0.1', port: responder.port } },
    });
    const d = r!.data as LoadRunData;
    // The responder's 20 ms timer starts from libuv's cached loop time, which can be a little
    // older than the moment the frame was read, so it may fire up to a few ms early: the
    // measured latency includes the delay, less that slack. No upper bound: that would be a
    // statement about this machine's speed, not about the measurement.
    expect(d.percentiles.p50).toBeGreaterThanOrEqual(17);
    expect(d.percentiles.p99).toBeGreaterThanOrEqual(d.percentiles.p50!);
    expect(d.histogram.reduce((a, b) => a + b.count, 0)).toBe(300);
  });
});
