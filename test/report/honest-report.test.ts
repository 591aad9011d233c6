/**
 * Numbers and words the reports must not contradict: percentiles never above the max, a failover
 * that never recovered shown as such (not as "actual 0, missed" next to "recovered in n/a ms"),
 * FHIR bodies indented under their headers, sentences joined without doubled punctuation in
 * every format, one decision label, and the run's recorded start wherever a start is shown.
 */
import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../../src/load/histogram.js';
import {
  renderConsoleSummary,
  renderHtml,
  renderJunit,
  renderMarkdown,
  type ReportInput,
} from '../../src/report/index.js';
import { prettyHttpJson } from '../../src/report/html-checks.js';
import { bucketPosition, latencyThreshold } from '../../src/report/html-load.js';
import { tidyText } from '../../src/report/model.js';
import { fixtureInput, storeLikeInput } from './fixture.js';

const CHART = { chartBundle: '/* no chart */' };

describe('load percentiles', () => {
  it('are never above the largest latency recorded (HdrHistogram rounds up to its bucket)', () => {
    const r = new LatencyRecorder();
    try {
      // 3,305.97 ms sits in a 2 ms wide bucket at 3 significant digits: p99.9 came out 3,307.52
      for (let i = 1; i <= 880; i++) r.record((3305.97 * i) / 880);
      const p = r.percentilesRecord();
      expect(p['max']).toBe(3305.97);
      for (const k of ['p50', 'p90', 'p95', 'p99', 'p99.9'])
        expect(p[k], k).toBeLessThanOrEqual(p['max']!);
      expect(p['p99.9']).toBe(3305.97);
      const interval = r.takeInterval();
      expect(interval.p99).toBeLessThanOrEqual(interval.max);
    } finally {
      r.destroy();
    }
  });
});

describe('failover recovery', () => {
  const html = renderHtml(storeLikeInput(), CHART);

  it('shows a failover that never recovered as "did not recover", never as a figure', () => {
    expect(html).toContain(
      '<p data-testid="recovery">restart: <b class="bad">did not recover</b> before the run ended (objective 10 s)</p>',
    );
    const row =
      /<tr data-testid="threshold-row"><td[^>]*><code>recovery_time<\/code>.*?<\/tr>/.exec(
        html,
      )?.[0];
    expect(row).toContain('did not recover');
    expect(row).toContain('missed');
    expect(row).not.toMatch(/>0</);
    expect(html).not.toContain('n/a ms');
  });

  it('shows a measured recovery with its objective', () => {
    const input = storeLikeInput();
    const fo = input.checks.find((c) => c.kind === 'failover')!;
    fo.data = { action: 'restart', recoveryMs: 4200 };
    expect(renderHtml(input, CHART)).toContain(
      '<p data-testid="recovery">restart: recovered in <b>4.2 s</b> (objective 10 s)</p>',
    );
  });

  it('reads records from before `measured` existed: recovery 0 that missed means none', () => {
    const input = storeLikeInput();
    const load = input.checks.find((c) => c.kind === 'load')!;
    const t = (load.data as { thresholds: Record<string, unknown>[] }).thresholds;
    delete t[t.length - 1]!['measured'];
    expect(renderHtml(input, CHART)).toMatch(
      /<code>recovery_time<\/code>.*?<span class="bad">did not recover<\/span>/,
    );
  });
});

describe('latency histogram thresholds', () => {
  it('reads the load engine and the short threshold syntax, leaving FHIR latency out', () => {
    expect(latencyThreshold('ack_latency', 'p(95)<250ms')).toEqual({
      label: 'p95 < 250 ms',
      ms: 250,
    });
    expect(latencyThreshold('p99_ms', 'p99 < 500')).toEqual({ label: 'p99 < 500 ms', ms: 500 });
    expect(latencyThreshold('ack_latency', 'med<=1s')).toEqual({
      label: 'med <= 1,000 ms',
      ms: 1000,
    });
    expect(latencyThreshold('fhir_latency', 'p(95)<1s')).toBeUndefined();
    expect(latencyThreshold('errors', 'rate<0.01')).toBeUndefined();
  });

  it('places a threshold inside its bucket on a log scale', () => {
    const bounds = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
    expect(bucketPosition(bounds, 256)).toBe(10.5);
    expect(bucketPosition(bounds, 128 * Math.SQRT2)).toBeCloseTo(10, 9);
    expect(bucketPosition(bounds, 250)).toBeGreaterThan(9.5);
    expect(bucketPosition(bounds, 250)).toBeLessThan(10.5);
    expect(bucketPosition(bounds, 10_000)).toBe(11.5);
  });

  it('labels every bucket: Chart.js may not skip any', () => {
    const html = renderHtml(storeLikeInput(), CHART);
    const data = JSON.parse(
      /<script type="application\/json" id="golive-chart-data">(.*?)<\/script>/s.exec(html)![1]!,
    ) as { canvasId: string; config: { options: Record<string, unknown> } }[];
    const hist = data.find((c) => c.canvasId === 'chart-histogram-1')!.config.options as {
      scales: { x: { ticks: { autoSkip: boolean } } };
      plugins: { goliveThresholds: { lines: { label: string }[] } };
    };
    expect(hist.scales.x.ticks.autoSkip).toBe(false);
    expect(hist.plugins.goliveThresholds.lines.map((l) => l.label)).toEqual([
      'p95 < 250 ms (missed)',
      'p99 < 500 ms (missed)',
    ]);
  });
});

describe('FHIR exchanges', () => {
  it('are shown with their headers and the JSON body indented', () => {
    const html = renderHtml(fixtureInput(), CHART);
    expect(html).toContain(
      'HTTP/1.1 200 OK\nContent-Type: application/fhir+json\n\n{\n  &quot;resourceType&quot;: &quot;Bundle&quot;,\n  &quot;entry&quot;: [\n    {',
    );
    expect(html).toContain('<pre class="raw raw--json">');
  });

  it('leave HL7, bodies that are not JSON and broken JSON as recorded', () => {
    expect(prettyHttpJson('MSH|^~\\&|A\r')).toBeUndefined();
    expect(prettyHttpJson('HTTP 200\ncontent-type: text/plain\n\nhello')).toBeUndefined();
    expect(prettyHttpJson('HTTP 500\n\n{"resourceType": ')).toBeUndefined();
    expect(prettyHttpJson('GET http://x/fhir/Patient?identifier=1\naccept: a/b')).toBeUndefined();
    expect(prettyHttpJson('HTTP 201\nlocation: x\n\n{"a":[1,{"b":2}]}')).toBe(
      'HTTP 201\nlocation: x\n\n{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ]\n}',
    );
  });
});

describe('joined sentences', () => {
  it('lose the doubled stop and keep ellipses, versions and paths', () => {
    expect(tidyText('0 warning(s) listed..')).toBe('0 warning(s) listed.');
    expect(tidyText('6/8 thresholds met..')).toBe('6/8 thresholds met.');
    expect(tidyText('listed.; lint.units [ev-5] failed: x.')).toBe(
      'listed; lint.units [ev-5] failed: x.',
    );
    expect(tidyText('wait... then 2.5.1 and ../x.hl7. Done.')).toBe(
      'wait... then 2.5.1 and ../x.hl7. Done.',
    );
  });

  /** The reason a review writes when it cites check summaries that end in a full stop. */
  function glitchy(): ReportInput {
    const input = fixtureInput();
    const c = input.review.criteria.find((x) => x.id === 'interop.units-flags')!;
    c.reason =
      'Not met: lint.units-flags [ev-0004] failed: 18 message(s) linted with 11 units/flags rule(s): 8 error-level finding(s), 0 warning(s) listed.; load.peak [ev-0005] failed: 6/8 thresholds met..';
    input.checks.find((x) => x.check === 'lint')!.summary = '3 errors and 1 warning listed..';
    return input;
  }
  const doubled = /(?<!\.)\.[.;](?=\s|$|<|\||")/m;

  it('read once in the HTML, Markdown, JUnit and console reports', () => {
    const input = glitchy();
    const outputs = {
      html: renderHtml(input, CHART),
      markdown: renderMarkdown(input),
      junit: renderJunit(input),
      console: renderConsoleSummary(input, { color: false }),
    };
    for (const [name, text] of Object.entries(outputs)) {
      expect(text, name).toContain('listed; load.peak');
      expect(text.match(doubled)?.[0], name).toBeUndefined();
    }
  });
});

describe('one decision label and one start time', () => {
  const input = fixtureInput();

  it('call it NO-GO everywhere', () => {
    for (const text of [
      renderHtml(input, CHART),
      renderMarkdown(input),
      renderJunit(input),
      renderConsoleSummary(input, { color: false }),
    ]) {
      expect(text).toContain('NO-GO');
      expect(text).not.toMatch(/NO GO/);
    }
  });

  it("show the run's recorded start in the HTML header, the Markdown and the JUnit criteria suite", () => {
    const html = renderHtml(input, CHART);
    expect(html).toContain(
      'Started <b data-testid="run-started">2025-03-04 09:00:00 UTC</b> · took 11 min 42 s',
    );
    expect(renderMarkdown(input)).toContain('started 2025-03-04 09:00:00 UTC');
    expect(renderJunit(input)).toMatch(
      /<testsuite name="golive\.criteria"[^>]* timestamp="2025-03-04T09:00:00\.000Z"/,
    );
  });
});
