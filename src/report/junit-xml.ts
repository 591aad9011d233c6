/**
 * The one JUnit XML writer (issue 13: one writer, one XML escaper). Every command that writes
 * JUnit (`run`/`demo` reports, `lint --format junit`, `load --junit`, `scenarios run --junit`)
 * builds suites of cases and renders them here. It follows the de-facto schema read by
 * Jenkins, GitLab and GitHub test reporters: testsuites > testsuite > testcase with
 * failure | error | skipped, and system-out.
 */
import { escapeXml, escapeXmlText } from './escape.js';

export interface JunitCase {
  classname: string;
  name: string;
  /** Seconds. */
  time: number;
  result?: { tag: 'failure' | 'error' | 'skipped'; type?: string; message: string; body?: string };
  systemOut?: string;
}

export interface JunitSuite {
  name: string;
  timestamp?: string;
  properties?: [string, string][];
  cases: JunitCase[];
}

function attrs(pairs: [string, string | number | undefined][]): string {
  return pairs
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
}

/** Seconds from milliseconds, never negative or NaN. */
export function seconds(ms: number): number {
  return Number.isFinite(ms) ? Math.max(0, ms) / 1000 : 0;
}

function renderCase(c: JunitCase): string {
  const open = `    <testcase${attrs([
    ['classname', c.classname],
    ['name', c.name],
    ['time', c.time.toFixed(3)],
  ])}`;
  const inner: string[] = [];
  if (c.result) {
    const a = attrs([
      ['type', c.result.type],
      ['message', c.result.message],
    ]);
    inner.push(
      c.result.body
        ? `      <${c.result.tag}${a}>${escapeXmlText(c.result.body)}</${c.result.tag}>`
        : `      <${c.result.tag}${a}/>`,
    );
  }
  if (c.systemOut) inner.push(`      <system-out>${escapeXmlText(c.systemOut)}</system-out>`);
  return inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`;
}

export function tally(cases: readonly JunitCase[]): {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
} {
  const t = { tests: cases.length, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const c of cases) {
    t.time += c.time;
    if (c.result?.tag === 'failure') t.failures++;
    else if (c.result?.tag === 'error') t.errors++;
    else if (c.result?.tag === 'skipped') t.skipped++;
  }
  return t;
}

function renderSuite(s: JunitSuite, id: number): string {
  const t = tally(s.cases);
  const head = `  <testsuite${attrs([
    ['name', s.name],
    ['id', id],
    ['tests', t.tests],
    ['failures', t.failures],
    ['errors', t.errors],
    ['skipped', t.skipped],
    ['time', t.time.toFixed(3)],
    ['timestamp', s.timestamp],
  ])}>`;
  const props = s.properties?.length
    ? [
        '    <properties>',
        ...s.properties.map(
          ([k, v]) =>
            `      <property${attrs([
              ['name', k],
              ['value', v],
            ])}/>`,
        ),
        '    </properties>',
      ]
    : [];
  return [head, ...props, ...s.cases.map(renderCase), '  </testsuite>'].join('\n');
}

/** A whole JUnit document; the root carries the totals of every suite. */
export function renderJunitXml(name: string, suites: readonly JunitSuite[]): string {
  const all = tally(suites.flatMap((s) => s.cases));
  const root = `<testsuites${attrs([
    ['name', name],
    ['tests', all.tests],
    ['failures', all.failures],
    ['errors', all.errors],
    ['skipped', all.skipped],
    ['time', all.time.toFixed(3)],
  ])}>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    root,
    ...suites.map((s, i) => renderSuite(s, i)),
    '</testsuites>',
    '',
  ].join('\n');
}
