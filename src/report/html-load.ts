/** The load section: Chart.js charts (latency percentiles, throughput, histogram) and tables. */
import { dataOf, readFailoverData, type FailoverSummary, type LoadData } from '../core/index.js';
import { escapeHtml as e } from './escape.js';
import { section, type HtmlContext } from './html-context.js';
import { card, findingsList, kvTable } from './html-parts.js';
import { cell, gridTable, type Col } from './html-table.js';
import { formatMs, formatNumber, loadData } from './model.js';
import type { ReportCheck } from './types.js';

/** More points than this are merged so a long run stays readable and the file small. */
const MAX_POINTS = 600;

function downsample(series: LoadData['series']): {
  t: number;
  span: number;
  sent: number;
  completed: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
}[] {
  const withSpan = series.map((p, i) => ({
    ...p,
    span:
      i === 0
        ? series.length > 1
          ? Math.max(series[1]!.t - p.t, 1e-9)
          : 1
        : Math.max(p.t - series[i - 1]!.t, 1e-9),
  }));
  if (withSpan.length <= MAX_POINTS) return withSpan;
  const size = Math.ceil(withSpan.length / MAX_POINTS);
  const out: ReturnType<typeof downsample> = [];
  for (let i = 0; i < withSpan.length; i += size) {
    const g = withSpan.slice(i, i + size);
    const sum = (k: 'sent' | 'completed' | 'errors' | 'span'): number =>
      g.reduce((a, p) => a + p[k], 0);
    const avg = (k: 'p50' | 'p90'): number => g.reduce((a, p) => a + p[k], 0) / g.length;
    out.push({
      t: g[0]!.t,
      span: sum('span'),
      sent: sum('sent'),
      completed: sum('completed'),
      errors: sum('errors'),
      p50: avg('p50'),
      p90: avg('p90'),
      p99: Math.max(...g.map((p) => p.p99)),
    });
  }
  return out;
}

const round = (n: number): number => Math.round(n * 100) / 100;

function lineDataset(
  label: string,
  data: number[],
  color: string,
  dash?: number[],
): Record<string, unknown> {
  return {
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2,
    pointRadius: 0,
    tension: 0.2,
    ...(dash ? { borderDash: dash } : {}),
  };
}

function chartOptions(xTitle: string, yTitle: string): Record<string, unknown> {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 2 } } },
    scales: {
      x: { title: { display: true, text: xTitle }, ticks: { maxTicksLimit: 7, maxRotation: 0 } },
      y: { beginAtZero: true, title: { display: true, text: yTitle } },
    },
  };
}

/** A latency threshold of a load profile, as a line on the histogram. */
interface ThresholdLine {
  /** Position in bucket units: bucket i spans [i - 0.5, i + 0.5] (the client script's scale). */
  at: number;
  label: string;
  color: string;
}

/**
 * `p(95)<250ms`, `p99 < 500`, `med<=1s` of the acknowledgement latency (the histogram's
 * samples; FHIR latency thresholds are about other samples and are left out).
 */
export function latencyThreshold(
  metric: string,
  expression: string,
): { label: string; ms: number } | undefined {
  if (/fhir/i.test(metric)) return undefined;
  const m = /^(p\((\d+(?:\.\d+)?)\)|p(\d+(?:\.\d+)?)|med|avg|max)(<=?)(\d+(?:\.\d+)?)(ms|s)?$/.exec(
    expression.replace(/\s+/g, ''),
  );
  if (!m) return undefined;
  const pct = m[2] ?? m[3];
  const agg = pct !== undefined ? `p${pct}` : m[1]!;
  const ms = Number(m[5]) * (m[6] === 's' ? 1000 : 1);
  return { label: `${agg} ${m[4]} ${formatNumber(ms)} ms`, ms };
}

/**
 * Where `ms` falls on the histogram's category axis. Buckets double in width, so the position
 * inside a bucket is interpolated on a log scale; beyond the last bucket it sits at the edge.
 */
export function bucketPosition(bounds: readonly number[], ms: number): number {
  const i = bounds.findIndex((u) => u >= ms);
  if (i < 0) return bounds.length - 0.5;
  const hi = bounds[i]!;
  const lo = i > 0 ? bounds[i - 1]! : hi / 2;
  const frac = ms <= lo ? 0 : Math.log(ms / lo) / Math.log(hi / lo);
  return i - 0.5 + Math.min(1, Math.max(0, frac));
}

function thresholdLines(d: LoadData): ThresholdLine[] {
  const bounds = d.histogram.map((b) => b.upToMs);
  const out: ThresholdLine[] = [];
  for (const t of d.thresholds) {
    const lt = latencyThreshold(t.metric, t.expression);
    if (!lt || !bounds.length) continue;
    out.push({
      at: bucketPosition(bounds, lt.ms),
      label: `${lt.label} (${t.ok ? 'met' : 'missed'})`,
      color: t.ok ? '#1a7f37' : '#b42318',
    });
  }
  return out;
}

function addCharts(ctx: HtmlContext, n: number, d: LoadData): string {
  const lines = thresholdLines(d);
  const pts = downsample(d.series);
  const labels = pts.map((p) => round(p.t));
  const latency = `chart-latency-${n}`;
  const throughput = `chart-throughput-${n}`;
  const histogram = `chart-histogram-${n}`;
  ctx.charts.push(
    {
      canvasId: latency,
      config: {
        type: 'line',
        data: {
          labels,
          datasets: [
            lineDataset(
              'p50',
              pts.map((p) => round(p.p50)),
              '#2563eb',
            ),
            lineDataset(
              'p90',
              pts.map((p) => round(p.p90)),
              '#d97706',
            ),
            lineDataset(
              'p99',
              pts.map((p) => round(p.p99)),
              '#dc2626',
            ),
          ],
        },
        options: chartOptions('seconds since start', 'latency (ms)'),
      },
    },
    {
      canvasId: throughput,
      config: {
        type: 'line',
        data: {
          labels,
          datasets: [
            lineDataset(
              'sent/s',
              pts.map((p) => round(p.sent / p.span)),
              '#64748b',
              [5, 4],
            ),
            lineDataset(
              'completed/s',
              pts.map((p) => round(p.completed / p.span)),
              '#16a34a',
            ),
            lineDataset(
              'errors/s',
              pts.map((p) => round(p.errors / p.span)),
              '#dc2626',
            ),
          ],
        },
        options: chartOptions('seconds since start', 'messages per second'),
      },
    },
    {
      canvasId: histogram,
      config: {
        type: 'bar',
        data: {
          labels: d.histogram.map((b) => `≤ ${formatNumber(b.upToMs)}`),
          datasets: [
            {
              label: 'samples',
              data: d.histogram.map((b) => b.count),
              backgroundColor: '#6366f1',
              borderRadius: 2,
              categoryPercentage: 0.9,
              barPercentage: 1,
            },
          ],
        },
        options: histogramOptions(lines),
      },
    },
  );
  const fig = (id: string, title: string): string =>
    `<figure class="chart"><figcaption>${e(title)}</figcaption><div class="chart__box"><canvas id="${id}" data-testid="${id}" role="img" aria-label="${e(title)}"></canvas></div></figure>`;
  const histTitle = lines.length
    ? `Latency histogram (dashed: ${lines.map((l) => l.label).join('; ')})`
    : 'Latency histogram';
  return `<div class="charts">${fig(latency, 'Latency percentiles over time')}${fig(throughput, 'Throughput')}${fig(histogram, histTitle)}</div>`;
}

/**
 * Every bucket keeps its label (Chart.js would skip labels that do not fit, and left the busiest
 * buckets unlabelled): small type, turned up to vertical. The thresholds are drawn by the
 * client script's `goliveThresholds` plugin from plain data (the config holds no functions).
 */
function histogramOptions(lines: ThresholdLine[]): Record<string, unknown> {
  const base = chartOptions('latency (ms, bucket upper bound)', 'samples');
  const scales = base['scales'] as { x: Record<string, unknown>; y: Record<string, unknown> };
  return {
    ...base,
    scales: {
      ...scales,
      x: {
        ...scales.x,
        ticks: { autoSkip: false, maxRotation: 90, minRotation: 0, font: { size: 10 } },
      },
    },
    plugins: { legend: { display: false }, goliveThresholds: { lines } },
  };
}

const THRESHOLD_COLS = {
  metric: { label: 'Metric', width: '24%', cls: 'text' },
  threshold: { label: 'Threshold', cls: 'text' },
  actual: { label: 'Actual', width: '28%', cls: 'num' },
  result: { label: 'Result', width: '96px' },
} satisfies Record<string, Col>;

/**
 * The measured value of a threshold, or why there is none. The load engine records `actual: 0`
 * with `measured: false` when nothing was measured (JSON has no NaN); showing that 0 next to
 * "missed" contradicted itself. Records from before `measured` existed: a recovery time of 0
 * that missed a `<` objective can only mean the target never recovered.
 */
function thresholdActual(t: LoadData['thresholds'][number]): string {
  const measured = t.measured;
  const recovery = t.metric === 'recovery_time';
  if (measured === false || (recovery && measured === undefined && !t.ok && t.actual === 0))
    return `<span class="bad">${recovery ? 'did not recover' : 'not measured'}</span>`;
  return e(recovery ? formatMs(t.actual) : formatNumber(t.actual));
}

function thresholdsTable(d: LoadData): string {
  if (!d.thresholds.length) return '';
  const T = THRESHOLD_COLS;
  const rows = d.thresholds.map(
    (t) =>
      `<tr data-testid="threshold-row">${cell(T.metric, `<code>${e(t.metric)}</code>`)}${cell(T.threshold, `<code>${e(t.expression)}</code>`)}${cell(T.actual, thresholdActual(t))}${cell(T.result, t.ok ? '<span class="ok">met</span>' : '<span class="bad">missed</span>')}</tr>`,
  );
  return `<div class="wide"><h3>Thresholds</h3>${gridTable(Object.values(T), rows, { fixed: true })}</div>`;
}

function loadBody(ctx: HtmlContext, c: ReportCheck, n: number): string {
  const d = loadData(c);
  if (!d)
    return `<p class="none">No load detail recorded.</p>${kvTable('Measurements', c.measurements)}`;
  const rate =
    d.targetRate !== undefined || d.achievedRate !== undefined
      ? `<p>Target rate <b>${e(d.targetRate !== undefined ? formatNumber(d.targetRate) : '–')}</b>/s · achieved <b>${e(d.achievedRate !== undefined ? formatNumber(d.achievedRate) : '–')}</b>/s · ${d.series.length} intervals</p>`
      : '';
  const total = Object.values(d.accounting).reduce((a, b) => a + b, 0);
  const accounting = Object.keys(d.accounting).length
    ? `<div><h3>Message accounting</h3><table class="kv"><thead><tr><th>Class</th><th class="num">Messages</th><th class="num">Share</th></tr></thead><tbody>${Object.entries(
        d.accounting,
      )
        .map(
          ([k, v]) =>
            `<tr><td class="text"><code>${e(k)}</code></td><td class="num">${e(formatNumber(v))}</td><td class="num">${total ? e(((100 * v) / total).toFixed(2)) : '0'}%</td></tr>`,
        )
        .join(
          '',
        )}<tr><td><b>total</b></td><td class="num"><b>${e(formatNumber(total))}</b></td><td></td></tr></tbody></table></div>`
    : '';
  return `${rate}${addCharts(ctx, n, d)}<div class="tables">${thresholdsTable(d)}${accounting}${kvTable('Latency percentiles (ms)', d.percentiles)}${kvTable('Measurements', c.measurements)}</div>`;
}

/**
 * Recovery as measured, or "did not recover": the failover check keeps no `recovery_ms` when the
 * target never acknowledged again, and the report must not show a figure it does not have.
 */
function recoveryLine(c: ReportCheck): string {
  const d: Partial<FailoverSummary> = dataOf(readFailoverData(c)) ?? {};
  const objective = c.measurements['recovery_objective_ms'];
  const obj = objective !== undefined ? ` (objective ${e(formatMs(objective))})` : '';
  const action = d.action ? `${e(d.action)}: ` : '';
  const rec = d.recoveryMs ?? c.measurements['recovery_ms'];
  if (c.outcome === 'error') return '';
  return rec !== undefined && Number.isFinite(rec)
    ? `<p data-testid="recovery">${action}recovered in <b>${e(formatMs(rec))}</b>${obj}</p>`
    : `<p data-testid="recovery">${action}<b class="bad">did not recover</b> before the run ended${obj}</p>`;
}

export function loadHtml(ctx: HtmlContext): string {
  const checks = ctx.input.checks.filter((c) => c.kind === 'load');
  const others = ctx.input.checks.filter((c) => c.kind === 'failover' || c.kind === 'storage');
  if (!checks.length && !others.length)
    return section('load', 'Load and infrastructure', '<p class="none">No load runs.</p>');
  const cards = checks.map((c, i) => card(ctx, c, loadBody(ctx, c, i + 1)));
  const more = others.map((c) =>
    card(
      ctx,
      c,
      `${c.kind === 'failover' ? recoveryLine(c) : ''}<div class="tables">${kvTable('Measurements', c.measurements)}</div>${findingsList(c)}`,
    ),
  );
  return section('load', 'Load and infrastructure', [...cards, ...more].join('\n'));
}
