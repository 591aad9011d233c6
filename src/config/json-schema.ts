/**
 * JSON Schema of golive.yaml, generated from the zod schema and published as
 * schemas/golive.schema.json (a test keeps it current). Draft-07: the draft the YAML language
 * server and VS Code's JSON support implement fully, so `$schema` says what the document is.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

export function configJsonSchemaDocument(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { target: 'draft-07', io: 'input' }),
    $id: 'https://golive.dev/schemas/golive.schema.json',
  };
}
