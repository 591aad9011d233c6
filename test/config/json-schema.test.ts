/**
 * schemas/golive.schema.json as an editor uses it: declared in the draft it is written in (so a
 * draft-07 validator such as the YAML language server's loads it), compiled by Ajv in strict
 * mode, accepting the example configurations and flagging mistakes at the right path while
 * the file is typed: `30 min` is not a duration, a misspelt key is not a key. Every property
 * carries a description, which an editor shows on hover.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/index.js';

const SCHEMA = JSON.parse(
  readFileSync(new URL('../../schemas/golive.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

function validator() {
  // strict: unknown keywords and ambiguous constructs are errors, as they are for an editor
  // that would otherwise silently ignore them.
  const ajv = new Ajv({ strict: true, allErrors: true });
  // format "uri" (RFC 3986, absolute) as editors check it; ajv leaves formats to a plugin.
  ajv.addFormat('uri', (s: string) => URL.canParse(s) && /^[a-z][a-z0-9+.-]*:/i.test(s));
  return ajv.compile(SCHEMA);
}

function errorsOf(yamlText: string): { path: string; keyword: string; key?: string }[] {
  const validate = validator();
  validate(parse(yamlText));
  return (validate.errors ?? []).map((e: ErrorObject) => ({
    path: e.instancePath,
    keyword: e.keyword,
    ...(e.keyword === 'additionalProperties'
      ? { key: (e.params as { additionalProperty: string }).additionalProperty }
      : {}),
  }));
}

describe('schemas/golive.schema.json', () => {
  it('declares the draft it is written in, and a draft-07 validator compiles it strictly', () => {
    expect(SCHEMA['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(() => validator()).not.toThrow();
  });

  it('accepts the example configurations', () => {
    for (const file of ['examples/golive.yaml', 'examples/golive-clean.yaml']) {
      const validate = validator();
      const ok = validate(parse(readFileSync(file, 'utf8')));
      expect(validate.errors ?? [], file).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('flags each mistake at its path', () => {
    expect(errorsOf('site:\n  criticalResultDeadline: 30 min\n')).toContainEqual({
      path: '/site/criticalResultDeadline',
      keyword: 'pattern',
    });
    expect(errorsOf('targt:\n  mllp: { host: x, port: 1 }\n')).toEqual([
      { path: '', keyword: 'additionalProperties', key: 'targt' },
    ]);
    expect(errorsOf('capture:\n  port: abc\n')).toEqual([
      { path: '/capture/port', keyword: 'type' },
    ]);
    expect(errorsOf('scenarios:\n  concurency: 8\n')).toEqual([
      { path: '/scenarios', keyword: 'additionalProperties', key: 'concurency' },
    ]);
    expect(
      errorsOf('target:\n  fhir:\n    baseUrl: http://x/fhir\n    timeout: -5\n'),
    ).toContainEqual({ path: '/target/fhir/timeout', keyword: 'minimum' });
  });

  it('takes a duration exactly when golive does', () => {
    const validate = validator();
    const samples = [
      '500ms',
      '10s',
      '2m',
      '1h30m',
      '90d',
      '1.5s',
      '500',
      '0',
      '30 min',
      '10 s',
      'soon',
      '',
      '1h 30m',
      '-5s',
      '5sec',
      'm',
    ];
    for (const d of samples) {
      const accepted = validate({ site: { criticalResultDeadline: d } });
      expect(accepted, JSON.stringify(d)).toBe(parseDuration(d) !== undefined);
    }
  });

  it('describes every property', () => {
    const missing: string[] = [];
    let total = 0;
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      for (const [k, v] of Object.entries((o['properties'] ?? {}) as Record<string, unknown>)) {
        total++;
        if (typeof (v as Record<string, unknown>)['description'] !== 'string')
          missing.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
      for (const key of ['anyOf', 'oneOf', 'allOf'])
        for (const alt of (o[key] as unknown[] | undefined) ?? []) walk(alt, path);
      walk(o['items'], `${path}[]`);
      if (typeof o['additionalProperties'] === 'object')
        walk(o['additionalProperties'], `${path}.*`);
    };
    walk(SCHEMA, '');
    expect(total).toBeGreaterThan(150);
    expect(missing).toEqual([]);
  });
});
