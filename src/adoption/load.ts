/** Loading the adoption inputs from files (CSV or YAML); bad input throws UserError (exit 2). */
import { extname } from 'node:path';
import { loadYamlText, parseYamlText, readTextFile } from '../inputs/index.js';
import { loadTable, type TableRow } from '../inputs/index.js';
import type { PlannedShift } from './roster.js';
import {
  GUIDES,
  PLAN,
  ROSTER,
  SIGNALS,
  TASKS,
  launchPlanYaml,
  type GuideRow,
  type RosterRow,
  type SignalRow,
  type TaskRow,
} from './schema.js';

export const loadTasks = (file: string): TableRow<TaskRow>[] => loadTable(file, TASKS);
export const loadGuides = (file: string): TableRow<GuideRow>[] => loadTable(file, GUIDES);
export const loadSignals = (file: string): TableRow<SignalRow>[] => loadTable(file, SIGNALS);
export const loadRoster = (file: string): TableRow<RosterRow>[] => loadTable(file, ROSTER);

export interface LaunchPlan {
  shifts: PlannedShift[];
  /** Roles that must have task simulations (YAML `launch.roles`). */
  roles?: string[];
}

/**
 * The launch plan: CSV rows (unit, shift[, date]), a YAML list of the same, or YAML
 * `launch: { units, shifts, dates?, roles? }` meaning every unit on every shift (every date).
 */
export function loadPlan(file: string): LaunchPlan {
  const ext = extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') {
    const text = readTextFile(file);
    const { data } = parseYamlText(text, file);
    if (data && typeof data === 'object' && !Array.isArray(data) && 'launch' in data) {
      const loaded = loadYamlText(text, file, launchPlanYaml);
      const l = loaded.value.launch;
      const pos = loaded.locate(['launch']);
      const at = { file, line: pos?.line, path: 'launch' };
      const dates = l.dates?.map((d) => d.iso) ?? [undefined];
      const shifts: PlannedShift[] = dates.flatMap((date) =>
        l.units.flatMap((unit) =>
          l.shifts.map((shift) => ({ unit, shift, ...(date ? { date } : {}), at })),
        ),
      );
      return { shifts, ...(l.roles ? { roles: l.roles } : {}) };
    }
  }
  return {
    shifts: loadTable(file, PLAN).map((r) => ({
      unit: r.value.unit,
      shift: r.value.shift,
      ...(r.value.date ? { date: r.value.date.iso } : {}),
      at: r.at,
    })),
  };
}
