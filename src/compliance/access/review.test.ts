import { describe, expect, it } from 'vitest';
import { accountRow, conflictRow, dutyRow, roleRow } from './schema.js';
import { reviewAccess, type AccessInputs } from './review.js';

const NOW = new Date('2026-02-27T12:00:00Z');
const row = <T>(value: T, n: number) => ({
  value,
  at: { file: 'accounts.csv', row: n, line: n + 1 },
});

const base = {
  kind: 'human',
  interactive_login: 'yes',
  active: 'yes',
  last_login: '2026-02-20',
};

function inputs(accounts: Record<string, unknown>[]): AccessInputs {
  return {
    accounts: accounts.map((a, i) => row(accountRow.parse({ ...base, ...a }), i + 1)),
    roles: [
      { role: 'nurse-role', permissions: 'patient.read;order.create' },
      { role: 'verify-role', permissions: 'result.verify' },
      { role: 'enter-role', permissions: 'result.enter' },
      { role: 'admin-role', permissions: 'user.provision', privileged: 'yes' },
      { role: 'engine', permissions: 'message.send' },
    ].map((r, i) => row(roleRow.parse(r), i + 1)),
    duties: [
      { clinical_role: 'nurse', permissions: 'patient.read;order.create' },
      { clinical_role: 'lab', permissions: 'result.enter;result.verify' },
      { clinical_role: 'admin', permissions: 'user.provision' },
      { clinical_role: 'interface', permissions: 'message.send' },
    ].map((d, i) => row(dutyRow.parse(d), i + 1)),
    conflicts: [
      row(
        conflictRow.parse({
          permission_a: 'result.enter',
          permission_b: 'result.verify',
          reason: 'four eyes',
        }),
        1,
      ),
    ],
  };
}

const rules = (accounts: Record<string, unknown>[]) =>
  reviewAccess(inputs(accounts), { now: NOW }).flatMap((r) => r.findings.map((f) => f.rule));

const nurse = { id: 'jdoe', clinical_role: 'nurse', roles: 'nurse-role', owner: 'J Doe' };
const svc = {
  id: 'svc-feed',
  kind: 'service',
  clinical_role: 'interface',
  roles: 'engine',
  owner: 'R O',
  interactive_login: 'no',
  credential_rotated_at: '2025-12-01',
};
const vendor = {
  id: 'vnd-x',
  kind: 'vendor',
  clinical_role: 'interface',
  roles: 'engine',
  owner: 'R O',
  approval_ref: 'RA-1',
  access_expires_at: '2026-03-31',
};

describe('access review: roles and duties', () => {
  it('passes a personal account holding exactly its duties (near miss for every rule)', () => {
    const [rd, sv] = reviewAccess(inputs([nurse, svc, vendor]), { now: NOW });
    expect(rd!.outcome).toBe('pass');
    expect(sv!.outcome).toBe('pass');
    expect(rd!.criteria).toEqual(['compliance.roles-duties']);
    expect(sv!.criteria).toEqual(['compliance.service-vendor-accounts']);
  });

  it('names the excess permissions and the role granting them, at the roles cell', () => {
    const [rd] = reviewAccess(inputs([{ ...nurse, roles: 'nurse-role;verify-role' }]), {
      now: NOW,
    });
    const f = rd!.findings.find((x) => x.rule === 'access.excess-permission')!;
    expect(f.severity).toBe('error');
    expect(f.message).toContain('result.verify');
    expect(f.message).toContain('verify-role');
    expect(f.location).toMatchObject({ file: 'accounts.csv', row: 1, column: 'roles' });
    expect(rd!.outcome).toBe('fail');
    expect(rd!.measurements.excess_permission_accounts).toBe(1);
  });

  it('flags a segregation-of-duties conflict even when both permissions are duties', () => {
    expect(
      rules([{ id: 'mlopez', clinical_role: 'lab', roles: 'enter-role;verify-role', owner: 'x' }]),
    ).toEqual(['access.sod-conflict']);
    expect(
      rules([{ id: 'mlopez', clinical_role: 'lab', roles: 'enter-role', owner: 'x' }]),
    ).toEqual([]);
  });

  it('flags generic and declared-shared logins, not personal ids that contain a role word', () => {
    expect(rules([{ ...nurse, id: 'labtech' }])).toContain('access.shared-account');
    expect(rules([{ ...nurse, id: 'nurse2' }])).toContain('access.shared-account');
    expect(rules([{ ...nurse, id: 'icu-shared' }])).toContain('access.shared-account');
    expect(rules([{ ...nurse, id: 'pkumar', shared: 'yes' }])).toContain('access.shared-account');
    expect(rules([{ ...nurse, id: 'labtech.jones' }])).not.toContain('access.shared-account');
    expect(rules([{ ...nurse, id: 'edwards' }])).not.toContain('access.shared-account');
  });

  it('reports dormancy past the policy as a warning, not at the limit', () => {
    expect(rules([{ ...nurse, last_login: '2025-11-28T12:00:00Z' }])).toEqual(['access.dormant']); // 91 days
    expect(rules([{ ...nurse, last_login: '2025-11-29T12:00:00Z' }])).toEqual([]); // 90 days
    expect(rules([{ ...nurse, last_login: '2025-01-01', active: 'no' }])).toEqual([]);
    const [rd] = reviewAccess(inputs([{ ...nurse, last_login: '2025-01-01' }]), { now: NOW });
    expect(rd!.outcome).toBe('pass');
    expect(rd!.findings[0]!.severity).toBe('warning');
  });

  it('needs an owner on privileged accounts', () => {
    expect(rules([{ id: 'dadmin', clinical_role: 'admin', roles: 'admin-role' }])).toEqual([
      'access.privileged-no-owner',
    ]);
    expect(
      rules([{ id: 'dadmin', clinical_role: 'admin', roles: 'admin-role', owner: 'D A' }]),
    ).toEqual([]);
    expect(rules([{ ...nurse, owner: undefined }])).toEqual([]);
  });

  it('tunes thresholds through the policy', () => {
    const r = reviewAccess(inputs([{ ...nurse, last_login: '2026-01-01' }]), {
      now: NOW,
      policy: { dormantAfterDays: 30 },
    });
    expect(r[0]!.findings.map((f) => f.rule)).toEqual(['access.dormant']);
  });
});

describe('access review: service and vendor accounts', () => {
  it('flags a service account without owner, with interactive login, and unrotated', () => {
    expect(rules([{ ...svc, owner: undefined }])).toEqual(['access.service-no-owner']);
    expect(rules([{ ...svc, interactive_login: 'yes' }])).toEqual(['access.service-interactive']);
    expect(rules([{ ...svc, credential_rotated_at: undefined }])).toEqual([
      'access.service-rotation-overdue',
    ]);
    expect(rules([{ ...svc, credential_rotated_at: '2025-02-26' }])).toEqual([
      'access.service-rotation-overdue',
    ]); // 366 days
    expect(rules([{ ...svc, credential_rotated_at: '2025-02-28' }])).toEqual([]); // 364 days
    expect(rules([{ ...svc, credential_rotated_at: undefined, active: 'no' }])).toEqual([]);
  });

  it('flags vendor access without approval, without expiry, or active after expiry', () => {
    expect(rules([{ ...vendor, approval_ref: undefined }])).toEqual(['access.vendor-no-approval']);
    expect(rules([{ ...vendor, access_expires_at: undefined }])).toEqual([
      'access.vendor-no-expiry',
    ]);
    expect(rules([{ ...vendor, access_expires_at: '2026-01-31' }])).toEqual([
      'access.vendor-expired-active',
    ]);
    // Expiring today is still valid today; an expired account that is disabled is fine.
    expect(rules([{ ...vendor, access_expires_at: '2026-02-27' }])).toEqual([]);
    expect(rules([{ ...vendor, access_expires_at: '2026-01-31', active: 'no' }])).toEqual([]);
  });
});
