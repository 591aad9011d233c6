/**
 * Rosters for `golive identity match`: a CSV with a header row. Columns (any order, names
 * case-insensitive; unknown columns ignored; every column optional except an id):
 *   id | rec_id | mrn, given | given_name | first_name, family | surname | family_name | last_name,
 *   birth_date | date_of_birth | dob (YYYYMMDD or YYYY-MM-DD), sex | gender,
 *   street_number, street | address | address_1, locality | address_2, city | suburb,
 *   postcode | postal_code | zip, state, national_id | soc_sec_id | ssn, phone.
 * The FEBRL data sets use these names, so they load as they are.
 */
import { z } from 'zod';
import { UserError } from '../../core/index.js';
import { parseCsvText } from '../../inputs/index.js';
import { readTextFile } from '../../inputs/index.js';
import type { Person } from './person.js';

const ALIASES: Record<keyof Person, string[]> = {
  id: ['id', 'rec_id', 'mrn', 'record_id'],
  given: ['given', 'given_name', 'first_name'],
  family: ['family', 'surname', 'family_name', 'last_name'],
  birthDate: ['birth_date', 'date_of_birth', 'dob', 'birthdate'],
  sex: ['sex', 'gender'],
  streetNumber: ['street_number'],
  street: ['street', 'address', 'address_1'],
  locality: ['locality', 'address_2'],
  city: ['city', 'suburb', 'town'],
  postcode: ['postcode', 'postal_code', 'zip'],
  state: ['state'],
  nationalId: ['national_id', 'soc_sec_id', 'ssn'],
  phone: ['phone', 'phone_number'],
};

export const ROSTER_DOCS = 'roster columns are listed in docs/lint.md#identity-matching';

const RowSchema = z.record(z.string(), z.string().optional());

/** Read a roster CSV into people; rows without an id get `row-N`. */
export function loadRoster(file: string): Person[] {
  const text = readTextFile(file);
  const headerLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const header = headerLine.split(',').map((h) => h.trim());
  const lower = header.map((h) => h.toLowerCase());
  const column: Partial<Record<keyof Person, string>> = {};
  for (const [field, names] of Object.entries(ALIASES) as [keyof Person, string[]][]) {
    const i = lower.findIndex((h) => names.includes(h));
    if (i >= 0) column[field] = header[i];
  }
  if (!column.given && !column.family) {
    throw new UserError('E_ROSTER_COLUMNS', 'the roster has no name column', {
      location: { file, line: 1 },
      hint: ROSTER_DOCS,
    });
  }
  const rows = parseCsvText(text, file, RowSchema, { docs: ROSTER_DOCS });
  return rows.map(({ value, row }) => {
    const p: Person = { id: (column.id && value[column.id]) || `row-${row}` };
    for (const [field, col] of Object.entries(column) as [keyof Person, string][]) {
      if (field === 'id') continue;
      const v = value[col];
      if (v !== undefined) p[field] = v;
    }
    return p;
  });
}
