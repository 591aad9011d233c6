/**
 * Adoption inputs (docs/adoption.md): task simulation records, quick-reference guides, the
 * workaround signal log, the support roster and the launch plan. Each is CSV or YAML.
 */
import { z } from 'zod';
import { list, slug, text, when, yesNo } from '../inputs/index.js';
import type { TableSpec } from '../inputs/index.js';

const DOCS = 'docs/adoption.md';

/** Seconds, or `m:ss` / `h:mm:ss`. */
const duration = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v === null ? undefined : v;
    const parts = v.trim().split(':');
    if (parts.length > 1 && parts.every((p) => /^\d+$/.test(p)))
      return parts.reduce((acc, p) => acc * 60 + Number(p), 0);
    return v.trim() === '' ? undefined : Number(v);
  },
  z.number({ error: 'expected seconds (e.g. 95) or m:ss (e.g. 1:35)' }).nonnegative(),
);

const count = z.preprocess(
  (v) =>
    typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v)) : v === null ? undefined : v,
  z
    .number({ error: 'expected a whole number' })
    .int({ error: 'expected a whole number' })
    .nonnegative(),
);

export const taskRow = z.strictObject({
  role: text,
  /** A pseudonym, never a real name (the records are evidence shared with a review board). */
  participant: text,
  task: text,
  critical: yesNo,
  exception: yesNo.default(false),
  /** Completed without coaching or help from a super-user. */
  unaided: yesNo,
  duration_s: duration.optional(),
  errors: count.default(0),
  date: when,
});
export type TaskRow = z.output<typeof taskRow>;

export const TASKS: TableSpec<typeof taskRow> = {
  row: taskRow,
  key: 'tasks',
  required: ['role', 'participant', 'task', 'critical', 'exception', 'unaided', 'date'],
  docs: `${DOCS}#task-simulation-records`,
};

export const guideRow = z.strictObject({
  task: text,
  guide: text,
  location: text.optional(),
  updated: when.optional(),
});
export type GuideRow = z.output<typeof guideRow>;

export const GUIDES: TableSpec<typeof guideRow> = {
  row: guideRow,
  key: 'guides',
  required: ['task', 'guide'],
  docs: `${DOCS}#quick-reference-guides`,
};

export const SIGNAL_KINDS = [
  'sticky-note',
  'parallel-spreadsheet',
  'delayed-acknowledgement',
  'verbal-relay',
  'password-sharing-request',
  'other',
] as const;

export const signalRow = z.strictObject({
  id: text.optional(),
  date: when,
  unit: text,
  kind: z.preprocess((v) => {
    const s = slug(v);
    return s === 'delayed-acknowledgment' ? 'delayed-acknowledgement' : s;
  }, z.enum(SIGNAL_KINDS)),
  severity: z.preprocess(slug, z.enum(['high', 'medium', 'low'])),
  status: z.preprocess(slug, z.enum(['open', 'in-progress', 'mitigated', 'closed'])),
  description: text.optional(),
  owner: text.optional(),
});
export type SignalRow = z.output<typeof signalRow>;

export const SIGNALS: TableSpec<typeof signalRow> = {
  row: signalRow,
  key: 'signals',
  required: ['date', 'unit', 'kind', 'severity', 'status'],
  docs: `${DOCS}#workaround-signal-log`,
};

export const rosterRow = z.strictObject({
  unit: text,
  shift: text,
  staff: text,
  role: text,
  /** The day covered; blank means every launch day. */
  date: when.optional(),
});
export type RosterRow = z.output<typeof rosterRow>;

export const ROSTER: TableSpec<typeof rosterRow> = {
  row: rosterRow,
  key: 'roster',
  required: ['unit', 'shift', 'staff', 'role'],
  docs: `${DOCS}#support-roster`,
};

export const planRow = z.strictObject({
  unit: text,
  shift: text,
  date: when.optional(),
});
export type PlanRow = z.output<typeof planRow>;

export const PLAN: TableSpec<typeof planRow> = {
  row: planRow,
  key: 'plan',
  required: ['unit', 'shift'],
  docs: `${DOCS}#launch-plan`,
};

/** The launch plan as YAML: units x shifts (x dates) to cover, and roles that must be simulated. */
export const launchPlanYaml = z.strictObject({
  launch: z.strictObject({
    units: list,
    shifts: list,
    dates: z.array(when).optional(),
    roles: list.optional(),
  }),
});
