/** The load section: Chart.js charts (latency percentiles, throughput, histogram) and tables. */
import type { LoadData } from '../core/index.js';
import { escapeHtml as e } from './escape.js';
import { section, type HtmlContext } from './html-context.js';
import { card, findingsList, kvTable } from './html-parts.js';
import { formatNumber, loadData } from './model.js';
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

function addCharts(ctx: HtmlContext, n: number, d: LoadData): string {
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
        options: {
          ...chartOptions('latency (ms, bucket upper bound)', 'samples'),
          plugins: { legend: { display: false } },
        },
      },
    },
  );
  const fig = (id: string, title: string): string =>
    `<figure class="chart"><figcaption>${title}</figcaption><div class="chart__box"><canvas id="${id}" data-testid="${id}" role="img" aria-label="${title}"></canvas></div></figure>`;
  return `<div class="charts">${fig(latency, 'Latency percentiles over time')}${fig(throughput, 'Throughput')}${fig(histogram, 'Latency histogram')}</div>`;
}

function loadBody(ctx: HtmlContext, c: ReportCheck, n: number): string {
  const d = loadData(c);
  if (!d)
    return `<p class="none">No load detail recorded.</p>${kvTable('Measurements', c.measurements)}`;
  const rate =
    d.targetRate !== undefined || d.achievedRate !== undefined
      ? `<p>Target rate <b>${e(d.targetRate !== undefined ? formatNumber(d.targetRate) : '–')}</b>/s · achieved <b>${e(d.achievedRate !== undefined ? formatNumber(d.achievedRate) : '–')}</b>/s · ${d.series.length} intervals</p>`
      : '';
  const thresholds = d.thresholds.length
    ? `<div><h3>Thresholds</h3><table class="kv"><thead><tr><th>Metric</th><th>Threshold</th><th class="num">Actual</th><th>Result</th></tr></thead><tbody>${d.thresholds
        .map(
          (t) =>
            `<tr data-testid="threshold-row"><td><code>${e(t.metric)}</code></td><td><code>${e(t.expression)}</code></td><td class="num">${e(formatNumber(t.actual))}</td><td>${t.ok ? '<span class="ok">met</span>' : '<span class="bad">missed</span>'}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
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
  return `${rate}${addCharts(ctx, n, d)}<div class="tables">${thresholds}${accounting}${kvTable('Latency percentiles (ms)', d.percentiles)}${kvTable('Measurements', c.measurements)}</div>`;
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
      `<div class="tables">${kvTable('Measurements', c.measurements)}</div>${findingsList(c)}`,
    ),
  );
  return section('load', 'Load and infrastructure', [...cards, ...more].join('\n'));
}
