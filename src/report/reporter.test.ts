import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../core/index.js';
import {
  createReporter,
  multiplex,
  openStream,
  report,
  type CommandOutput,
  type Reporter,
} from './reporter.js';
import { checksJunit, loadJunit, scenarioRunJunit } from './reporter-documents.js';
import { renderJunitXml } from './junit-xml.js';

const dir = mkdtempSync(join(tmpdir(), 'golive-reporter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(over: Partial<CheckResult> = {}): CheckResult {
  return {
    check: 'compliance.access',
    title: 'Access review',
    kind: 'access',
    domain: 'compliance',
    criteria: ['compliance.roles-duties'],
    outcome: 'pass',
    summary: 'All 3 accounts match their roles.',
    findings: [],
    measurements: {},
    startedAt: '2026-02-27T09:00:00.000Z',
    durationMs: 12,
    ...over,
  } as CheckResult;
}

/** A reporter that records the hooks it was called with. */
function recorder(log: string[], name: string, fail = false): Reporter {
  return {
    name,
    onBegin: (i) => void log.push(`${name}:begin:${i.command}`),
    onResult: (r) => void log.push(`${name}:result:${r.check}`),
    onEnd: async () => {
      log.push(`${name}:end`);
      if (fail) throw new Error(`${name} failed`);
    },
  };
}

const output = (results: CheckResult[]): CommandOutput => ({
  results,
  text: () => 'TEXT\n',
  json: () => ({ results: results.map((r) => r.check) }),
  junit: () => checksJunit('golive compliance', results),
  markdown: () => '# MD\n',
});

describe('multiplex', () => {
  it('calls every hook of every reporter, in order, for every result', async () => {
    const log: string[] = [];
    const m = multiplex([recorder(log, 'a'), recorder(log, 'b')]);
    await report(m, { command: 'x', startedAt: '' }, output([check(), check({ check: 'two' })]));
    expect(log).toEqual([
      'a:begin:x',
      'b:begin:x',
      'a:result:compliance.access',
      'b:result:compliance.access',
      'a:result:two',
      'b:result:two',
      'a:end',
      'b:end',
    ]);
  });

  it('a reporter without optional hooks is fine; a failing one does not stop the others', async () => {
    const log: string[] = [];
    const bare: Reporter = { name: 'bare', onEnd: async () => void log.push('bare:end') };
    const m = multiplex([recorder(log, 'a', true), bare, recorder(log, 'c')]);
    await expect(report(m, { command: 'x', startedAt: '' }, output([check()]))).rejects.toThrow(
      'a failed',
    );
    expect(log).toContain('bare:end');
    expect(log).toContain('c:end');
  });
});

describe('built-in reporters', () => {
  it('list, json, junit and markdown write their rendering to stdout or a file', async () => {
    const out: string[] = [];
    const io = { stdout: (s: string) => void out.push(s) };
    const results = [check({ outcome: 'fail', summary: 'One account has no role.' })];
    const file = join(dir, 'r.json');
    await multiplex([
      createReporter('list', { kind: 'stdout' }, io),
      createReporter('json', { kind: 'file', path: file }, io),
    ]).onEnd(output(results));
    expect(out).toEqual(['TEXT\n']);
    expect(readFileSync(file, 'utf8')).toBe('{\n  "results": [\n    "compliance.access"\n  ]\n}\n');
    // Written under a temporary name and renamed: nothing else is left in the folder.
    expect(readdirSync(dir)).toEqual(['r.json']);

    out.length = 0;
    await createReporter('junit', { kind: 'stdout' }, io).onEnd(output(results));
    expect(out[0]).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="golive compliance" tests="1" failures="1"/,
    );
    await createReporter('markdown', { kind: 'stdout' }, io).onEnd(output(results));
    expect(out[1]).toBe('# MD\n');
  });

  it('a reporter the command has no output for is a programming error', async () => {
    await expect(createReporter('junit', { kind: 'stdout' }).onEnd({})).rejects.toThrow(
      /no junit output/,
    );
  });

  it('a stream to a file appears whole when ended', async () => {
    const file = join(dir, 'stream.txt');
    const s = openStream({ kind: 'file', path: file });
    s.write('a');
    s.write('b\n');
    await s.end();
    expect(readFileSync(file, 'utf8')).toBe('ab\n');
  });
});

describe('documents', () => {
  it('checks judged by findings: an error-level finding fails the case, with its location', () => {
    const r = check({
      outcome: 'pass',
      findings: [
        {
          rule: 'access.no-role',
          severity: 'error',
          domain: 'compliance',
          message: 'jdoe has no role',
          action: 'assign a role',
          location: { file: 'accounts.csv', row: 3, column: 'role' },
        },
      ],
    });
    const doc = checksJunit('golive compliance', [r, check({ check: 'b', outcome: 'error' })]);
    const xml = renderJunitXml(doc.name, doc.suites);
    expect(xml).toContain('tests="2" failures="1" errors="1"');
    expect(xml).toContain(
      'error access.no-role (accounts.csv row 3 role): jdoe has no role -&gt; assign a role',
    );
  });

  it('load: a suite per check with one case per threshold; scenarios: one suite', () => {
    const load = check({
      check: 'load.small',
      title: 'Load profile small',
      kind: 'load',
      domain: 'infrastructure',
      data: {
        thresholds: [
          { metric: 'ack_latency', expression: 'p(99)<5s', ok: true, actual: 3 },
          { metric: 'ack_latency', expression: 'max<1ms', ok: false, actual: 9 },
        ],
      } as never,
    });
    const l = renderJunitXml(loadJunit([load]).name, loadJunit([load]).suites);
    expect(l).toMatch(/<testsuite name="load\.small" id="0" tests="3" failures="1" errors="0"/);
    expect(l).toContain('message="ack_latency max&lt;1ms: actual 9"');
    const s = scenarioRunJunit([check({ kind: 'scenario', check: 'order.stat' })], {
      startedAt: '2026-02-27T09:00:00.000Z',
    });
    expect(s.name).toBe('golive');
    expect(s.suites.map((x) => x.name)).toEqual(['golive scenarios']);
  });
});
