import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit, type ReportInput } from '../../src/report/index.js';
import { fixtureInput } from './fixture.js';

interface Case {
  '@_name': string;
  '@_classname': string;
  failure?: { '@_message': string; '@_type'?: string; '#text'?: string };
  error?: { '@_message': string };
  skipped?: { '@_message': string };
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  testcase: Case[];
}

function parse(xml: string): { suites: Suite[]; root: Record<string, string> } {
  const valid = XMLValidator.validate(xml);
  expect(valid, JSON.stringify(valid)).toBe(true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    htmlEntities: true,
    isArray: (name) => name === 'testsuite' || name === 'testcase' || name === 'property',
  }).parse(xml) as { testsuites: Record<string, string> & { testsuite: Suite[] } };
  return { suites: doc.testsuites.testsuite, root: doc.testsuites };
}

describe('JUnit report', () => {
  it('is well-formed and has one suite for criteria and one per check kind', () => {
    const { suites, root } = parse(renderJunit(fixtureInput()));
    expect(suites.map((s) => s['@_name'])).toEqual([
      'golive.criteria',
      'golive.scenario',
      'golive.lint',
      'golive.load',
      'golive.access',
      'golive.audit',
      'golive.adoption',
      'golive.attestation',
    ]);
    const criteria = suites[0]!;
    // 24 criteria: 9 not-met + 4 not-evidenced = failures, 1 inconclusive = error, 1 waived = skipped
    expect(criteria.testcase).toHaveLength(24);
    expect(criteria['@_failures']).toBe('13');
    expect(criteria['@_errors']).toBe('1');
    expect(criteria['@_skipped']).toBe('1');
    const waived = criteria.testcase.find((c) =>
      c['@_name'].startsWith('workflow.live-simulation'),
    )!;
    expect(waived.skipped?.['@_message']).toMatch(/^waived: Simulation moved/);
    const inconclusive = criteria.testcase.find((c) =>
      c['@_name'].startsWith('workflow.downtime'),
    )!;
    expect(inconclusive.error?.['@_message']).toMatch(/^inconclusive/);

    const scen = suites[1]!;
    expect(scen.testcase).toHaveLength(3);
    expect(scen['@_failures']).toBe('1');
    expect(scen['@_errors']).toBe('1');
    const cancel = scen.testcase.find((c) => c['@_name'].startsWith('order.cancel'))!;
    expect(cancel.failure?.['@_message']).toBe(
      'The cancelled CBC order stayed active in the receiving system.',
    );
    expect(cancel.failure?.['#text']).toContain('expected: ServiceRequest.status = revoked');
    expect(suites.find((s) => s['@_name'] === 'golive.attestation')!['@_skipped']).toBe('1');

    const total = suites.reduce((n, s) => n + s.testcase.length, 0);
    expect(Number(root['@_tests'])).toBe(total);
    expect(Number(root['@_failures'])).toBe(13 + 5);
  });

  it('escapes markup, quotes and ampersands and strips control characters', () => {
    const input: ReportInput = fixtureInput();
    const nasty = 'a<b>&"c"\'d\u0001\u001b[31m\u0000e\uD800f]]>\r\nnext';
    input.review.criteria[0]!.reason = nasty;
    input.review.criteria[0]!.title = nasty;
    input.checks[0]!.summary = nasty;
    const xml = renderJunit(input);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(xml).not.toContain('\uD800');
    const { suites } = parse(xml);
    const c = suites[0]!.testcase[0]!;
    expect(c['@_name']).toContain('a<b>&"c"\'d[31mef]]>\r\nnext');
    expect(c.failure?.['@_message']).toContain('a<b>&"c"\'d[31me');
    expect(suites[1]!.testcase[0]!.failure?.['@_message']).toContain('a<b>&"c"\'d');
  });
});
