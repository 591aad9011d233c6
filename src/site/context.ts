/**
 * What a message handler works with while filing one message, and how it refuses.
 * A Refusal aborts the message: nothing it did is kept (the store rolls back).
 */
import type { AckError, Hl7Message, Identifier as Cx } from '../hl7/index.js';
import { patient as readPatient } from '../hl7/index.js';
import type { Patient, Resource } from '../fhir/index.js';
import type { FaultSet } from './faults.js';
import type { ResolvedOptions } from './options.js';
import type { Store } from './store.js';
import { sameMrn, type Mrn, type SiteProfile } from './profile.js';

export interface CriticalHit {
  patientId: string;
  orderId: string;
  observationIds: string[];
  /** The OBX segments as received (before mapping faults), encoded, for the notification. */
  obxSegments: string[];
  summary: string;
  provider?: { id?: string; name?: string };
}

export interface Effects {
  created: Set<string>;
  updated: Set<string>;
  warnings: AckError[];
  critical: CriticalHit[];
  /** Forward the (mapped) message downstream for this patient id. */
  forwardPatientId?: string;
}

export interface FileCtx {
  store: Store;
  /** The message after interface-mapping faults (what is filed). */
  msg: Hl7Message;
  /** The message as received (critical detection reads this). */
  original: Hl7Message;
  opts: ResolvedOptions;
  faults: FaultSet;
  now: number;
  effects: Effects;
  /** duplicate-filed: observations are inserted as new resources instead of updated. */
  forceInsert: boolean;
}

export class Refusal extends Error {
  constructor(
    readonly ack: 'AE' | 'AR',
    readonly error: AckError,
  ) {
    super(error.message);
  }
}

export function refuse(
  code: string,
  location: string,
  message: string,
  ack: 'AE' | 'AR' = 'AE',
): never {
  throw new Refusal(ack, { code, location, message });
}

export function put<T extends Resource>(ctx: FileCtx, r: T): T {
  const isNew = !r.id || !ctx.store.get(r.resourceType, r.id);
  const stored = ctx.store.put(r);
  const key = `${stored.resourceType}/${stored.id}`;
  if (isNew) ctx.effects.created.add(key);
  else if (!ctx.effects.created.has(key)) ctx.effects.updated.add(key);
  return stored;
}

export type Lookup =
  | { kind: 'found'; patient: Patient }
  | { kind: 'retired'; patient: Patient; why: string }
  | { kind: 'unknown' };

/** The current (not 'old') MRN of a patient, for messages and error texts. */
export function currentMrn(p: Patient, profile: SiteProfile): Mrn | undefined {
  for (const i of p.identifier ?? []) {
    if (i.use === 'old') continue;
    const m = profile.mrnOf(i);
    if (m) return m;
  }
  return undefined;
}

export function lookupPatient(ctx: FileCtx, cx: Cx): Lookup {
  const rules = ctx.opts.rules;
  const carries = (p: Patient) => p.identifier?.some((i) => sameMrn(rules, i, cx)) ?? false;
  // Candidates by value (any system), then the profile says which identifiers are this MRN.
  const found = ctx.store.byIdentifier<Patient>('Patient', undefined, cx.id).filter(carries);
  if (found.length === 0) return { kind: 'unknown' };
  // Prefer a live patient when the identifier is on several (an 'old' one after A47).
  const live = found.find(
    (p) =>
      p.active !== false && p.identifier?.some((i) => sameMrn(rules, i, cx) && i.use !== 'old'),
  );
  if (live) return { kind: 'found', patient: live };
  const p = found[0]!;
  const into = p.link?.find((l) => l.type === 'replaced-by')?.other.reference;
  if (p.active === false && into) {
    const survivor = ctx.store.resolve<Patient>(into);
    const mrn = survivor ? currentMrn(survivor, rules)?.value : undefined;
    return {
      kind: 'retired',
      patient: p,
      why: `MRN ${cx.id} was retired (merged into ${mrn ?? into})`,
    };
  }
  const now = currentMrn(p, rules)?.value;
  return {
    kind: 'retired',
    patient: p,
    why: `MRN ${cx.id} was retired (changed to ${now ?? '?'})`,
  };
}

/**
 * The patient PID-3 names. Refuses a missing PID-3 and a retired MRN; unknown is returned so
 * the caller decides (A01/A04 create, everything else refuses).
 */
export function pidPatient(ctx: FileCtx): { patient?: Patient; cx: Cx[] } {
  const cx = readPatient(ctx.msg)?.identifiers ?? [];
  if (cx.length === 0) refuse('101', 'PID-3', 'required field PID-3 is missing');
  for (const id of cx) {
    const l = lookupPatient(ctx, id);
    if (l.kind === 'retired') refuse('204', 'PID-3', l.why);
    if (l.kind === 'found') {
      ctx.store.setMeta('lastPatient', l.patient.id!);
      return { patient: l.patient, cx };
    }
  }
  return { cx };
}

export function requirePatient(ctx: FileCtx): Patient {
  const { patient, cx } = pidPatient(ctx);
  if (!patient) refuse('204', 'PID-3', `unknown patient ${cx[0]!.id}`);
  return patient;
}
