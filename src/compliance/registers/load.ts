import { loadTable, noDuplicates, type TableRow } from '../../inputs/index.js';
import {
  CHANGES,
  DEVICES,
  VALIDATIONS,
  type ChangeRow,
  type DeviceRow,
  type ValidationRow,
} from './schema.js';

/** Load the device inventory (CSV or YAML). Throws UserError (exit 2) on bad input. */
export function loadDevices(file: string): TableRow<DeviceRow>[] {
  const rows = loadTable(file, DEVICES);
  noDuplicates(rows, (v) => v.device, 'device');
  return rows;
}

/**
 * Load the change register and validation records. Without a validations file every change
 * counts as unvalidated. Throws UserError (exit 2) on bad input.
 */
export function loadChanges(
  changesFile: string,
  validationsFile?: string,
): { changes: TableRow<ChangeRow>[]; validations: TableRow<ValidationRow>[] } {
  const changes = loadTable(changesFile, CHANGES);
  const validations = validationsFile ? loadTable(validationsFile, VALIDATIONS) : [];
  noDuplicates(changes, (v) => v.change, 'change');
  noDuplicates(validations, (v) => v.id, 'id');
  return { changes, validations };
}
