import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchemaDocument } from '../../src/config/json-schema.js';
import { scenarioJsonSchemaDocument } from '../../src/scenarios/json-schema.js';

const files = {
  'scenario.schema.json': scenarioJsonSchemaDocument,
  'golive.schema.json': configJsonSchemaDocument,
};

describe('published JSON Schemas', () => {
  for (const [name, build] of Object.entries(files)) {
    it(`keeps schemas/${name} current`, () => {
      const file = new URL(`../../schemas/${name}`, import.meta.url);
      const generated = `${JSON.stringify(build(), null, 2)}\n`;
      if (process.env['GOLIVE_UPDATE_SCHEMAS'] === '1') {
        // Regenerate with: GOLIVE_UPDATE_SCHEMAS=1 npx vitest run test/scenarios/schemas.test.ts
        writeFileSync(file, generated);
        return;
      }
      expect(readFileSync(file, 'utf8')).toBe(generated);
    });
  }

  it('describes every step kind and rejects unknown keys', () => {
    const doc = scenarioJsonSchemaDocument() as {
      properties: {
        steps: {
          items: {
            oneOf?: { properties: { type: { const: string } } }[];
            anyOf?: { properties: { type: { const: string } } }[];
          };
        };
      };
      additionalProperties: boolean;
    };
    const variants = doc.properties.steps.items.oneOf ?? doc.properties.steps.items.anyOf ?? [];
    expect(variants.map((v) => v.properties.type.const).sort()).toEqual([
      'audit',
      'control',
      'expect-fhir',
      'expect-message',
      'fhir',
      'manual',
      'send',
      'timing',
      'wait',
    ]);
    expect(doc.additionalProperties).toBe(false);
  });
});
