/** The verdict block that ends `golive run` and `golive demo`: decision, blockers, reports, evidence. */
import { renderConsoleSummary } from '../report/index.js';
import { useColour } from '../report/terminal.js';
import type { RunReviewResult } from '../runner/index.js';

export function writeVerdict(result: RunReviewResult): void {
  process.stdout.write(
    `\n${renderConsoleSummary(result.input, {
      color: useColour(),
      ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
      reportPaths: result.reports,
      evidence: { path: result.evidencePath, runId: result.runId },
    })}`,
  );
}
