/**
 * Compliance evidence for the go-live review: audit-trail verification, access review and the
 * device and change registers. Each analysis returns CheckResults (one per REVIEW.md criterion).
 */
import type { CheckResult } from '../core/index.js';
import { loadAccessFiles, type AccessFiles } from './access/load.js';
import { reviewAccess } from './access/review.js';
import type { AccessPolicy } from './access/schema.js';
import { loadChanges, loadDevices } from './registers/load.js';
import { reviewChanges, reviewDevices } from './registers/review.js';

export * from './access/schema.js';
export * from './access/review.js';
export * from './access/load.js';
export * from './registers/schema.js';
export * from './registers/review.js';
export * from './registers/load.js';
export * from './audit/index.js';
export { buildResult, errorResult, pct } from '../core/index.js';

/** Load and review the access files: compliance.roles-duties and compliance.service-vendor-accounts. */
export function reviewAccessFiles(
  files: AccessFiles,
  opts: { now: Date; policy?: Partial<AccessPolicy> },
): CheckResult[] {
  const loaded = loadAccessFiles(files);
  return reviewAccess(loaded.inputs, {
    now: opts.now,
    source: files.accounts,
    policy: { ...loaded.policy, ...opts.policy },
  });
}

export interface RegisterFiles {
  devices?: string;
  changes?: string;
  validations?: string;
}

/** Load and review the registers given: compliance.device-security and/or compliance.change-control. */
export function reviewRegisterFiles(files: RegisterFiles, opts: { now: Date }): CheckResult[] {
  const devices = files.devices ? loadDevices(files.devices) : undefined;
  const changes = files.changes ? loadChanges(files.changes, files.validations) : undefined;
  const out: CheckResult[] = [];
  if (devices) out.push(reviewDevices(devices, { ...opts, source: files.devices }));
  if (changes)
    out.push(
      reviewChanges(changes.changes, changes.validations, { ...opts, source: files.changes }),
    );
  return out;
}
