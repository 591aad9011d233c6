/**
 * Results (ORU^R01, v2.5.1 chapter 7): one DiagnosticReport per OBR (in the profiles that file
 * them), one Observation per OBX key, with the clinical rules of docs/site.md (corrections
 * supersede, retractions leave nothing current, a late preliminary never overwrites a final,
 * cancelled orders refuse).
 */
import {
  observations,
  orders as readOrders,
  type ObservationInfo,
  type OrderInfo,
} from '../hl7/index.js';
import { normalizeDecimal } from '../fhir/index.js';
import type { DiagnosticReport, Observation, Patient, ServiceRequest } from '../fhir/index.js';
import {
  OBR_STATUS,
  OBX_STATUS,
  SETTLED,
  SYS,
  concept,
  fhirInstant,
  fhirTime,
  interpretation,
  obsValue,
  referenceRange,
} from './codes.js';
import { pidPatient, put, refuse, type CriticalHit, type FileCtx } from './context.js';
import {
  byNumber,
  ensureSpecimen,
  fillerOf,
  findOrder,
  orderIdentifiers,
  orderNumber,
} from './orders.js';

const CRITICAL_FLAGS = new Set(['HH', 'LL', 'AA']);

/** The filler number that keys an order's results (the resource id when it has none). */
const resultFiller = (ctx: FileCtx, sr: ServiceRequest): string => fillerOf(ctx, sr) ?? sr.id!;

/** The unknown-order defect: invent an order for whichever patient was touched last. */
function guessOrder(ctx: FileCtx, o: OrderInfo): ServiceRequest | undefined {
  const last = ctx.store.meta.get('lastPatient');
  const patient = last ? ctx.store.get<Patient>('Patient', last) : undefined;
  if (!patient) return undefined;
  return put(ctx, {
    resourceType: 'ServiceRequest',
    id: ctx.opts.newId(),
    identifier: orderIdentifiers(ctx, o),
    status: 'active',
    intent: 'order',
    subject: { reference: `Patient/${patient.id}` },
    ...(o.service?.code ? { code: concept(o.service) } : {}),
  } satisfies ServiceRequest);
}

function isCritical(ctx: FileCtx, x: ObservationInfo | undefined): boolean {
  if (!x) return false;
  if (x.flags.some((f) => CRITICAL_FLAGS.has(f))) return true;
  const range = ctx.opts.criticalRanges.find(
    (r) => r.code === x.code.code && (!r.system || r.system === x.code.system),
  );
  const n = range && x.value !== undefined ? normalizeDecimal(x.value) : undefined;
  if (!range || n === undefined) return false;
  const v = Number(n);
  return (range.low !== undefined && v < range.low) || (range.high !== undefined && v > range.high);
}

function fileObservation(
  ctx: FileCtx,
  x: ObservationInfo,
  sr: ServiceRequest,
  specimenId: string,
  o: OrderInfo,
): Observation | undefined {
  const where = `OBX[${x.occurrence}]`;
  if (!x.code.code) refuse('101', `${where}-3`, 'required field OBX-3 is missing');
  if (!x.status) refuse('101', `${where}-11`, 'required field OBX-11 is missing');
  const status = OBX_STATUS[x.status];
  if (!status)
    refuse('103', `${where}-11`, `unknown result status OBX-11 "${x.status}" (table 0085)`);
  const key = `${resultFiller(ctx, sr)}/${x.code.code}/${x.subId ?? ''}`;
  const rules = ctx.opts.rules;
  const existingId = ctx.forceInsert ? undefined : rules.findObservation(ctx.store, key);
  const existing = existingId ? ctx.store.get<Observation>('Observation', existingId) : undefined;
  if (existing) {
    if (
      status === 'preliminary' &&
      SETTLED.has(existing.status) &&
      !ctx.faults.has('late-prelim-overwrites-final')
    )
      return undefined;
    if (x.status === 'C' && ctx.faults.has('ignore-corrections')) return undefined;
    if (status === 'entered-in-error' && ctx.faults.has('retraction-ignored')) return undefined;
  }
  const identifier = rules.observationIdentifier(key);
  const obs: Observation = existing
    ? ctx.store.clone(existing)
    : {
        resourceType: 'Observation',
        id: ctx.opts.newId(),
        ...(identifier ? { identifier } : {}),
        status,
        category: [{ coding: [{ system: SYS.obsCategory, code: 'laboratory' }] }],
        code: concept(x.code),
      };
  obs.status = status;
  obs.code = concept(x.code);
  obs.subject = sr.subject;
  obs.basedOn = [{ reference: `ServiceRequest/${sr.id}` }];
  obs.specimen = { reference: `Specimen/${specimenId}` };
  const comps = (ctx.msg.getRaw(`${where}-5`) ?? '')
    .split(ctx.msg.delimiters.repetition)[0]!
    .split(ctx.msg.delimiters.component)
    .map((c) => ctx.msg.unescape(c));
  const v = obsValue(x.valueType, x.value, comps, x.units, ctx.opts.localOffsetMinutes);
  if (!v.ok) refuse(v.code, `${where}-5`, v.message);
  if (x.value !== undefined || status !== 'entered-in-error') {
    for (const k of [
      'valueQuantity',
      'valueString',
      'valueCodeableConcept',
      'valueRange',
      'valueRatio',
      'valueDateTime',
    ])
      delete obs[k];
    Object.assign(obs, v.value);
  }
  const rr = referenceRange(x.referenceRange, x.units, { text: rules.rangeText });
  if (rr) obs.referenceRange = rr;
  else delete obs.referenceRange;
  const interp = interpretation(x.flags);
  if (interp.length > 0) obs.interpretation = interp;
  else delete obs.interpretation;
  const eff = fhirTime(x.observedAt ?? o.collectedAt, ctx.opts.localOffsetMinutes);
  if (eff) obs.effectiveDateTime = eff;
  const issued = fhirInstant(x.analyzedAt);
  if (issued) obs.issued = issued;
  const stored = put(ctx, obs);
  if (!existing) rules.keyObservation(ctx.store, key, stored.id!);
  return stored;
}

function reportStatus(o: OrderInfo, current: Observation[], existing?: DiagnosticReport): string {
  let s = o.resultStatus ? OBR_STATUS[o.resultStatus] : undefined;
  if (!s) {
    if (current.length === 0) s = existing?.status ?? 'registered';
    else if (current.some((x) => x.status === 'corrected')) s = 'corrected';
    else if (current.every((x) => SETTLED.has(x.status))) s = 'final';
    else s = 'preliminary';
  }
  if (existing && SETTLED.has(existing.status) && (s === 'preliminary' || s === 'registered'))
    return existing.status;
  return s;
}

export function fileResults(ctx: FileCtx): void {
  const groups = readOrders(ctx.msg);
  if (groups.length === 0) refuse('101', 'OBR-2', 'required segment OBR is missing');
  const obxs = observations(ctx.msg);
  const originals = observations(ctx.original);
  const named = ctx.msg.segment('PID') ? pidPatient(ctx) : undefined;
  groups.forEach((o, gi) => {
    const where = `OBR[${gi + 1}]`;
    if (!o.placer && !o.filler) refuse('101', `${where}-2`, 'required field OBR-2 is missing');
    let sr = findOrder(ctx, o);
    let guessed = false;
    if (!sr && ctx.faults.has('wrong-patient-on-unknown-order')) {
      sr = guessOrder(ctx, o);
      guessed = true;
    }
    if (!sr) refuse('204', `${where}-2`, `unknown order ${orderNumber(o)}: result not filed`);
    if (sr.status === 'revoked')
      refuse('206', `${where}-2`, `order ${orderNumber(o)} was cancelled: result not filed`);
    const patientRef = sr.subject.reference!;
    if (named && !guessed && (!named.patient || `Patient/${named.patient.id}` !== patientRef))
      refuse('204', 'PID-3', `PID-3 ${named.cx[0]!.id} does not match the order's patient`);
    const specimen = ensureSpecimen(ctx, sr, o);
    const hit: CriticalHit = {
      patientId: patientRef.split('/')[1]!,
      orderId: sr.id!,
      observationIds: [],
      obxSegments: [],
      summary: '',
      provider: {
        id: ctx.msg.get(`${where}-16.1`) ?? ctx.msg.get(`ORC-12.1`),
        name:
          [ctx.msg.get(`${where}-16.3`), ctx.msg.get(`${where}-16.2`)].filter(Boolean).join(' ') ||
          undefined,
      },
    };
    const summaries: string[] = [];
    for (const x of obxs.filter((x) => x.orderIndex === gi)) {
      const filed = fileObservation(ctx, x, sr, specimen.id!, o);
      const orig = originals[x.occurrence - 1];
      if (filed && filed.status !== 'entered-in-error' && isCritical(ctx, orig)) {
        hit.observationIds.push(filed.id!);
        hit.obxSegments.push(ctx.original.all('OBX')[x.occurrence - 1]!.fields.join('|'));
        summaries.push(
          `${orig!.code.code} ${orig!.value ?? ''} ${orig!.units.code ?? ''} ${orig!.flags.join(',')}`
            .replace(/\s+/g, ' ')
            .trim(),
        );
      }
    }
    if (hit.observationIds.length > 0) {
      hit.summary = summaries.join('; ');
      ctx.effects.critical.push(hit);
    }
    fileReport(ctx, o, sr, specimen.id!);
    ctx.effects.forwardPatientId = hit.patientId;
  });
}

/** An order's current results (not entered-in-error), oldest first. */
function currentResults(ctx: FileCtx, srRef: string): Observation[] {
  return ctx.store
    .byBasedOn<Observation>('Observation', srRef)
    .filter((x) => x.status !== 'entered-in-error')
    .sort((a, b) => (a.meta!.lastUpdated! < b.meta!.lastUpdated! ? -1 : 1));
}

/** A final report completes its order (ServiceRequest.status, R4 request-status). */
function complete(ctx: FileCtx, sr: ServiceRequest, reportStatus: string): void {
  if (reportStatus !== 'final' || sr.status !== 'active') return;
  const c = ctx.store.clone(ctx.store.get<ServiceRequest>('ServiceRequest', sr.id!)!);
  c.status = 'completed';
  put(ctx, c);
}

/** Without DiagnosticReports (`minimal`) an order completes when its report would be final. */
function fileWithoutReport(ctx: FileCtx, o: OrderInfo, sr: ServiceRequest): void {
  complete(ctx, sr, reportStatus(o, currentResults(ctx, `ServiceRequest/${sr.id}`)));
}

function fileReport(ctx: FileCtx, o: OrderInfo, sr: ServiceRequest, specimenId: string): void {
  if (!ctx.opts.rules.diagnosticReport) return fileWithoutReport(ctx, o, sr);
  const filler = resultFiller(ctx, sr);
  const existing = ctx.forceInsert
    ? undefined
    : byNumber<DiagnosticReport>(ctx, 'DiagnosticReport', 'FILL', filler)[0];
  const srRef = `ServiceRequest/${sr.id}`;
  const current = currentResults(ctx, srRef);
  const dr: DiagnosticReport = existing
    ? ctx.store.clone(existing)
    : {
        resourceType: 'DiagnosticReport',
        id: ctx.opts.newId(),
        identifier: [{ system: SYS.filler, value: filler }],
        status: 'registered',
        category: [{ coding: [{ system: SYS.v2_0074, code: 'LAB' }] }],
        code: o.service?.code ? concept(o.service) : (sr.code ?? { text: 'laboratory report' }),
      };
  dr.status = reportStatus(o, current, existing);
  dr.subject = sr.subject;
  dr.basedOn = [{ reference: srRef }];
  dr.specimen = [{ reference: `Specimen/${specimenId}` }];
  dr.result = current.map((x) => ({ reference: `Observation/${x.id}` }));
  const eff = fhirTime(o.collectedAt, ctx.opts.localOffsetMinutes);
  if (eff) dr.effectiveDateTime = eff;
  const issued = fhirInstant(o.reportedAt);
  if (issued) dr.issued = issued;
  put(ctx, dr);
  complete(ctx, sr, dr.status);
}
