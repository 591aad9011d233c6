/**
 * Access review: does every active account hold only what its duties need, is every login
 * personal, and are service and vendor accounts owned, non-interactive, rotated and time-bound?
 * Pure: rows in (already validated), CheckResults out; `now` is injected.
 */
import type { CheckResult } from '../../core/index.js';
import type { Finding } from '../../core/index.js';
import { buildResult, errorResult } from '../../core/index.js';
import { daysBetween, endOf } from '../../inputs/index.js';
import { cell, type TableRow } from '../../inputs/index.js';
import {
  DEFAULT_ACCESS_POLICY,
  type AccessPolicy,
  type AccountRow,
  type ConflictRow,
  type DutyRow,
  type RoleRow,
} from './schema.js';

export interface AccessInputs {
  accounts: TableRow<AccountRow>[];
  roles: TableRow<RoleRow>[];
  duties: TableRow<DutyRow>[];
  conflicts: TableRow<ConflictRow>[];
}

export interface AccessOptions {
  now: Date;
  policy?: Partial<AccessPolicy>;
  /** The accounts file, named when the register is empty. */
  source?: string;
}

type Acc = TableRow<AccountRow>;

function finding(
  rule: string,
  severity: Finding['severity'],
  a: Acc,
  column: string,
  message: string,
  action: string,
  detail?: Record<string, unknown>,
): Finding {
  return {
    rule,
    severity,
    domain: 'compliance',
    message,
    action,
    location: cell(a.at, column),
    ...(detail ? { detail } : {}),
  };
}

/** Permissions an account holds through its roles, each with the roles granting it. */
function granted(a: AccountRow, roles: Map<string, RoleRow>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of a.roles) {
    for (const p of roles.get(r)?.permissions ?? []) out.set(p, [...(out.get(p) ?? []), r]);
  }
  return out;
}

const ROLES_DUTIES = {
  check: 'compliance.access.roles-duties',
  kind: 'access',
  title: 'Access review: roles, duties and personal accounts',
  domain: 'compliance',
  criteria: ['compliance.roles-duties'],
} as const;

const SERVICE_VENDOR = {
  check: 'compliance.access.service-vendor',
  kind: 'access',
  title: 'Access review: service and vendor accounts',
  domain: 'compliance',
  criteria: ['compliance.service-vendor-accounts'],
} as const;

/**
 * Nothing to review is no evidence (fail-closed): an accounts register with no rows, or with no
 * active account, cannot show that access is right; one without a service or vendor account
 * cannot show that the interfaces' own accounts are controlled. Such results are `error` (the
 * review's inconclusive) with the reason, never "All 0 accounts" passing.
 */
function nothingToReview(inputs: AccessInputs, opts: AccessOptions): CheckResult[] | undefined {
  const from = opts.source ? ` (${opts.source})` : '';
  const spec = (s: typeof ROLES_DUTIES | typeof SERVICE_VENDOR) => ({
    ...s,
    criteria: [...s.criteria],
    now: opts.now,
  });
  if (inputs.accounts.length === 0) {
    const why = `the accounts register${from} has no rows: an empty register is no evidence. List every account that can reach the integration.`;
    return [errorResult(spec(ROLES_DUTIES), why), errorResult(spec(SERVICE_VENDOR), why)];
  }
  const out: CheckResult[] = [];
  if (!inputs.accounts.some((a) => a.value.active))
    out.push(
      errorResult(
        spec(ROLES_DUTIES),
        `the accounts register${from} lists no active account: there is no access to review (an inactive-only register is no evidence).`,
      ),
    );
  if (!inputs.accounts.some((a) => a.value.kind === 'service' || a.value.kind === 'vendor'))
    out.push(
      errorResult(
        spec(SERVICE_VENDOR),
        `the accounts register${from} lists no service or vendor account: the accounts the interfaces run under (kind service) must be listed to be reviewed.`,
      ),
    );
  return out.length > 0 ? out : undefined;
}

function rolesDuties(inputs: AccessInputs, policy: AccessPolicy, now: Date): CheckResult {
  const roles = new Map(inputs.roles.map((r) => [r.value.role, r.value]));
  const duties = new Map(
    inputs.duties.map((d) => [d.value.clinical_role, new Set(d.value.permissions)]),
  );
  const generic = policy.genericIdPatterns.map((p) => new RegExp(p, 'i'));
  const findings: Finding[] = [];
  const counts = { excess: 0, sod: 0, shared: 0, dormant: 0, privNoOwner: 0 };
  const active = inputs.accounts.filter((a) => a.value.active);

  for (const a of active) {
    const v = a.value;
    const perms = granted(v, roles);
    for (const r of v.roles.filter((r) => !roles.has(r))) {
      findings.push(
        finding(
          'access.role-undefined',
          'error',
          a,
          'roles',
          `account "${v.id}" has role "${r}", which the role matrix does not define`,
          'Define the role and its permissions in the role matrix, or remove it from the account: an undefined role cannot be reviewed.',
        ),
      );
    }
    const needed = duties.get(v.clinical_role);
    if (!needed) {
      findings.push(
        finding(
          'access.duty-undefined',
          'error',
          a,
          'clinical_role',
          `account "${v.id}" serves clinical role "${v.clinical_role}", which has no duties defined`,
          'Add the clinical role and the permissions it needs to the duties file, signed off by its clinical lead.',
        ),
      );
    } else {
      const excess = [...perms.keys()].filter((p) => !needed.has(p)).sort();
      if (excess.length > 0) {
        counts.excess++;
        const via = [...new Set(excess.flatMap((p) => perms.get(p) ?? []))].sort();
        findings.push(
          finding(
            'access.excess-permission',
            'error',
            a,
            'roles',
            `account "${v.id}" (${v.clinical_role}) holds permissions beyond its duties: ${excess.join(', ')} (granted by role ${via.join(', ')})`,
            `Remove the role(s) granting ${excess.join(', ')}, or give "${v.id}" a narrower role; if the duty is real, add it to "${v.clinical_role}" in the duties file signed off by the role's lead.`,
            { excess, via },
          ),
        );
      }
    }
    for (const c of inputs.conflicts) {
      const { permission_a: pa, permission_b: pb } = c.value;
      if (perms.has(pa) && perms.has(pb)) {
        counts.sod++;
        findings.push(
          finding(
            'access.sod-conflict',
            'error',
            a,
            'roles',
            `account "${v.id}" holds both "${pa}" and "${pb}"${c.value.reason ? ` (${c.value.reason})` : ''}`,
            `Split the duties: no single account may hold both "${pa}" and "${pb}". Move one permission to a different person's account.`,
            { pair: [pa, pb], conflictRow: c.at.row },
          ),
        );
      }
    }
    if (v.kind !== 'service') {
      const pattern = generic.find((g) => g.test(v.id));
      if (v.shared || pattern) {
        counts.shared++;
        findings.push(
          finding(
            'access.shared-account',
            'error',
            a,
            v.shared ? 'shared' : 'id',
            `account "${v.id}" is ${v.shared ? 'declared shared' : 'a generic name that several people can use'}: the audit trail cannot say who acted`,
            'Replace it with personal accounts for each user (tap-badge or fast user switching for shared workstations), then disable it.',
            pattern ? { pattern: pattern.source } : undefined,
          ),
        );
      }
    }
    if (v.last_login) {
      const idle = daysBetween(v.last_login.ms, now.getTime());
      if (idle > policy.dormantAfterDays) {
        counts.dormant++;
        findings.push(
          finding(
            'access.dormant',
            'warning',
            a,
            'last_login',
            `account "${v.id}" is active but unused for ${idle} days (policy: ${policy.dormantAfterDays})`,
            'Disable the account, or record why it must stay active (e.g. seasonal staff) and who confirmed it.',
            { idleDays: idle },
          ),
        );
      }
    }
    const privileged = v.roles.filter((r) => roles.get(r)?.privileged);
    if (privileged.length > 0 && !v.owner && v.kind !== 'service') {
      counts.privNoOwner++;
      findings.push(
        finding(
          'access.privileged-no-owner',
          'error',
          a,
          'owner',
          `account "${v.id}" holds privileged role ${privileged.join(', ')} but has no accountable owner`,
          'Name an accountable owner for the privileged account, or remove the privileged role.',
          { privileged },
        ),
      );
    }
  }
  return buildResult({
    check: 'compliance.access.roles-duties',
    kind: 'access',
    title: 'Access review: roles, duties and personal accounts',
    domain: 'compliance',
    criteria: ['compliance.roles-duties'],
    findings,
    measurements: {
      accounts_total: inputs.accounts.length,
      accounts_active: active.length,
      excess_permission_accounts: counts.excess,
      sod_conflicts: counts.sod,
      shared_accounts: counts.shared,
      dormant_accounts: counts.dormant,
      privileged_no_owner: counts.privNoOwner,
    },
    now,
    passSummary: `All ${active.length} active accounts hold only the permissions their duties need, with no segregation-of-duties conflicts and no shared logins.`,
    failSummary: (n) =>
      `${n} access problem(s) across ${active.length} active accounts: excess permissions, duty conflicts or shared logins an auditor would flag.`,
  });
}

function serviceVendor(inputs: AccessInputs, policy: AccessPolicy, now: Date): CheckResult {
  const findings: Finding[] = [];
  const t = now.getTime();
  const service = inputs.accounts.filter((a) => a.value.kind === 'service' && a.value.active);
  const vendor = inputs.accounts.filter((a) => a.value.kind === 'vendor');
  for (const a of service) {
    const v = a.value;
    if (!v.owner) {
      findings.push(
        finding(
          'access.service-no-owner',
          'error',
          a,
          'owner',
          `service account "${v.id}" has no owner`,
          'Name the person accountable for the service account (who answers when it misbehaves and who rotates it).',
        ),
      );
    }
    if (v.interactive_login) {
      findings.push(
        finding(
          'access.service-interactive',
          'error',
          a,
          'interactive_login',
          `service account "${v.id}" allows interactive login: a person can sign in as the interface and act without attribution`,
          'Deny interactive and remote-desktop logon for the service account (e.g. a "deny log on locally" policy) and confirm it in the register.',
        ),
      );
    }
    const rotated = v.credential_rotated_at;
    const age = rotated ? daysBetween(rotated.ms, t) : undefined;
    if (age === undefined || age > policy.rotationMaxDays) {
      findings.push(
        finding(
          'access.service-rotation-overdue',
          'error',
          a,
          'credential_rotated_at',
          age === undefined
            ? `service account "${v.id}" has no credential rotation date`
            : `service account "${v.id}" credential last rotated ${age} days ago (policy: ${policy.rotationMaxDays})`,
          'Rotate the credential (or move to a managed identity/certificate) and record the rotation date and next due date.',
          age === undefined ? undefined : { ageDays: age },
        ),
      );
    }
  }
  for (const a of vendor) {
    const v = a.value;
    const expires = v.access_expires_at;
    if (v.active && expires && endOf(expires) <= t) {
      findings.push(
        finding(
          'access.vendor-expired-active',
          'error',
          a,
          'access_expires_at',
          `vendor account "${v.id}" is still active although its access expired on ${expires.iso}`,
          'Disable the vendor account now; re-enable only under a new approved, time-limited request.',
          { expired: expires.iso },
        ),
      );
    }
    if (!v.active) continue;
    if (!v.approval_ref) {
      findings.push(
        finding(
          'access.vendor-no-approval',
          'error',
          a,
          'approval_ref',
          `vendor account "${v.id}" has remote access with no approval reference`,
          'Record the approved remote-access request (ticket or contract reference) or disable the account.',
        ),
      );
    }
    if (!expires) {
      findings.push(
        finding(
          'access.vendor-no-expiry',
          'error',
          a,
          'access_expires_at',
          `vendor account "${v.id}" has no access expiry date`,
          'Set an expiry date on the vendor access (time-limited, renewed on request).',
        ),
      );
    }
  }
  return buildResult({
    check: 'compliance.access.service-vendor',
    kind: 'access',
    title: 'Access review: service and vendor accounts',
    domain: 'compliance',
    criteria: ['compliance.service-vendor-accounts'],
    findings,
    measurements: {
      service_accounts: service.length,
      vendor_accounts: vendor.length,
      vendor_accounts_active: vendor.filter((a) => a.value.active).length,
    },
    now,
    passSummary: `All ${service.length} service accounts are owned, non-interactive and rotated; vendor access is approved and time-limited.`,
    failSummary: (n) =>
      `${n} service or vendor account problem(s): unowned, interactive, unrotated, unapproved or expired access.`,
  });
}

/** The access review, as two results: compliance.roles-duties and compliance.service-vendor-accounts. */
export function reviewAccess(inputs: AccessInputs, opts: AccessOptions): CheckResult[] {
  const policy = { ...DEFAULT_ACCESS_POLICY, ...opts.policy };
  const empty = nothingToReview(inputs, opts);
  const byCheck = (check: string) => empty?.find((r) => r.check === check);
  return [
    byCheck(ROLES_DUTIES.check) ?? rolesDuties(inputs, policy, opts.now),
    byCheck(SERVICE_VENDOR.check) ?? serviceVendor(inputs, policy, opts.now),
  ];
}
