import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderHtml } from './html.js';
import { buildJsonReport } from './json.js';
import { reviewJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { createReporter, multiplex, type ReporterName } from './reporter.js';
import type { ReportInput, ReportPaths } from './types.js';

export const REPORT_FILES = {
  html: 'report.html',
  json: 'report.json',
  junit: 'report.junit.xml',
  markdown: 'report.md',
} as const satisfies ReportPaths;

/**
 * Render every report of a review and write them to `dir` (created if missing), through the
 * reporter pipeline: one reporter per file, each written to a temporary name and renamed, so a
 * reader never sees half a report.
 */
export async function writeReports(input: ReportInput, dir: string): Promise<ReportPaths> {
  const base = resolve(dir);
  await mkdir(base, { recursive: true });
  const names = Object.keys(REPORT_FILES) as (keyof ReportPaths & ReporterName)[];
  const paths = {} as ReportPaths;
  for (const k of names) paths[k] = join(base, REPORT_FILES[k]);
  await multiplex(names.map((k) => createReporter(k, { kind: 'file', path: paths[k] }))).onEnd({
    html: () => renderHtml(input),
    json: () => buildJsonReport(input),
    junit: () => reviewJunit(input),
    markdown: () => renderMarkdown(input),
  });
  return paths;
}
