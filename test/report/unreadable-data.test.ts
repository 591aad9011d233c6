/**
 * Reports are drawn from check results read back from an evidence store, whose `data` is
 * untrusted JSON. A record whose data does not have the shape of its kind renders without a
 * throw in every format, and the HTML report says "data unreadable" and why, instead of showing
 * the check as if it had recorded no detail.
 */
import { describe, expect, it } from 'vitest';
import {
  buildJsonReport,
  renderHtml,
  renderJunit,
  renderMarkdown,
  type ReportCheck,
  type ReportInput,
} from '../../src/report/index.js';
import { fixtureInput } from './fixture.js';

function byCheck(input: ReportInput, id: string): ReportCheck {
  const c = input.checks.find((x) => x.check === id);
  if (!c) throw new Error(`fixture has no check ${id}`);
  return c;
}

/** The fixture with scenario, load and probe records whose data an edit or an old version broke. */
function damaged(): ReportInput {
  const input = fixtureInput();
  // The fixture shares its check objects between inputs: change copies only.
  input.checks = input.checks.map((c) => ({ ...c }));
  byCheck(input, 'order.cancel').data = 5;
  byCheck(input, 'result.critical').data = { variables: {} };
  byCheck(input, 'load.peak').data = { series: 'every second', histogram: [] };
  input.checks.push({
    ...byCheck(input, 'site.environment'),
    check: 'target.capabilities',
    kind: 'probe',
    title: 'What the target supports (capability discovery)',
    criteria: [],
    outcome: 'pass',
    summary: 'CapabilityStatement lists 3 resource types.',
    evidenceId: 'ev-900',
    data: { searches: [{ lookup: 'results' }], coverage: [] },
  });
  return input;
}

const UNREADABLE = /data-testid="data-unreadable">([^<]*)</g;

describe('a report of stored records with unreadable data', () => {
  it('renders the HTML report and names each unreadable record and why', () => {
    const html = renderHtml(damaged());
    const notes = [...html.matchAll(UNREADABLE)].map((m) => m[1]);
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Data unreadable (data is not an object)'),
        expect.stringContaining('Data unreadable (data.steps is missing)'),
        expect.stringContaining('Data unreadable (data.series is not a list)'),
        expect.stringContaining(
          'Capability probe: data unreadable (data.searches[0].strategy is not text)',
        ),
      ]),
    );
    // The coverage table says the scenario's exercise on the target is unknown, not "exercised".
    expect(html).toMatch(
      /Data unreadable \(data is not an object\), so whether the target could exercise it is unknown/,
    );
  });

  it('keeps the stored outcome and summary of an unreadable record', () => {
    const input = damaged();
    const html = renderHtml(input);
    expect(html).toContain(byCheck(input, 'order.cancel').title);
    const json = buildJsonReport(input);
    const items = json.checks.items;
    const cancel = items.find((c) => c.check === 'order.cancel');
    expect(cancel).toMatchObject({
      outcome: 'fail',
      summary: byCheck(input, 'order.cancel').summary,
    });
    expect(cancel?.steps).toBeUndefined();
    expect(items.find((c) => c.check === 'load.peak')?.load).toBeUndefined();
  });

  it('renders JUnit and Markdown without a throw', () => {
    const input = damaged();
    expect(renderJunit(input)).toContain('<testsuites');
    expect(renderMarkdown(input)).toContain('# Go-live review');
  });

  it('shows no such note when every record is readable', () => {
    expect(renderHtml(fixtureInput())).not.toContain('data-unreadable');
  });
});
