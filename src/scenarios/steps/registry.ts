/**
 * The step kinds golive knows, keyed by `type`. Registration is explicit (no hidden globals):
 * `createRegistry` takes a list, and the scenario schema is built from it.
 */
import { sendStep } from './send.js';
import { expectMessageStep } from './expect-message.js';
import { expectFhirStep, fhirStep } from './fhir.js';
import { timingStep, waitStep } from './timing.js';
import { controlStep, manualStep } from './actions.js';
import { auditStep } from './audit.js';
import type { StepKind } from './types.js';

export type StepRegistry = ReadonlyMap<string, StepKind>;

export function createRegistry(kinds: StepKind[]): StepRegistry {
  const m = new Map<string, StepKind>();
  for (const k of kinds) {
    if (m.has(k.type)) throw new Error(`step kind "${k.type}" registered twice`);
    m.set(k.type, k);
  }
  return m;
}

export const BUILTIN_STEP_KINDS = [
  sendStep,
  expectMessageStep,
  fhirStep,
  expectFhirStep,
  waitStep,
  timingStep,
  controlStep,
  manualStep,
  auditStep,
] as unknown as StepKind[];

export const BUILTIN_REGISTRY: StepRegistry = createRegistry(BUILTIN_STEP_KINDS);
