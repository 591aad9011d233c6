import { describe, expect, it } from 'vitest';
import { DOMAINS } from '../core/index.js';
import { STANDARD_TEMPLATE } from './standard.js';

// The ids of REVIEW.md, in its order: the contract with every check.
const REVIEW_MD_IDS = [
  'workflow.exceptions',
  'workflow.critical-escalation',
  'workflow.downtime-recovery',
  'workflow.handoffs',
  'workflow.live-simulation',
  'interop.identity',
  'interop.units-flags',
  'interop.timestamps',
  'interop.updates',
  'interop.message-integrity',
  'compliance.audit-trail',
  'compliance.roles-duties',
  'compliance.service-vendor-accounts',
  'compliance.device-security',
  'compliance.change-control',
  'adoption.unaided-tasks',
  'adoption.exceptions-understood',
  'adoption.workaround-signals',
  'adoption.floor-support',
  'infrastructure.peak-load',
  'infrastructure.failover',
  'infrastructure.storage',
  'infrastructure.point-of-care',
  'infrastructure.environment',
];

describe('standard template', () => {
  const { criteria } = STANDARD_TEMPLATE;

  it('has exactly the criteria of REVIEW.md, in order, each in the domain its id names', () => {
    expect(criteria.map((c) => c.id)).toEqual(REVIEW_MD_IDS);
    for (const c of criteria) expect(c.id.split('.')[0]).toBe(c.domain);
  });

  it('has the 24 criteria REVIEW.md lists: five per domain, four for adoption', () => {
    const perDomain = Object.fromEntries(
      DOMAINS.map((d) => [d, criteria.filter((c) => c.domain === d).length]),
    );
    expect(perDomain).toEqual({
      workflow: 5,
      interop: 5,
      compliance: 5,
      adoption: 4,
      infrastructure: 5,
    });
  });

  it('fills every field, and names what must be attested where a person must attest', () => {
    for (const c of criteria) {
      for (const f of [c.title, c.why, c.signal, c.owner]) expect(f.length).toBeGreaterThan(3);
      expect(c.sources.length).toBeGreaterThan(0);
      if (c.needs !== 'check') expect(c.attestation, c.id).toBeTruthy();
    }
  });

  it('makes the patient-safety criteria blockers', () => {
    const blockers = criteria.filter((c) => c.severity === 'blocker').map((c) => c.id);
    expect(blockers).toEqual(
      expect.arrayContaining([
        'workflow.exceptions',
        'interop.identity',
        'interop.updates',
        'interop.units-flags',
        'compliance.audit-trail',
        'infrastructure.peak-load',
        'infrastructure.failover',
      ]),
    );
  });

  it('defaults adoption.unaided-tasks to 90% unaided', () => {
    const u = criteria.find((c) => c.id === 'adoption.unaided-tasks');
    expect(u?.measurements).toEqual([
      expect.objectContaining({
        measurement: 'unaided_critical_pct_min',
        op: '>=',
        threshold: 90,
        required: true,
      }),
    ]);
  });

  it('never lets a blocker be waived', () => {
    expect(STANDARD_TEMPLATE.policy.waivable).not.toContain('blocker');
  });
});
