/**
 * Latency recording in HdrHistogram (hdr-histogram-js 3), its pure-JS build with 32-bit counts.
 * Values are kept in microseconds with 3 significant digits, up to one hour. The WebAssembly
 * build is not used: two load runs in one process could abort inside it ("Object is not pinned"
 * when a histogram was destroyed), taking the whole review down. The JS build holds ordinary
 * memory (nothing to destroy, nothing shared between runs) and records faster than the
 * WebAssembly packed build did (docs/decisions/017-js-histograms.md, bench/histogram.bench.mjs).
 */
import * as hdr from 'hdr-histogram-js';

const HIGHEST_US = 3_600_000_000;

/** Which HdrHistogram build records latencies (reported with every load result). */
export function histogramMode(): 'js' {
  return 'js';
}

function build(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 32,
    useWebAssembly: false,
    numberOfSignificantValueDigits: 3,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    autoResize: false,
  });
}

export interface IntervalStats {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** A whole-run histogram plus an interval one that is read and reset once per second. */
export class LatencyRecorder {
  private readonly total = build();
  private readonly interval = build();
  /** Coarse log2 buckets for the chart (hdr-histogram-js has no count-below-value query). */
  private readonly coarse = new Array<number>(40).fill(0);

  /** Record one latency in milliseconds. */
  record(ms: number): void {
    const us = Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000)));
    this.total.recordValue(us);
    this.interval.recordValue(us);
    const b = us <= 250 ? 0 : us <= 500 ? 1 : 2 + Math.max(0, Math.ceil(Math.log2(us / 1000)));
    this.coarse[Math.min(b, this.coarse.length - 1)]!++;
  }

  get count(): number {
    return this.total.totalCount;
  }

  /**
   * Value at a percentile in ms; undefined when nothing was recorded. HdrHistogram answers with
   * the highest value equivalent to the sample's bucket (up to 0.1% above it at 3 significant
   * digits), which can exceed the largest sample actually recorded: capped at that maximum, as
   * no percentile of a run can be above its max.
   */
  percentile(p: number): number | undefined {
    if (this.total.totalCount === 0) return undefined;
    return Math.min(this.total.getValueAtPercentile(p), this.total.maxValue) / 1000;
  }

  get maxMs(): number | undefined {
    return this.total.totalCount ? this.total.maxValue / 1000 : undefined;
  }

  get minMs(): number | undefined {
    return this.total.totalCount ? this.total.minNonZeroValue / 1000 : undefined;
  }

  get meanMs(): number | undefined {
    return this.total.totalCount ? this.total.mean / 1000 : undefined;
  }

  /** Percentiles of the samples since the previous call, then start a new interval. */
  takeInterval(): IntervalStats {
    const h = this.interval;
    const n = h.totalCount;
    // capped at the interval's max, as in percentile()
    const at = (p: number) =>
      n ? round(Math.min(h.getValueAtPercentile(p), h.maxValue) / 1000) : 0;
    const s = {
      count: n,
      p50: at(50),
      p90: at(90),
      p99: at(99),
      max: n ? round(h.maxValue / 1000) : 0,
    };
    h.reset();
    return s;
  }

  /**
   * Buckets for a histogram chart: upper bounds 0.25 ms, 0.5 ms, then doubling from 1 ms up to
   * the maximum, each with the count of samples above the previous bound.
   */
  buckets(): { upToMs: number; count: number }[] {
    if (!this.total.totalCount) return [];
    let last = this.coarse.length - 1;
    while (last > 0 && this.coarse[last] === 0) last--;
    const out: { upToMs: number; count: number }[] = [];
    for (let i = 0; i <= last; i++) {
      out.push({ upToMs: i === 0 ? 0.25 : i === 1 ? 0.5 : 2 ** (i - 2), count: this.coarse[i]! });
    }
    return out;
  }

  percentilesRecord(): Record<string, number> {
    if (!this.count) return {};
    return {
      p50: round(this.percentile(50)!),
      p90: round(this.percentile(90)!),
      p95: round(this.percentile(95)!),
      p99: round(this.percentile(99)!),
      'p99.9': round(this.percentile(99.9)!),
      max: round(this.maxMs!),
      mean: round(this.meanMs!),
    };
  }

  /** Kept for callers that end a recorder: JS histograms hold no native memory. Idempotent. */
  destroy(): void {
    // nothing to free
  }
}

export function round(ms: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(ms * f) / f;
}

/** One decimal for ordinary figures; three significant digits for small ones (rates). */
export const n1 = (n: number): string =>
  !Number.isFinite(n)
    ? '-'
    : n !== 0 && Math.abs(n) < 1
      ? String(Number(n.toPrecision(3)))
      : (Math.round(n * 10) / 10).toString();
