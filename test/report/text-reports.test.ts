import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  REPORT_FILES,
  renderConsoleSummary,
  renderMarkdown,
  writeReports,
  type ReportInput,
} from '../../src/report/index.js';
import { fixtureInput } from './fixture.js';

describe('Markdown summary', () => {
  const md = renderMarkdown(fixtureInput());

  it('leads with the decision, then the five questions, open criteria with owners, top findings', () => {
    expect(md.split('\n')[0]).toBe('# Go-live review: 🔴 NO-GO');
    const order = [
      '## The five questions',
      '## Open criteria (15 of 24)',
      '## Conditions',
      '## Top findings (10 of 10)',
    ].map((h) => md.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(md).toContain('| Workflow | Exception workflows simulated? | ❌ no |');
    // blockers first, with owner; waived majors carry their condition's due date
    expect(md).toMatch(
      /\| `workflow\.exceptions` Exceptions \| blocker \| not met \| integration lead \| {2}\|/,
    );
    expect(md).toMatch(
      /`workflow\.live-simulation` Live simulation \| major \| waived \| clinical lead \| 2025-03-18 \|/,
    );
    expect(md).toContain('- [ ] `compliance.device-security`: Supply the device inventory');
  });

  it('renders hostile text literally (no HTML, no broken tables)', () => {
    expect(md).not.toMatch(/(?<!\\)<lab/);
    expect(md).toContain('St. Example "General" \\<lab \\& radiology\\>');
    const input: ReportInput = fixtureInput();
    input.review.criteria[0]!.reason = 'a | b\nc <img src=x onerror=alert(1)> [x](http://e)';
    const out = renderMarkdown(input);
    const row = out.split('\n').find((l) => l.includes('`workflow.exceptions`'))!;
    expect(row).toContain('a \\| b c \\<img src=x onerror=alert\\(1\\)\\> \\[x\\]\\(http://e\\)');
    expect(row.split(/(?<!\\)\|/).length).toBe(8);
  });

  it('limits the findings list', () => {
    expect(renderMarkdown(fixtureInput(), { topFindings: 3 })).toContain(
      '## Top findings (3 of 10)',
    );
  });
});

describe('console summary', () => {
  it('is plain text without color', () => {
    const out = renderConsoleSummary(fixtureInput(), { color: false });
    expect(out).not.toContain('\u001b[');
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      'Go-live review of St. Example "General" <lab & radiology>  (run run-2025-03-04-0900)',
    );
    expect(lines.filter((l) => /^ {2}(YES|NO|PARTLY) /.test(l))).toHaveLength(5);
    expect(out).toContain('  Decision: NO-GO\n');
    expect(out).toContain('Open criteria (15 of 24):');
    expect(out).toMatch(/blocker workflow\.exceptions +not met +owner: integration lead/);
    expect(out).toMatch(
      /major {3}workflow\.live-simulation +waived +owner: clinical lead, due 2025-03-18/,
    );
    expect(out).toContain('    HTML      (not written)');
  });

  it('colours the decision and lists report paths; hostile escape sequences are removed', () => {
    const input = fixtureInput();
    input.run.target = 'evil\u001b]0;pwned\u0007\u001b[2J';
    const out = renderConsoleSummary(input, {
      color: true,
      reportPaths: { html: '/r/report.html', json: '/r/report.json' },
    });
    expect(out).toContain('\u001b[41m NO-GO \u001b[49m');
    expect(out).toContain('/r/report.html');
    expect(out).not.toContain('\u001b]0;');
    expect(out).not.toContain('\u001b[2J');
  });

  it('says when everything is met', () => {
    const input = fixtureInput();
    input.review.decision = 'GO';
    for (const c of input.review.criteria) c.status = 'met';
    const out = renderConsoleSummary(input, { color: false, maxOpen: 3 });
    expect(out).toContain('Decision: GO');
    expect(out).toContain('All criteria met.');
  });

  it('truncates a long open list', () => {
    const out = renderConsoleSummary(fixtureInput(), { color: false, maxOpen: 3 });
    expect(out).toContain('... and 12 more (see the HTML report)');
  });
});

describe('writeReports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'golive-reports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the four reports and returns their paths', async () => {
    const paths = await writeReports(fixtureInput(), join(dir, 'nested', 'out'));
    expect(Object.keys(paths).sort()).toEqual(['html', 'json', 'junit', 'markdown']);
    for (const [k, p] of Object.entries(paths)) {
      expect(p.endsWith(REPORT_FILES[k as keyof typeof REPORT_FILES])).toBe(true);
      expect(statSync(p).size).toBeGreaterThan(500);
    }
    expect(JSON.parse(readFileSync(paths.json, 'utf8'))).toMatchObject({ decision: 'NO_GO' });
  });
});
