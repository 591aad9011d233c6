/**
 * Tabular inputs (accounts, registers, task records, rosters...) given either as CSV or as
 * YAML. The file extension decides: `.csv` is CSV with a header row; `.yaml`/`.yml` is either
 * a list of rows or a mapping with one key holding the list (`accounts: [...]`).
 * Both are validated in full before anything is returned: nothing is half-imported.
 */
import { extname } from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/index.js';
import type { Location } from '../core/index.js';
import { loadCsvFile } from './csv.js';
import { loadYamlText, parseYamlText, readTextFile } from './yaml.js';

export interface TableRow<T> {
  value: T;
  /** Where the row is, for findings: file, line and 1-based row. */
  at: Location;
}

export interface TableSpec<S extends z.ZodType> {
  /** The row schema (a strict zod object). */
  row: S;
  /** YAML key holding the list, e.g. `accounts`. */
  key: string;
  /** CSV columns that must be present. */
  required: readonly string[];
  /** Where the format is documented, shown in error hints. */
  docs: string;
}

export function loadTable<S extends z.ZodType>(
  file: string,
  spec: TableSpec<S>,
): TableRow<z.output<S>>[] {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') {
    return loadCsvFile(file, spec.row, { required: spec.required, docs: spec.docs }).map((r) => ({
      value: r.value,
      at: { file, line: r.line, row: r.row },
    }));
  }
  if (ext === '.yaml' || ext === '.yml') {
    const text = readTextFile(file);
    const { data } = parseYamlText(text, file);
    const rows = z.array(spec.row);
    const topList = Array.isArray(data);
    const schema = topList ? rows : z.strictObject({ [spec.key]: rows });
    const loaded = loadYamlText(text, file, schema);
    const list = (
      topList ? loaded.value : (loaded.value as Record<string, unknown>)[spec.key]
    ) as z.output<S>[];
    return list.map((value, i) => {
      const path = topList ? [i] : [spec.key, i];
      const pos = loaded.locate(path);
      return { value, at: { file, line: pos?.line, row: i + 1 } };
    });
  }
  throw new UserError('E_INPUT_FORMAT', `unsupported file type "${ext || '(none)'}"`, {
    location: { file },
    hint: `use .csv (columns: ${spec.required.join(', ')}) or .yaml with a "${spec.key}:" list; see ${spec.docs}`,
  });
}

/** Location of one cell of a row. */
export function cell(at: Location, column: string): Location {
  return { ...at, column };
}

/** Refuse duplicate keys (ids) in a table: bad input, nothing imported. */
export function noDuplicates<T>(rows: TableRow<T>[], key: (v: T) => string, column: string): void {
  const seen = new Map<string, number | undefined>();
  for (const r of rows) {
    const k = key(r.value);
    if (seen.has(k)) {
      throw new UserError(
        'E_INPUT_DUPLICATE',
        `duplicate ${column} "${k}" (first on row ${seen.get(k)})`,
        {
          location: cell(r.at, column),
          hint: 'each row needs a unique id; nothing from this file was imported',
        },
      );
    }
    seen.set(k, r.at.row);
  }
}
