/**
 * ADT (v2.5.1 chapter 3): A01 admit, A04 register, A08 update, A40 merge (MRG, 3.3.40),
 * A47 change patient identifier (3.3.47).
 */
import { patient as readPatient, priorIdentifiers, type PatientInfo } from '../hl7/index.js';
import type { Patient, Reference } from '../fhir/index.js';
import { lookupPatient, pidPatient, put, refuse, requirePatient, type FileCtx } from './context.js';
import { sameMrn } from './profile.js';

const MOVED_TYPES = [
  'ServiceRequest',
  'Specimen',
  'Observation',
  'DiagnosticReport',
  'Communication',
  'Procedure',
];

function demographics(p: Patient, info: PatientInfo): void {
  if (info.family || info.given) {
    p.name = [
      {
        ...(info.family ? { family: info.family } : {}),
        ...(info.given ? { given: [info.given] } : {}),
      },
    ];
  }
  const g = { M: 'male', F: 'female', O: 'other' }[info.sex ?? ''] as Patient['gender'];
  if (info.sex) p.gender = g ?? 'unknown';
  if (info.birthDate?.valid && info.birthDate.local)
    p.birthDate = info.birthDate.local.slice(0, 10);
  const a = info.address;
  if (a && (a.street || a.city || a.state || a.postalCode)) {
    p.address = [
      {
        ...(a.street ? { line: [a.street] } : {}),
        ...(a.city ? { city: a.city } : {}),
        ...(a.state ? { state: a.state } : {}),
        ...(a.postalCode ? { postalCode: a.postalCode } : {}),
      },
    ];
  }
}

function register(ctx: FileCtx): void {
  const info = readPatient(ctx.msg)!;
  const { patient } = pidPatient(ctx);
  const p: Patient = patient
    ? ctx.store.clone(patient)
    : {
        resourceType: 'Patient',
        identifier: info.identifiers.map((cx) => ctx.opts.rules.patientIdentifier(cx)),
        active: true,
      };
  demographics(p, info);
  const stored = put(ctx, p);
  ctx.store.setMeta('lastPatient', stored.id!);
}

function update(ctx: FileCtx): void {
  const patient = requirePatient(ctx);
  if (ctx.faults.has('correction-ignored')) return;
  const p = ctx.store.clone(patient);
  demographics(p, readPatient(ctx.msg)!);
  put(ctx, p);
}

function prior(ctx: FileCtx): Patient {
  const mrg = priorIdentifiers(ctx.msg);
  if (mrg.length === 0) refuse('101', 'MRG-1', 'required field MRG-1 is missing');
  const l = lookupPatient(ctx, mrg[0]!);
  if (l.kind === 'unknown') refuse('204', 'MRG-1', `unknown patient ${mrg[0]!.id} (MRG-1)`);
  if (l.kind === 'retired') refuse('204', 'MRG-1', l.why);
  return l.patient;
}

function merge(ctx: FileCtx): void {
  const survivor = requirePatient(ctx);
  const old = prior(ctx);
  if (old.id === survivor.id) refuse('205', 'MRG-1', 'MRG-1 and PID-3 name the same patient');
  if (ctx.faults.has('merge-not-applied')) return;
  const from = `Patient/${old.id}`;
  const to: Reference = { reference: `Patient/${survivor.id}` };
  for (const type of MOVED_TYPES) {
    for (const r of ctx.store.bySubject(type, from)) {
      const c = ctx.store.clone(r);
      c.subject = to;
      put(ctx, c);
    }
  }
  const o = ctx.store.clone(old);
  o.active = false;
  o.link = [{ other: to, type: 'replaced-by' }];
  put(ctx, o);
  const s = ctx.store.clone(survivor);
  s.link = [...(s.link ?? []), { other: { reference: from }, type: 'replaces' }];
  put(ctx, s);
}

function changeIdentifier(ctx: FileCtx): void {
  const info = readPatient(ctx.msg);
  const next = info?.identifiers[0];
  if (!next) refuse('101', 'PID-3', 'required field PID-3 is missing');
  const p = prior(ctx);
  const owner = lookupPatient(ctx, next);
  if (owner.kind !== 'unknown' && owner.patient.id !== p.id)
    refuse('205', 'PID-3', `MRN ${next.id} already belongs to another patient`);
  if (ctx.faults.has('correction-ignored')) return;
  const oldCx = priorIdentifiers(ctx.msg)[0]!;
  const c = ctx.store.clone(p);
  for (const i of c.identifier ?? []) if (sameMrn(ctx.opts.rules, i, oldCx)) i.use = 'old';
  c.identifier = [
    ...(c.identifier ?? []),
    { use: 'usual', ...ctx.opts.rules.patientIdentifier(next) },
  ];
  put(ctx, c);
  ctx.store.setMeta('lastPatient', c.id!);
}

export const ADT_TRIGGERS: Record<string, (ctx: FileCtx) => void> = {
  A01: register,
  A04: register,
  A08: update,
  A40: merge,
  A47: changeIdentifier,
};
