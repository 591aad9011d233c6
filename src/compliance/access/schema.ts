/**
 * Access-review inputs (docs/compliance.md "Access review"): accounts, the role -> permission
 * matrix, clinical duties and segregation-of-duties conflicts. Each is CSV or YAML.
 */
import { z } from 'zod';
import { list, slug, text, when, yesNo } from '../../inputs/index.js';
import type { TableSpec } from '../../inputs/index.js';

const DOCS = 'docs/compliance.md#access-review';

export const ACCOUNT_KINDS = ['human', 'service', 'vendor'] as const;

export const accountRow = z.strictObject({
  id: text,
  display_name: text.optional(),
  kind: z.preprocess(slug, z.enum(ACCOUNT_KINDS)),
  /** The clinical or technical job the account serves; its duties are looked up by this. */
  clinical_role: text,
  /** System roles granted (names from the role matrix). */
  roles: list.default([]),
  /** Accountable person (required for service, vendor and privileged accounts). */
  owner: text.optional(),
  last_login: when.optional(),
  interactive_login: yesNo,
  credential_rotated_at: when.optional(),
  access_expires_at: when.optional(),
  approval_ref: text.optional(),
  active: yesNo,
  /** Declared shared by the site (a login used by several people). */
  shared: yesNo.default(false),
});
export type AccountRow = z.output<typeof accountRow>;

export const ACCOUNTS: TableSpec<typeof accountRow> = {
  row: accountRow,
  key: 'accounts',
  required: ['id', 'kind', 'clinical_role', 'roles', 'interactive_login', 'active'],
  docs: DOCS,
};

export const roleRow = z.strictObject({
  role: text,
  permissions: list,
  /** Privileged roles (administration, security, break-glass) need an accountable owner. */
  privileged: yesNo.default(false),
  description: text.optional(),
});
export type RoleRow = z.output<typeof roleRow>;

export const ROLES: TableSpec<typeof roleRow> = {
  row: roleRow,
  key: 'roles',
  required: ['role', 'permissions'],
  docs: DOCS,
};

export const dutyRow = z.strictObject({
  clinical_role: text,
  permissions: list,
  description: text.optional(),
});
export type DutyRow = z.output<typeof dutyRow>;

export const DUTIES: TableSpec<typeof dutyRow> = {
  row: dutyRow,
  key: 'duties',
  required: ['clinical_role', 'permissions'],
  docs: DOCS,
};

export const conflictRow = z.strictObject({
  permission_a: text,
  permission_b: text,
  reason: text.optional(),
});
export type ConflictRow = z.output<typeof conflictRow>;

export const CONFLICTS: TableSpec<typeof conflictRow> = {
  row: conflictRow,
  key: 'conflicts',
  required: ['permission_a', 'permission_b'],
  docs: DOCS,
};

/** Thresholds of the access review; defaults are common hospital policy, tune per site. */
export interface AccessPolicy {
  /** An active account unused for longer than this is dormant. */
  dormantAfterDays: number;
  /** A service credential older than this is overdue for rotation. */
  rotationMaxDays: number;
  /** Regular expressions (case-insensitive) for generic account ids. */
  genericIdPatterns: string[];
}

export const DEFAULT_GENERIC_PATTERNS = [
  // Role or department names used as a login: several people end up sharing them.
  '^(admin|administrator|root|test|tester|guest|temp|user|generic|shared|nurse|nursing|doctor|physician|lab-?tech|lab|pharmacy|pharmacist|reception|frontdesk|ward|icu|clerk|tech|student|locum|agency)[-_.]?\\d*$',
  // Explicit sharing words anywhere in the id.
  '(^|[-_.])(shared|generic|common|team|dept|department|pool)([-_.]|\\d|$)',
];

export const DEFAULT_ACCESS_POLICY: AccessPolicy = {
  dormantAfterDays: 90,
  rotationMaxDays: 365,
  genericIdPatterns: DEFAULT_GENERIC_PATTERNS,
};
