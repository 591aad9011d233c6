/**
 * Adapters into the review: stored evidence records -> ReviewEvidence, and per-site threshold
 * overrides of a template. Pure: records come in as data (the store is read by the caller).
 */
import { UserError, type Attestation, type StoredCheckResult, type Waiver } from '../core/index.js';
import type { ReviewEvidence, ReviewTemplate } from './types.js';

/** The fields of an evidence-store record the review needs (structural: no store import). */
export interface RecordLike {
  id: string;
  kind: string;
  contentHash: string;
  content: unknown;
}

export interface FromRecords {
  evidence: ReviewEvidence;
  /** Records of a review kind whose content does not have the expected shape. */
  rejected: { id: string; why: string }[];
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Record<string, unknown>, k: string) => typeof o[k] === 'string';

function checkShape(v: unknown): string | undefined {
  if (!isObj(v)) return 'content is not an object';
  if (!str(v, 'check')) return 'check id missing';
  if (!Array.isArray(v.criteria) || !v.criteria.every((c) => typeof c === 'string'))
    return 'criteria is not a list of ids';
  if (!['pass', 'fail', 'error', 'skip'].includes(v.outcome as string))
    return 'outcome is not pass, fail, error or skip';
  if (v.measurements !== undefined && !isObj(v.measurements)) return 'measurements is not a map';
  return undefined;
}

function attestationShape(v: unknown): string | undefined {
  if (!isObj(v)) return 'content is not an object';
  if (!str(v, 'criterion')) return 'criterion missing';
  if (typeof v.holds !== 'boolean') return 'holds is not true or false';
  return undefined;
}

function waiverShape(v: unknown): string | undefined {
  if (!isObj(v)) return 'content is not an object';
  if (!str(v, 'criterion')) return 'criterion missing';
  // Missing approver/reason/expiry are judged by the evaluation, which says so in the reason.
  return undefined;
}

/**
 * Select the records the review weighs (kinds `check`, `attestation`, `waiver`). Records of
 * those kinds that are malformed are left out and reported, never silently counted as passes.
 */
export function evidenceFromRecords(records: readonly RecordLike[]): FromRecords {
  const evidence: ReviewEvidence = { checks: [], attestations: [], waivers: [] };
  const rejected: { id: string; why: string }[] = [];
  for (const r of records) {
    const shape =
      r.kind === 'check'
        ? checkShape
        : r.kind === 'attestation'
          ? attestationShape
          : r.kind === 'waiver'
            ? waiverShape
            : undefined;
    if (!shape) continue;
    const why = shape(r.content);
    if (why) {
      rejected.push({ id: r.id, why });
      continue;
    }
    const base = { id: r.id, hash: r.contentHash };
    if (r.kind === 'check') {
      // Checked by checkShape; `data` stays untrusted (read through core/check-data-read.ts).
      const v = r.content as StoredCheckResult;
      evidence.checks.push({ ...base, value: { ...v, measurements: v.measurements ?? {} } });
    } else if (r.kind === 'attestation')
      evidence.attestations.push({ ...base, value: r.content as Attestation });
    else evidence.waivers.push({ ...base, value: r.content as Waiver });
  }
  return { evidence, rejected };
}

/** `{ criterionId: { measurementName: threshold } }`, e.g. from golive.yaml. */
export type ThresholdOverrides = Record<string, Record<string, number>>;

/**
 * A copy of the template with site thresholds applied. Unknown criteria or measurements are
 * user errors: a misspelt override must not silently leave the default in force.
 */
export function withThresholds(
  template: ReviewTemplate,
  overrides: ThresholdOverrides,
): ReviewTemplate {
  for (const [cid, rules] of Object.entries(overrides)) {
    const crit = template.criteria.find((c) => c.id === cid);
    if (!crit) {
      throw new UserError('E_REVIEW_THRESHOLD', `unknown criterion "${cid}"`, {
        location: { path: `review.thresholds.${cid}` },
        hint: `criteria with thresholds: ${template.criteria
          .filter((c) => c.measurements.length > 0)
          .map((c) => c.id)
          .join(', ')}`,
      });
    }
    for (const [m, value] of Object.entries(rules)) {
      if (!crit.measurements.some((r) => r.measurement === m)) {
        throw new UserError('E_REVIEW_THRESHOLD', `criterion ${cid} has no threshold "${m}"`, {
          location: { path: `review.thresholds.${cid}.${m}` },
          hint: `thresholds of ${cid}: ${crit.measurements.map((r) => r.measurement).join(', ') || '(none)'}`,
        });
      }
      if (!Number.isFinite(value)) {
        throw new UserError('E_REVIEW_THRESHOLD', `threshold ${cid}.${m} is not a number`, {
          location: { path: `review.thresholds.${cid}.${m}` },
        });
      }
    }
  }
  return {
    ...template,
    criteria: template.criteria.map((c) => ({
      ...c,
      measurements: c.measurements.map((r) => {
        const t = overrides[c.id]?.[r.measurement];
        return t === undefined ? { ...r } : { ...r, threshold: t };
      }),
    })),
  };
}
