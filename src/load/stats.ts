/**
 * What a load run observed: every message in exactly one acknowledgement class, latencies in
 * HdrHistogram, a per-second series and the sizes of what was sent (for storage projection).
 */
import type { LoadSeriesPoint } from '../core/index.js';
import type { SendResult } from '../transports/index.js';
import { LatencyRecorder, round } from './histogram.js';

export const ACK_CLASSES = ['AA', 'AE', 'AR', 'timeout', 'connection-lost', 'invalid-ack'] as const;
export type AckClass = (typeof ACK_CLASSES)[number];

/** One class per send outcome (HL7 v2.5.1 table 0008 for the ACK codes). */
export function classify(r: Pick<SendResult, 'status' | 'ackCode'>): AckClass {
  switch (r.status) {
    case 'acked':
      if (r.ackCode === 'AA' || r.ackCode === 'CA') return 'AA';
      if (r.ackCode === 'AE' || r.ackCode === 'CE') return 'AE';
      return 'AR';
    case 'timeout':
      return 'timeout';
    case 'invalid-ack':
      return 'invalid-ack';
    default:
      return 'connection-lost';
  }
}

export interface Progress {
  /** Seconds since the run started. */
  t: number;
  /** Iterations that fell due in the last interval (per second). */
  targetRate: number;
  /** Messages sent in the last interval (per second). */
  achievedRate: number;
  p50: number;
  p99: number;
  sent: number;
  completed: number;
  errors: number;
  inFlight: number;
  dropped: number;
  fhirRequests: number;
  fhirErrors: number;
  fhirP99: number;
}

export class RunStats {
  readonly ack = new LatencyRecorder();
  readonly fhir = new LatencyRecorder();
  readonly classes: Record<AckClass, number> = {
    AA: 0,
    AE: 0,
    AR: 0,
    timeout: 0,
    'connection-lost': 0,
    'invalid-ack': 0,
  };
  sent = 0;
  completed = 0;
  dropped = 0;
  intended = 0;
  inFlight = 0;
  fhirRequests = 0;
  fhirErrors = 0;
  readonly fhirStatus: Record<string, number> = {};
  readonly bytesByType = new Map<string, { bytes: number; count: number }>();
  readonly series: LoadSeriesPoint[] = [];
  /** performance.now() of the first and last actual send, and first/last intended instant. */
  firstSend = Infinity;
  lastSend = -Infinity;
  firstIntended = Infinity;
  lastIntended = -Infinity;
  private mark = { sent: 0, completed: 0, errors: 0, intended: 0, fhir: 0, fhirErrors: 0 };

  constructor(readonly startPerf: number) {}

  /** Sent messages settled without AA. */
  get errors(): number {
    return this.sent - this.inFlight - this.classes.AA;
  }

  noteIntended(at: number): void {
    this.intended++;
    if (at < this.firstIntended) this.firstIntended = at;
    if (at > this.lastIntended) this.lastIntended = at;
  }

  noteSent(type: string, bytes: number, at: number): void {
    this.sent++;
    this.inFlight++;
    if (at < this.firstSend) this.firstSend = at;
    if (at > this.lastSend) this.lastSend = at;
    const b = this.bytesByType.get(type);
    if (b) {
      b.bytes += bytes;
      b.count++;
    } else this.bytesByType.set(type, { bytes, count: 1 });
  }

  noteDone(cls: AckClass, latencyMs: number): void {
    this.inFlight--;
    this.completed++;
    this.classes[cls]++;
    if (cls === 'AA' || cls === 'AE' || cls === 'AR') this.ack.record(latencyMs);
  }

  noteFhir(status: number | 'error', latencyMs: number, ok: boolean): void {
    this.fhirRequests++;
    const k = String(status);
    this.fhirStatus[k] = (this.fhirStatus[k] ?? 0) + 1;
    if (!ok) this.fhirErrors++;
    if (status !== 'error') this.fhir.record(latencyMs);
  }

  /** Close the current one-second interval: append to the series and report progress. */
  tick(now: number, seconds: number): Progress {
    const a = this.ack.takeInterval();
    const f = this.fhir.takeInterval();
    const errors = this.errors;
    const m = this.mark;
    const point: LoadSeriesPoint = {
      t: round(seconds, 1),
      sent: this.sent - m.sent,
      completed: this.completed - m.completed,
      errors: errors - m.errors,
      p50: a.p50,
      p90: a.p90,
      p99: a.p99,
      max: a.max,
    };
    this.series.push(point);
    const span = seconds - (this.series.length > 1 ? this.series[this.series.length - 2]!.t : 0);
    const per = (n: number) => round(n / Math.max(span, 0.001), 1);
    const progress: Progress = {
      t: round((now - this.startPerf) / 1000, 1),
      targetRate: per(this.intended - m.intended),
      achievedRate: per(point.sent),
      p50: a.p50,
      p99: a.p99,
      sent: this.sent,
      completed: this.completed,
      errors,
      inFlight: this.inFlight,
      dropped: this.dropped,
      fhirRequests: this.fhirRequests,
      fhirErrors: this.fhirErrors,
      fhirP99: f.p99,
    };
    this.mark = {
      sent: this.sent,
      completed: this.completed,
      errors,
      intended: this.intended,
      fhir: this.fhirRequests,
      fhirErrors: this.fhirErrors,
    };
    return progress;
  }

  /** Mean intended rate between the first and last intended instants (per second). */
  targetRate(): number | undefined {
    const span = (this.lastIntended - this.firstIntended) / 1000;
    return span > 0 ? (this.intended - 1) / span : undefined;
  }

  /** Mean rate of actual sends between the first and the last one (per second). */
  achievedRate(): number | undefined {
    const span = (this.lastSend - this.firstSend) / 1000;
    return span > 0 ? (this.sent - 1) / span : undefined;
  }

  destroy(): void {
    this.ack.destroy();
    this.fhir.destroy();
  }
}
