/**
 * Human evidence for the review: attestations (what a person confirmed), waivers (an approver
 * accepting a risk), and the integration map's handoffs (workflow.handoffs).
 */
import { z } from 'zod';
import type { Attestation, CheckResult, Finding, Waiver } from '../core/index.js';
import { loadYamlFile } from '../inputs/index.js';

const isoDate = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/,
    'expected an ISO date like 2026-11-20',
  );

const attestationSchema = z.strictObject({
  criterion: z.string().min(1),
  statement: z.string().min(1),
  attestedBy: z.string().min(1),
  role: z.string().min(1),
  at: isoDate,
  holds: z.boolean(),
  reference: z.string().optional(),
});

const waiverSchema = z.strictObject({
  criterion: z.string().min(1),
  approver: z.string().min(1),
  approverRole: z.string().min(1),
  reason: z.string().min(1),
  owner: z.string().min(1),
  expires: isoDate,
  grantedAt: isoDate,
});

export const attestationsFileSchema = z.strictObject({ attestations: z.array(attestationSchema) });
export const waiversFileSchema = z.strictObject({ waivers: z.array(waiverSchema) });

export function loadAttestations(file: string): Attestation[] {
  return loadYamlFile(file, attestationsFileSchema).value.attestations;
}

export function loadWaivers(file: string): Waiver[] {
  return loadYamlFile(file, waiversFileSchema).value.waivers;
}

export interface Handoff {
  from: string;
  to: string;
  owner?: string;
  fallback?: string;
}

/** workflow.handoffs: every handoff of the integration map needs an owner and a fallback. */
export function checkHandoffs(handoffs: Handoff[], source: string, now: Date): CheckResult {
  const findings: Finding[] = [];
  handoffs.forEach((h, i) => {
    const where = { file: source, path: `review.handoffs[${i}]` };
    if (!h.owner?.trim()) {
      findings.push({
        rule: 'workflow.handoff-no-owner',
        severity: 'error',
        domain: 'workflow',
        message: `handoff ${h.from} -> ${h.to} has no accountable owner`,
        action: 'name the person or team accountable for this handoff before go-live',
        location: where,
      });
    }
    if (!h.fallback?.trim()) {
      findings.push({
        rule: 'workflow.handoff-no-fallback',
        severity: 'error',
        domain: 'workflow',
        message: `handoff ${h.from} -> ${h.to} has no fallback procedure`,
        action:
          'write the downtime/fallback procedure for this handoff and train the receiving team',
        location: where,
      });
    }
  });
  const failed = findings.length > 0;
  return {
    check: 'workflow.handoffs',
    kind: 'site-config',
    title: 'Integration map handoffs',
    domain: 'workflow',
    criteria: ['workflow.handoffs'],
    outcome: handoffs.length === 0 ? 'skip' : failed ? 'fail' : 'pass',
    summary:
      handoffs.length === 0
        ? 'no handoffs declared in the integration map'
        : failed
          ? `${findings.length} gap(s) across ${handoffs.length} handoffs`
          : `all ${handoffs.length} handoffs have an owner and a fallback`,
    findings,
    measurements: { handoffs: handoffs.length, gaps: findings.length },
    startedAt: now.toISOString(),
    durationMs: 0,
  };
}
