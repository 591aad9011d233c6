import type { Exchange, ReviewResult, StoredCheckResult } from '../core/index.js';

/**
 * A check result as stored: the evidence record id and content hash it was kept under. Its
 * `data` is untrusted JSON, read through the guards of core/check-data-read.ts.
 */
export type ReportCheck = StoredCheckResult & { evidenceId: string; hash: string };

/** Facts about the run that produced the review. Instants are ISO-8601. */
export interface RunInfo {
  id: string;
  startedAt: string;
  finishedAt: string;
  /** What was tested: a site name, host:port or URL. */
  target: string;
  /** Path of the configuration file, when there was one. */
  config?: string;
  /** golive version that produced the run. */
  toolVersion: string;
}

/**
 * Everything a reporter needs, in one object. Reporters are pure functions of it
 * (apart from the HTML reporter reading the Chart.js bundle and `writeReports` writing files).
 */
export interface ReportInput {
  review: ReviewResult;
  checks: ReportCheck[];
  /** Exchanges of the run (also those embedded in `checks[].exchanges`; duplicates by id are merged). */
  exchanges: Exchange[];
  run: RunInfo;
}

/** Where `writeReports` put each format. */
export interface ReportPaths {
  html: string;
  json: string;
  junit: string;
  markdown: string;
}
