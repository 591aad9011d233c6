import { describe, expect, it } from 'vitest';
import { renderHtml, type ReportInput } from '../../src/report/index.js';
import { HOSTILE, fixtureInput } from './fixture.js';

describe('HTML report (static)', () => {
  const html = renderHtml(fixtureInput());

  const head = html.slice(0, html.indexOf('</head>'));

  it('is one self-contained document that loads nothing', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // No element may reference an external resource.
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(head).toContain('Content-Security-Policy');
    expect(head).toMatch(/default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+';/);
    expect(html).toContain('Chart.js v4');
    // exactly three script elements: chart data (JSON), Chart.js, the client script
    expect(html.match(/<script\b/gi)).toHaveLength(3);
  });

  it('escapes data from the systems under test everywhere', () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('St. Example &quot;General&quot; &lt;lab &amp; radiology&gt;');
    // HL7 delimiters survive escaping; segment terminators become line breaks; MLLP framing is visible
    expect(html).toContain('MSH|^~\\&amp;|GOLIVE|LAB');
    expect(html).toContain('<pre class="raw"><span class="ctl">VT</span>MSH|^~');
    expect(html).toContain('<span class="ctl">FS</span>\n</pre>');
    expect(html).toContain('2.5.1\nPID|1||');
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it('neutralises a closing script tag smuggled into the chart bundle or data', () => {
    const input: ReportInput = fixtureInput();
    input.checks.find((c) => c.kind === 'load')!.title = HOSTILE;
    const out = renderHtml(input, { chartBundle: `window.Chart = undefined; // ${HOSTILE} <!--` });
    expect(out).not.toContain(HOSTILE);
    expect(out).toContain('<\\/script>\\x3Cscript>alert(1)<\\/script> \\x3C!--');
  });

  it('carries the test ids the browser test relies on', () => {
    expect(html).toContain('data-testid="decision"');
    expect(html).toContain('data-testid="board"');
    expect(html.match(/data-testid="criterion-row"/g)).toHaveLength(24);
    for (const id of ['chart-latency-1', 'chart-throughput-1', 'chart-histogram-1'])
      expect(html).toContain(`<canvas id="${id}" data-testid="${id}"`);
  });

  it('puts the decision and the questions before the board, the board before findings', () => {
    const order = [
      'id="decision"',
      'id="questions"',
      'id="board"',
      'id="conditions"',
      'id="findings"',
      'id="scenarios"',
      'id="load"',
      'id="adoption"',
      'id="compliance"',
      'id="evidence"',
    ].map((s) => html.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('renders without load or scenario checks', () => {
    const input = fixtureInput();
    input.checks = input.checks.filter((c) => c.kind !== 'load' && c.kind !== 'scenario');
    const out = renderHtml(input);
    expect(out).toContain('No scenarios ran.');
    expect(out).toContain('data-charts-expected="0"');
    // exchanges nobody refers to any more still appear, in the appendix
    expect(out).toContain('Other exchanges (4)');
  });

  it('colours the decision banner by decision', () => {
    for (const [decision, cls, label] of [
      ['GO', 'decision--go', 'GO'],
      ['CONDITIONAL_GO', 'decision--conditional-go', 'CONDITIONAL GO'],
      ['NO_GO', 'decision--no-go', 'NO-GO'],
    ] as const) {
      const input = fixtureInput();
      input.review.decision = decision;
      const out = renderHtml(input);
      expect(out).toContain(
        `<section class="decision ${cls}" id="decision" data-testid="decision" data-decision="${decision}">`,
      );
      expect(out).toContain(
        `<div class="decision__label" data-testid="decision-label">${label}</div>`,
      );
    }
  });
});
