/** The published JSON Schema of load profiles matches the zod schema (regenerate: UPDATE_SCHEMAS=1). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { profileJsonSchemaDocument } from '../../src/load/profile-schema.js';

const file = fileURLToPath(new URL('../../schemas/load-profile.schema.json', import.meta.url));

it('schemas/load-profile.schema.json is current', () => {
  const text = `${JSON.stringify(profileJsonSchemaDocument(), null, 2)}\n`;
  if (process.env.UPDATE_SCHEMAS === '1' || !existsSync(file)) writeFileSync(file, text);
  expect(readFileSync(file, 'utf8')).toBe(text);
});
