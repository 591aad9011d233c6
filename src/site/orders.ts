/**
 * Orders (v2.5.1 chapter 4: ORM^O01, OML^O21; ORC-1 order control, table 0119) and the
 * specimens they carry (chapter 7 SPM). Results reuse `findOrder` and `ensureSpecimen`.
 */
import { orders as readOrders, parseDtm, type OrderInfo } from '../hl7/index.js';
import type { Identifier, Resource, ServiceRequest, Specimen } from '../fhir/index.js';
import { concept, dtmEpoch, fhirTime, priority } from './codes.js';
import { put, refuse, requirePatient, type FileCtx } from './context.js';
import { valueOf, type IdKind } from './profile.js';

/**
 * Resources of `type` carrying a number of one kind (placer, filler, accession): candidates by
 * value from the index, then the profile says which identifiers are that kind (by system in
 * `standard`, by v2-0203 type in `minimal`).
 */
export function byNumber<T extends Resource>(
  ctx: FileCtx,
  type: string,
  kind: IdKind,
  value: string,
): T[] {
  const rules = ctx.opts.rules;
  return ctx.store
    .byIdentifier<T>(type, undefined, value)
    .filter((r) =>
      [...((r.identifier as Identifier[] | undefined) ?? []), r.accessionIdentifier as Identifier]
        .filter(Boolean)
        .some((i) => i.value === value && rules.kindOf(i) === kind),
    );
}

export function findOrder(ctx: FileCtx, o: OrderInfo): ServiceRequest | undefined {
  const pick = (kind: IdKind, v: string | undefined) => {
    if (!v) return undefined;
    const all = byNumber<ServiceRequest>(ctx, 'ServiceRequest', kind, v);
    // reentry-duplicates can leave several: the newest one answers.
    return all.sort((a, b) => (a.meta!.lastUpdated! < b.meta!.lastUpdated! ? 1 : -1))[0];
  };
  return pick('PLAC', o.placer) ?? pick('FILL', o.filler);
}

/** The filler number of an order (the site assigns `F<placer>` when none was sent). */
export function fillerOf(ctx: FileCtx, sr: ServiceRequest): string | undefined {
  return valueOf(ctx.opts.rules, sr.identifier, 'FILL');
}

export function orderNumber(o: OrderInfo): string {
  return o.placer ?? o.filler ?? '?';
}

function details(ctx: FileCtx, sr: ServiceRequest, o: OrderInfo, index: number): void {
  if (o.service?.code) sr.code = concept(o.service);
  else if (!sr.code) refuse('101', `OBR[${index}]-4`, `required field OBR-4 is missing`);
  sr.priority = ctx.faults.has('stat-downgraded') ? 'routine' : priority(o.priority);
  const requester = ctx.msg.get(`ORC[${index}]-12.1`) ?? ctx.msg.get(`OBR[${index}]-16.1`);
  if (requester) sr.requester = { identifier: ctx.opts.rules.identifier('PRN', requester) };
  const when = ctx.msg.get(`ORC[${index}]-9.1`);
  const authored = when ? fhirTime(parseDtm(when), ctx.opts.localOffsetMinutes) : undefined;
  if (authored) sr.authoredOn = authored;
}

/** Find or create the Specimen of an order; relabel when SPM-2 names a new id (XO). */
export function ensureSpecimen(
  ctx: FileCtx,
  sr: ServiceRequest,
  o: OrderInfo,
  opts: { relabel?: boolean } = {},
): Specimen {
  const current = ctx.store.resolve<Specimen>(sr.specimen?.[0]?.reference);
  const filler = fillerOf(ctx, sr);
  const label = o.specimenId ?? current?.accessionIdentifier?.value ?? filler ?? o.placer!;
  const byLabel = byNumber<Specimen>(ctx, 'Specimen', 'ACSN', label)[0];
  const accession = () => ctx.opts.rules.identifier('ACSN', label);
  let sp: Specimen;
  if (byLabel) sp = ctx.store.clone(byLabel);
  else if (current && opts.relabel && !ctx.faults.has('relabel-orphan')) {
    // Relabel (docs/site.md): same resource, new accession, old id kept as 'old'.
    sp = ctx.store.clone(current);
    const old = sp.accessionIdentifier?.value;
    sp.identifier = (sp.identifier ?? []).map((i) =>
      i.value === old ? { ...i, use: 'old' as const } : i,
    );
    sp.identifier.push(accession());
    sp.accessionIdentifier = accession();
  } else if (current && !o.specimenId) sp = ctx.store.clone(current);
  else {
    sp = {
      resourceType: 'Specimen',
      id: ctx.opts.newId(),
      identifier: [accession()],
      accessionIdentifier: accession(),
      status: 'available',
    };
  }
  sp.subject = sr.subject;
  sp.request = [{ reference: `ServiceRequest/${sr.id}` }];
  const off = ctx.opts.localOffsetMinutes;
  const collected = fhirTime(o.collectedAt, off);
  const received = fhirTime(o.receivedAt, off);
  if (collected) sp.collection = { collectedDateTime: collected };
  if (received) sp.receivedTime = received;
  stability(ctx, sp, o);
  return put(ctx, sp);
}

/** Stability window: receipt later than collection by more than the window flags the specimen. */
function stability(ctx: FileCtx, sp: Specimen, o: OrderInfo): void {
  if (ctx.faults.has('stability-ignored')) return;
  const off = ctx.opts.localOffsetMinutes;
  const c =
    dtmEpoch(o.collectedAt, off) ??
    (sp.collection?.collectedDateTime ? Date.parse(sp.collection.collectedDateTime) : undefined);
  const r =
    dtmEpoch(o.receivedAt, off) ?? (sp.receivedTime ? Date.parse(sp.receivedTime) : undefined);
  if (c === undefined || r === undefined) return;
  const window = ctx.opts.stabilityWindows[o.service?.code ?? ''] ?? ctx.opts.stabilityWindowMs;
  if (r - c <= window) return;
  const text = `received after ${Math.round((r - c) / 60_000)} min, beyond the ${Math.round(window / 60_000)} min stability window`;
  sp.status = 'unsatisfactory';
  sp.condition = [{ text }];
  sp.note = [{ text: `Specimen ${sp.accessionIdentifier?.value}: ${text}` }];
  ctx.effects.warnings.push({
    code: '207',
    severity: 'W',
    location: 'SPM-2',
    message: `specimen ${sp.accessionIdentifier?.value} ${text}`,
  });
}

/** Placer (when sent) and filler number of a new order; `F<placer>` when no filler was sent. */
export function orderIdentifiers(ctx: FileCtx, o: OrderInfo): Identifier[] {
  const rules = ctx.opts.rules;
  return [
    ...(o.placer ? [rules.identifier('PLAC', o.placer)] : []),
    rules.identifier('FILL', o.filler ?? `F${o.placer}`),
  ];
}

function newOrder(ctx: FileCtx, o: OrderInfo, index: number): void {
  const patient = requirePatient(ctx);
  const existing = findOrder(ctx, o);
  if (existing && existing.status !== 'active')
    refuse('205', 'ORC-2', `order ${orderNumber(o)} already exists with status ${existing.status}`);
  const sr: ServiceRequest = existing
    ? ctx.store.clone(existing)
    : {
        resourceType: 'ServiceRequest',
        id: ctx.opts.newId(),
        identifier: orderIdentifiers(ctx, o),
        status: 'active',
        intent: 'order',
        subject: { reference: `Patient/${patient.id}` },
      };
  details(ctx, sr, o, index);
  const sp = ensureSpecimen(ctx, sr, o);
  sr.specimen = [{ reference: `Specimen/${sp.id}` }];
  put(ctx, sr);
}

function cancel(ctx: FileCtx, o: OrderInfo): void {
  const sr = findOrder(ctx, o);
  if (!sr) refuse('204', 'ORC-2', `unknown order ${orderNumber(o)}`);
  if (ctx.faults.has('cancel-ignored')) return;
  const c = ctx.store.clone(sr);
  c.status = 'revoked';
  put(ctx, c);
}

function change(ctx: FileCtx, o: OrderInfo, index: number): void {
  const sr = findOrder(ctx, o);
  if (!sr) refuse('204', 'ORC-2', `unknown order ${orderNumber(o)}`);
  if (sr.status === 'revoked')
    refuse('206', 'ORC-2', `order ${orderNumber(o)} was cancelled: it cannot be changed`);
  let c = ctx.store.clone(sr);
  if (ctx.faults.has('reentry-duplicates')) {
    // The defect: the change is filed as a new order; the original stays active.
    c = { ...c, id: ctx.opts.newId(), meta: {} };
  }
  details(ctx, c, o, index);
  const sp = ensureSpecimen(ctx, c, o, { relabel: true });
  c.specimen = [{ reference: `Specimen/${sp.id}` }];
  put(ctx, c);
}

export function fileOrders(ctx: FileCtx): void {
  const list = readOrders(ctx.msg);
  if (list.length === 0) refuse('101', 'ORC-1', 'required field ORC-1 is missing (no order)');
  list.forEach((o, i) => {
    const index = i + 1;
    if (!o.control) refuse('101', `ORC[${index}]-1`, `required field ORC-1 is missing`);
    if (!o.placer && !o.filler) refuse('101', `ORC[${index}]-2`, 'required field ORC-2 is missing');
    switch (o.control) {
      case 'NW':
        return newOrder(ctx, o, index);
      case 'CA':
      case 'OC':
      case 'DC':
        return cancel(ctx, o);
      case 'XO':
        return change(ctx, o, index);
      default:
        refuse(
          '103',
          `ORC[${index}]-1`,
          `order control ${o.control} is not supported (NW, CA, XO)`,
        );
    }
  });
}
