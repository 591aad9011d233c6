/**
 * CSV inputs (rosters, accounts, registers, task records) validated row by row against a zod
 * schema. The whole file is validated before anything is returned: nothing is half-imported.
 * Errors name file, line, 1-based data row and column, and what was expected.
 */
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { UserError } from '../core/index.js';
import { readTextFile } from './yaml.js';

export interface CsvOptions {
  /** Columns that must be present in the header. */
  required?: readonly string[];
  /** Delimiter; default ','. */
  delimiter?: string;
  /** Hint appended to errors, e.g. where the columns are documented. */
  docs?: string;
}

export interface CsvRow<T> {
  value: T;
  /** 1-based data row (header excluded). */
  row: number;
  /** 1-based line in the file where the row starts. */
  line: number;
}

/** Parse CSV text with a header row; empty cells become undefined before validation. */
export function parseCsvText<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  opts: CsvOptions = {},
): CsvRow<z.output<S>>[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      delimiter: opts.delimiter ?? ',',
      relax_column_count: false,
      skip_empty_lines: true,
      info: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as Error & { lines?: number; column?: number | string; code?: string };
    throw new UserError(
      'E_CSV_SYNTAX',
      err.message.replace(/^Invalid Record Length: /, 'wrong number of columns: '),
      {
        location: { file, line: err.lines },
        hint: 'check quoting and that every row has as many columns as the header',
      },
    );
  }
  const header = records[0]?.record;
  if (!header) {
    throw new UserError('E_CSV_EMPTY', 'the file has no header row', {
      location: { file, line: 1 },
      hint: opts.docs ?? 'the first row must name the columns',
    });
  }
  const missing = (opts.required ?? []).filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new UserError('E_CSV_COLUMNS', `missing column(s): ${missing.join(', ')}`, {
      location: { file, line: 1 },
      hint: opts.docs ?? `expected columns: ${(opts.required ?? []).join(', ')}`,
    });
  }
  const rows: CsvRow<z.output<S>>[] = [];
  for (let i = 1; i < records.length; i++) {
    const { record, info } = records[i]!;
    const obj: Record<string, string | undefined> = {};
    header.forEach((h, c) => {
      const cell = record[c];
      obj[h] = cell === undefined || cell === '' ? undefined : cell;
    });
    const parsed = schema.safeParse(obj);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const column = issue.path.length > 0 ? String(issue.path[0]) : undefined;
      const colIndex = column ? header.indexOf(column) + 1 : undefined;
      throw new UserError(
        'E_CSV_ROW',
        `${column ? `column "${column}": ` : ''}${issue.message}${column && obj[column] !== undefined ? ` (got "${obj[column]}")` : ''}`,
        {
          location: { file, line: info.lines, col: colIndex, row: i, column },
          hint: opts.docs ?? 'fix the value; nothing from this file was imported',
        },
      );
    }
    rows.push({ value: parsed.data, row: i, line: info.lines });
  }
  return rows;
}

export function loadCsvFile<S extends z.ZodType>(
  file: string,
  schema: S,
  opts: CsvOptions = {},
): CsvRow<z.output<S>>[] {
  return parseCsvText(readTextFile(file), file, schema, opts);
}
