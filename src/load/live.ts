/**
 * Terminal output of a load run: a live status line redrawn in place on a terminal (cut to its
 * width, redrawn at least once a second), one plain line per second otherwise (CI logs stay
 * readable, no cursor codes), and a summary table at the end.
 */
import type { CheckResult } from '../core/index.js';
import { LiveArea } from '../report/live.js';
import { painter, useColour, type TerminalStream } from '../report/terminal.js';
import { n1 } from './histogram.js';
import type { Profile } from './profile-schema.js';
import { scheduleOf, type Schedule } from './schedule.js';
import type { Progress } from './stats.js';

/**
 * The status line: the achieved rate of the last second against `plannedRate`, the rate the
 * load profile asks for at that moment (without it, the generator's own count of iterations
 * that fell due).
 */
export function formatProgress(p: Progress, plannedRate?: number): string {
  const fhir = p.fhirRequests
    ? `  fhir ${p.fhirRequests} (${p.fhirErrors} err, p99 ${n1(p.fhirP99)} ms)`
    : '';
  return `t=${n1(p.t)}s  rate ${n1(p.achievedRate)}/s of ${n1(plannedRate ?? p.targetRate)}/s  p50 ${n1(p.p50)} ms  p99 ${n1(p.p99)} ms  sent ${p.sent}  errors ${p.errors}  in-flight ${p.inFlight}${p.dropped ? `  dropped ${p.dropped}` : ''}${fhir}`;
}

/** Iterations of `s` (started `startMs` into the run) due in [fromMs, toMs). */
function dueBetween(s: Schedule, startMs: number, fromMs: number, toMs: number): number {
  // timeOf is non-decreasing: the first index due at or after an instant, by bisection.
  const firstAtOrAfter = (ms: number): number => {
    let lo = 0;
    let hi = s.total;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (startMs + s.timeOf(mid) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return firstAtOrAfter(toMs) - firstAtOrAfter(fromMs);
}

/**
 * The MLLP rate (messages per second) the profile's open-model executors ask for over the
 * second that ends `tSeconds` into the measured run. FHIR readers (concurrent users) send no
 * MLLP messages and count nothing here.
 */
export function plannedRate(profile: Pick<Profile, 'executors'>, tSeconds: number): number {
  const toMs = tSeconds * 1000;
  const fromMs = Math.max(0, toMs - 1000);
  const span = (toMs - fromMs) / 1000;
  if (span <= 0) return 0;
  let due = 0;
  for (const ex of Object.values(profile.executors)) {
    if (ex.executor === 'concurrent-users') continue;
    due += dueBetween(scheduleOf(ex), ex.startAt ?? 0, fromMs, toMs);
  }
  return due / span;
}

export type Writable = TerminalStream;

export interface LiveViewOptions {
  /** The profile being run: the status line shows the rate it asks for. */
  profile?: Pick<Profile, 'executors'>;
  /** Redraw in place (default: the stream is a terminal outside CI). */
  live?: boolean;
  colour?: boolean;
}

export class LiveView {
  private readonly area: LiveArea;
  private last: string | undefined;
  private readonly colour: boolean;

  constructor(
    private readonly out: Writable,
    private readonly o: LiveViewOptions = {},
  ) {
    this.colour = o.colour ?? useColour();
    this.area = new LiveArea(out, () => (this.last === undefined ? [] : [this.last]), {
      ...(o.live !== undefined ? { live: o.live } : {}),
    });
  }

  update(p: Progress): void {
    const line = formatProgress(p, this.o.profile ? plannedRate(this.o.profile, p.t) : undefined);
    if (this.area.live) {
      this.last = painter(this.colour)(line, 'cyan');
      this.area.start();
    } else this.out.write(`${line}\n`);
  }

  /** The last status line stays on a terminal; nothing more is written elsewhere. */
  end(): void {
    this.area.stop();
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The end-of-run summary: outcome, rates, latency, accounting, thresholds, findings. */
export function renderSummary(results: readonly CheckResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.outcome.toUpperCase().padEnd(5)} ${r.title} (${r.check})`, `  ${r.summary}`);
    const d = r.kind === 'load' ? r.data : undefined;
    if (d?.accounting) {
      const pc = d.percentiles ?? {};
      out.push(
        '',
        table([
          ['ack latency', 'p50', 'p90', 'p99', 'p99.9', 'max'],
          ['ms', ...['p50', 'p90', 'p99', 'p99.9', 'max'].map((k) => n1(pc[k] ?? NaN))],
        ]).replace(/^/gm, '  '),
        '',
        table([
          ['class', 'messages'],
          ...Object.entries(d.accounting).map(([k, v]) => [k, String(v)]),
          ...(d.dropped ? [['(not started: dropped)', String(d.dropped)]] : []),
          ...(d.endToEnd
            ? Object.entries(d.endToEnd.classes).map(([k, v]) => [`downstream ${k}`, String(v)])
            : []),
        ]).replace(/^/gm, '  '),
      );
      if (d.thresholds?.length) {
        out.push(
          '',
          table([
            ['metric', 'threshold', 'actual', 'result'],
            ...d.thresholds.map((t) => [
              t.metric,
              t.expression,
              n1(t.actual),
              t.ok ? 'met' : 'MISSED',
            ]),
          ]).replace(/^/gm, '  '),
        );
      }
    } else {
      out.push(
        table(Object.entries(r.measurements).map(([k, v]) => [k, n1(v)])).replace(/^/gm, '  '),
      );
    }
    for (const f of r.findings) out.push(`  ${f.severity}: ${f.message}`);
    out.push('');
  }
  return out.join('\n');
}
