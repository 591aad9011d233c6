/**
 * JSON Schema (draft 2020-12) of golive.yaml, generated from the zod schema and published as
 * schemas/golive.schema.json (a test keeps it current).
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

export function configJsonSchemaDocument(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { target: 'draft-2020-12', io: 'input' }),
    $id: 'https://golive.dev/schemas/golive.schema.json',
  };
}
