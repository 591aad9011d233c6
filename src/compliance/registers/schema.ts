/**
 * Register inputs (docs/compliance.md "Registers"): the connected-device inventory, the
 * interface change register and the validation records. Each is CSV or YAML.
 */
import { z } from 'zod';
import { list, slug, text, when } from '../../inputs/index.js';
import type { TableSpec } from '../../inputs/index.js';

const DOCS = 'docs/compliance.md#registers';

/** A control cell: free text describing the control; blank means undocumented. */
const control = z.preprocess(
  (v) =>
    typeof v === 'boolean'
      ? v
        ? 'yes'
        : 'no'
      : typeof v === 'number'
        ? String(v)
        : v === null
          ? undefined
          : v,
  z.string().trim().optional(),
);

export const deviceRow = z.strictObject({
  device: text,
  name: text.optional(),
  type: text.optional(),
  unit: text.optional(),
  network: control,
  owner: text.optional(),
  patching: control,
  authentication: control,
  encryption: control,
  remote_access: control,
  /** Manufacturer disclosure (MDS2) form on file: a reference, or yes/no. */
  disclosure_form: control,
});
export type DeviceRow = z.output<typeof deviceRow>;

export const DEVICES: TableSpec<typeof deviceRow> = {
  row: deviceRow,
  key: 'devices',
  required: [
    'device',
    'network',
    'owner',
    'patching',
    'authentication',
    'encryption',
    'remote_access',
    'disclosure_form',
  ],
  docs: DOCS,
};

export const changeRow = z.strictObject({
  change: text,
  description: text.optional(),
  interface: text.optional(),
  approver: text.optional(),
  approved_at: when.optional(),
  /** Ids of validation records proving the change at this site. */
  validation_ref: list.default([]),
  /** When the change was (or will be) made. */
  date: when,
  post_launch_owner: text.optional(),
});
export type ChangeRow = z.output<typeof changeRow>;

export const CHANGES: TableSpec<typeof changeRow> = {
  row: changeRow,
  key: 'changes',
  required: ['change', 'approver', 'approved_at', 'validation_ref', 'date', 'post_launch_owner'],
  docs: DOCS,
};

export const validationRow = z.strictObject({
  id: text,
  /** The change this record validates (alternatively listed in the change's validation_ref). */
  change: text.optional(),
  /** `site`: tested here, on this site's build and data; `vendor`: vendor certification/testing only. */
  scope: z.preprocess(
    (v) => {
      const s = slug(v);
      return s === 'site-specific' ? 'site' : s === 'vendor-only' ? 'vendor' : s;
    },
    z.enum(['site', 'vendor']),
  ),
  performed_by: text.optional(),
  date: when,
  approved_by: text.optional(),
  result: z.preprocess(
    (v) => {
      const s = slug(v);
      return s === 'passed' ? 'pass' : s === 'failed' ? 'fail' : s;
    },
    z.enum(['pass', 'fail']),
  ),
  evidence: text.optional(),
});
export type ValidationRow = z.output<typeof validationRow>;

export const VALIDATIONS: TableSpec<typeof validationRow> = {
  row: validationRow,
  key: 'validations',
  required: ['id', 'scope', 'date', 'approved_by', 'result'],
  docs: DOCS,
};
