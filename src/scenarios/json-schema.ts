/**
 * JSON Schema (draft 2020-12) of scenario files, generated from the zod schema and published
 * as schemas/scenario.schema.json (a test keeps it current). Editors use it for completion and
 * checks: add `# yaml-language-server: $schema=<path>/scenario.schema.json` to a file.
 */
import { z } from 'zod';
import { scenarioSchema } from './schema.js';

export function scenarioJsonSchemaDocument(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(scenarioSchema, { target: 'draft-2020-12', io: 'input' }),
    $id: 'https://golive.dev/schemas/scenario.schema.json',
  };
}
