import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { ReportInput, ReportPaths } from './types.js';

export const REPORT_FILES = {
  html: 'report.html',
  json: 'report.json',
  junit: 'report.junit.xml',
  markdown: 'report.md',
} as const satisfies ReportPaths;

/**
 * Render every report and write them to `dir` (created if missing). Each file is written to a
 * temporary name and renamed, so a reader never sees half a report.
 */
export async function writeReports(input: ReportInput, dir: string): Promise<ReportPaths> {
  const base = resolve(dir);
  await mkdir(base, { recursive: true });
  const contents: Record<keyof ReportPaths, string> = {
    html: renderHtml(input),
    json: renderJson(input),
    junit: renderJunit(input),
    markdown: renderMarkdown(input),
  };
  const paths = {} as ReportPaths;
  await Promise.all(
    (Object.keys(REPORT_FILES) as (keyof ReportPaths)[]).map(async (k) => {
      const path = join(base, REPORT_FILES[k]);
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, contents[k], 'utf8');
      await rename(tmp, path);
      paths[k] = path;
    }),
  );
  return paths;
}
