/**
 * Loading the access-review inputs from files, with cross-file checks: every account role is
 * defined in the role matrix and every clinical role has duties. A dangling reference is bad
 * input (exit 2, file:row:column), not a finding: an undefined role cannot be reviewed at all.
 */
import { extname } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../core/index.js';
import { loadYamlFile } from '../../inputs/index.js';
import { cell, loadTable, noDuplicates, type TableRow } from '../../inputs/index.js';
import type { AccessInputs } from './review.js';
import {
  ACCOUNTS,
  CONFLICTS,
  DUTIES,
  ROLES,
  conflictRow,
  dutyRow,
  type AccessPolicy,
  type ConflictRow,
  type DutyRow,
} from './schema.js';

export interface AccessFiles {
  accounts: string;
  roles: string;
  /** Duties: CSV (clinical_role, permissions) or YAML (`duties:`, optional `conflicts:`, `policy:`). */
  duties: string;
  /** Segregation-of-duties pairs, CSV or YAML; optional when the duties YAML holds them. */
  conflicts?: string;
}

const dutiesYaml = z.strictObject({
  duties: z.array(dutyRow),
  conflicts: z.array(conflictRow).optional(),
  policy: z
    .strictObject({
      dormant_after_days: z.number().int().positive().optional(),
      rotation_max_days: z.number().int().positive().optional(),
      generic_id_patterns: z.array(z.string()).optional(),
    })
    .optional(),
});

export interface LoadedAccess {
  inputs: AccessInputs;
  /** Policy values set in the duties YAML (override the defaults, overridden by flags). */
  policy: Partial<AccessPolicy>;
}

function loadDuties(file: string): {
  duties: TableRow<DutyRow>[];
  conflicts: TableRow<ConflictRow>[];
  policy: Partial<AccessPolicy>;
} {
  const ext = extname(file).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml')
    return { duties: loadTable(file, DUTIES), conflicts: [], policy: {} };
  const loaded = loadYamlFile(file, dutiesYaml);
  const at = (key: string, i: number) => ({
    file,
    line: loaded.locate([key, i])?.line,
    row: i + 1,
  });
  const p = loaded.value.policy;
  for (const pattern of p?.generic_id_patterns ?? []) {
    try {
      new RegExp(pattern, 'i');
    } catch {
      throw new UserError(
        'E_ACCESS_POLICY',
        `generic_id_patterns: invalid regular expression "${pattern}"`,
        {
          location: { file, path: 'policy.generic_id_patterns' },
          hint: 'use a JavaScript regular expression, e.g. ^(labtech|nurse)\\d*$',
        },
      );
    }
  }
  return {
    duties: loaded.value.duties.map((value, i) => ({ value, at: at('duties', i) })),
    conflicts: (loaded.value.conflicts ?? []).map((value, i) => ({
      value,
      at: at('conflicts', i),
    })),
    policy: {
      ...(p?.dormant_after_days !== undefined ? { dormantAfterDays: p.dormant_after_days } : {}),
      ...(p?.rotation_max_days !== undefined ? { rotationMaxDays: p.rotation_max_days } : {}),
      ...(p?.generic_id_patterns ? { genericIdPatterns: p.generic_id_patterns } : {}),
    },
  };
}

function refError(
  at: TableRow<unknown>['at'],
  column: string,
  message: string,
  hint: string,
): UserError {
  return new UserError('E_INPUT_REF', message, { location: cell(at, column), hint });
}

/** Load and cross-check the access-review files. Throws UserError (exit 2) on bad input. */
export function loadAccessFiles(files: AccessFiles): LoadedAccess {
  const accounts = loadTable(files.accounts, ACCOUNTS);
  const roles = loadTable(files.roles, ROLES);
  const d = loadDuties(files.duties);
  const conflicts = [
    ...d.conflicts,
    ...(files.conflicts ? loadTable(files.conflicts, CONFLICTS) : []),
  ];
  noDuplicates(accounts, (v) => v.id, 'id');
  noDuplicates(roles, (v) => v.role, 'role');
  noDuplicates(d.duties, (v) => v.clinical_role, 'clinical_role');
  const roleNames = new Set(roles.map((r) => r.value.role));
  const dutyNames = new Set(d.duties.map((r) => r.value.clinical_role));
  for (const a of accounts) {
    const unknown = a.value.roles.find((r) => !roleNames.has(r));
    if (unknown) {
      throw refError(
        a.at,
        'roles',
        `role "${unknown}" is not in the role matrix ${files.roles}`,
        `define it in ${files.roles} or fix the spelling; known roles: ${[...roleNames].join(', ')}`,
      );
    }
    if (!dutyNames.has(a.value.clinical_role)) {
      throw refError(
        a.at,
        'clinical_role',
        `clinical role "${a.value.clinical_role}" has no duties in ${files.duties}`,
        `add it to ${files.duties} or fix the spelling; known: ${[...dutyNames].join(', ')}`,
      );
    }
  }
  return { inputs: { accounts, roles, duties: d.duties, conflicts }, policy: d.policy };
}
