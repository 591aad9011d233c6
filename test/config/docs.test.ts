/**
 * docs/config.md is enough to write a working golive.yaml: each top-level key has a section that
 * names every key beneath it, and every YAML example on the page is valid for what it shows
 * (golive.yaml, a load profile, a storage declaration, an attestations or waivers file).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configJsonSchemaDocument } from '../../src/config/json-schema.js';
import { loadConfigText } from '../../src/config/index.js';
import { loadProfileText } from '../../src/load/profile.js';
import { storageDeclarationSchema } from '../../src/load/storage.js';
import { attestationsFileSchema, waiversFileSchema } from '../../src/runner/attestations.js';

const DOC = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
const SCHEMA = configJsonSchemaDocument() as { properties: Record<string, unknown> };

/** The text under the heading that names `key` in backticks, to the next heading as deep. */
function sectionOf(key: string): string | undefined {
  const lines = DOC.split('\n');
  const start = lines.findIndex((l) => /^#{2,3} /.test(l) && l.includes(`\`${key}\``));
  if (start < 0) return undefined;
  const depth = /^#+/.exec(lines[start]!)![0].length;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const m = /^(#+) /.exec(lines[i]!);
    if (m && m[1]!.length <= depth) {
      end = i;
      break;
    }
  }
  return lines.slice(start, end).join('\n');
}

/** Every property name beneath a schema node (not the free keys of a record). */
function keysBelow(node: unknown, out = new Set<string>()): Set<string> {
  if (!node || typeof node !== 'object') return out;
  const o = node as Record<string, unknown>;
  for (const [k, v] of Object.entries((o['properties'] ?? {}) as Record<string, unknown>)) {
    out.add(k);
    keysBelow(v, out);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'])
    for (const alt of (o[key] as unknown[] | undefined) ?? []) keysBelow(alt, out);
  keysBelow(o['items'], out);
  if (typeof o['additionalProperties'] === 'object') keysBelow(o['additionalProperties'], out);
  return out;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('docs/config.md', () => {
  it('has a section for every top-level key that names every key beneath it', () => {
    const missing: string[] = [];
    for (const [top, node] of Object.entries(SCHEMA.properties)) {
      const text = sectionOf(top);
      if (!text) {
        missing.push(`${top} (no section)`);
        continue;
      }
      for (const key of keysBelow(node))
        if (!new RegExp(`[\`.\\s{,(]${escape(key)}[\`:.,\\s}]`).test(text))
          missing.push(`${top}: ${key}`);
    }
    expect(missing).toEqual([]);
  });

  it('shows only valid examples, the complete minimal configuration among them', () => {
    const blocks = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const kinds: string[] = [];
    for (const text of blocks) {
      const data = parse(text) as Record<string, unknown>;
      const keys = Object.keys(data);
      if (keys.every((k) => k in SCHEMA.properties)) {
        expect(() => loadConfigText(text, 'docs/config.md', {}), text).not.toThrow();
        kinds.push(keys.includes('version') ? 'complete config' : 'config');
      } else if (keys.includes('executors')) {
        expect(() => loadProfileText(text, 'docs/config.md'), text).not.toThrow();
        kinds.push('load profile');
      } else if (keys.includes('interfaces')) {
        expect(storageDeclarationSchema.safeParse(data).error?.issues ?? [], text).toEqual([]);
        kinds.push('storage');
      } else if (keys[0] === 'attestations') {
        expect(attestationsFileSchema.safeParse(data).error?.issues ?? [], text).toEqual([]);
        kinds.push('attestations');
      } else if (keys[0] === 'waivers') {
        expect(waiversFileSchema.safeParse(data).error?.issues ?? [], text).toEqual([]);
        kinds.push('waivers');
      } else {
        throw new Error(`an example nobody checks:\n${text}`);
      }
    }
    for (const k of ['complete config', 'load profile', 'storage', 'attestations', 'waivers'])
      expect(kinds).toContain(k);
  });

  it('shows the error format golive prints', () => {
    const shown = /```text\n(error E_SCHEMA: golive\.yaml: 4 problems[\s\S]*?)```/.exec(DOC)?.[1];
    expect(shown).toBeDefined();
    const text = [
      'version: 1',
      'site:',
      '  name: St Example',
      '  criticalResultDeadline: 30 min',
      'targt:',
      '  mllp: { host: lis.test, port: 2575 }',
      'capture:',
      '  port: abc',
      'scenarios:',
      '  concurency: 8',
      '',
    ].join('\n');
    let printed = '';
    try {
      loadConfigText(text, 'golive.yaml', {});
    } catch (e) {
      printed = (e as { format(): string }).format();
    }
    expect(`${printed}\n`).toBe(shown);
  });
});
