/**
 * Terminal output of a load run: a live line refreshed about once a second (rewritten in
 * place on a TTY, one plain line per second otherwise, so CI logs stay readable) and a summary
 * table at the end.
 */
import type { CheckResult } from '../core/index.js';
import type { LoadRunData } from './result.js';
import { n1 } from './histogram.js';
import type { Progress } from './stats.js';

export function formatProgress(p: Progress): string {
  const fhir = p.fhirRequests
    ? `  fhir ${p.fhirRequests} (${p.fhirErrors} err, p99 ${n1(p.fhirP99)} ms)`
    : '';
  return `t=${n1(p.t)}s  rate ${n1(p.achievedRate)}/s of ${n1(p.targetRate)}/s  p50 ${n1(p.p50)} ms  p99 ${n1(p.p99)} ms  sent ${p.sent}  errors ${p.errors}  in-flight ${p.inFlight}${p.dropped ? `  dropped ${p.dropped}` : ''}${fhir}`;
}

export interface Writable {
  write(s: string): unknown;
  isTTY?: boolean;
}

export class LiveView {
  private lastLen = 0;
  constructor(private readonly out: Writable) {}

  update(p: Progress): void {
    const line = formatProgress(p);
    if (this.out.isTTY) {
      this.out.write(`\r${line}${' '.repeat(Math.max(0, this.lastLen - line.length))}`);
      this.lastLen = line.length;
    } else this.out.write(`${line}\n`);
  }

  end(): void {
    if (this.out.isTTY && this.lastLen) this.out.write('\n');
    this.lastLen = 0;
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
    const d = r.data as Partial<LoadRunData> | undefined;
    if (r.kind === 'load' && d?.accounting) {
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
