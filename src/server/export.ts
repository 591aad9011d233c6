/**
 * The export of a run's review, to hand to an auditor or attach to a change ticket: one tar
 * holding the HTML report (the decision record's review), every evidence record of the run as
 * JSON, their blobs, the sign-offs, and a manifest with the SHA-256 of every file (also as
 * `SHA256SUMS`, which `sha256sum -c` checks). Hashes are of the files as written here; each
 * record's JSON also carries its own content and chain hashes from the store.
 */
import { createHash } from 'node:crypto';
import type { EvidenceRecord, EvidenceStore } from '../evidence/index.js';
import { renderHtml } from '../report/index.js';
import { reportInputFor, reviewOf, type RunReview } from './runs.js';
import type { TarFile } from './tar.js';

export const MANIFEST = 'manifest.json';
export const SUMS = 'SHA256SUMS';

export interface ExportManifest {
  format: 'golive-review-export/1';
  runId: string;
  exportedAt: string;
  exportedBy: string;
  toolVersion: string;
  decision: string;
  /** The decision record the report shows; null when the run has none (provisional review). */
  decisionRecord: string | null;
  provisional: boolean;
  signoffs: RunReview['signoffs'];
  /** Chain hash of the run's last record: where this export sits in the store's chain. */
  lastChainHash: string;
  files: { path: string; size: number; sha256: string }[];
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A run id made safe as a folder name. */
export function exportFolder(runId: string): string {
  return `golive-${runId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120)}`;
}

export async function exportFiles(
  store: EvidenceStore,
  records: readonly EvidenceRecord[],
  o: { runId: string; now: Date; by: string; version: string },
): Promise<{ folder: string; files: TarFile[]; manifest: ExportManifest }> {
  const rv = reviewOf(o.runId, records, o.now);
  const input = await reportInputFor(store, records, rv, o.version);
  const files: TarFile[] = [{ path: 'report.html', data: Buffer.from(renderHtml(input), 'utf8') }];
  const blobs = new Set<string>();
  for (const r of records) {
    files.push({
      path: `evidence/${r.id}.json`,
      data: Buffer.from(`${JSON.stringify(r, null, 2)}\n`, 'utf8'),
    });
    for (const b of r.blobs) {
      if (blobs.has(b.hash) || !/^[0-9a-f]{64}$/.test(b.hash)) continue;
      const data = await store.getBlob(b.hash);
      if (!data) continue;
      blobs.add(b.hash);
      files.push({ path: `blobs/${b.hash}`, data });
    }
  }
  const manifest: ExportManifest = {
    format: 'golive-review-export/1',
    runId: o.runId,
    exportedAt: o.now.toISOString(),
    exportedBy: o.by,
    toolVersion: o.version,
    decision: rv.review.decision,
    decisionRecord: rv.decisionRecord,
    provisional: rv.provisional,
    signoffs: rv.signoffs,
    lastChainHash: records[records.length - 1]?.chainHash ?? '',
    files: files.map((f) => ({ path: f.path, size: f.data.length, sha256: sha256(f.data) })),
  };
  files.push({ path: MANIFEST, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) });
  const sums = files.map((f) => `${sha256(f.data)}  ${f.path}\n`).join('');
  files.push({ path: SUMS, data: Buffer.from(sums, 'utf8') });
  const folder = exportFolder(o.runId);
  return { folder, files: files.map((f) => ({ ...f, path: `${folder}/${f.path}` })), manifest };
}
