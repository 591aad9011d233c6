/**
 * What golive did to the target, read back from the kept exchanges: each FHIR read, search,
 * create, update or delete, and each HL7 v2 message the target accepted (filed). These are the
 * actions the target's audit trail must account for (compliance.audit-trail).
 */
import type { Exchange } from '../../core/index.js';
import { parseAck } from '../../hl7/index.js';
import { Hl7Message } from '../../hl7/index.js';
import { parseHttp, requestIdentity, type HttpMessage } from './http.js';
import { FHIR_TYPE, identKeys, patientRef, refKey, searchKeys, typeKey } from './keys.js';

export type ActionKind =
  'read' | 'search' | 'create' | 'update' | 'delete' | 'operation' | 'message';

export const WRITE_KINDS: ReadonlySet<ActionKind> = new Set([
  'create',
  'update',
  'delete',
  'message',
]);

export interface AuditedAction {
  exchangeId: string;
  /** 0-based position in the exchange list (for locations). */
  index: number;
  kind: ActionKind;
  write: boolean;
  startedAt: string;
  startMs: number;
  /** Start plus duration: the target may record any time while it handled the request. */
  endMs: number;
  resourceType?: string;
  /** Keys naming the object itself: `ref:Observation/abc`, `ident:<MSH-10>`. */
  objects: string[];
  /** Weaker keys: the patient (`ref:Patient/123`, `ident:<MRN>`), the resource type. */
  context: string[];
  /**
   * Patients the action is about (`Patient/1`): from the URL, the query, the body, or the
   * resource a read returned. IHE BALP's Patient* patterns name each in a patient entity.
   */
  patients: string[];
  /** The target's host (`127.0.0.1:8080`) or MLLP peer: where the action took place. */
  target?: string;
  /** Identity presented (header, basic user, MSH-3), when known. */
  user?: string;
  /** What the target answered: success (2xx, AA/CA) or failure. */
  succeeded?: boolean;
  /** HTTP status or ACK code, for messages. */
  answer?: string;
  summary: string;
}

export interface SkippedExchange {
  exchangeId: string;
  reason: string;
}

/** Resource ids and patients found in a JSON body (subject/patient references, identifiers). */
function bodyKeys(body: string): { type?: string; id?: string; context: string[] } {
  try {
    const r = JSON.parse(body) as Record<string, unknown>;
    const context: string[] = [];
    for (const field of ['subject', 'patient']) {
      const ref = (r[field] as { reference?: unknown } | undefined)?.reference;
      const p = typeof ref === 'string' ? patientRef(ref) : undefined;
      if (p) context.push(refKey(p));
    }
    if (r.resourceType === 'Patient' && Array.isArray(r.identifier)) {
      for (const i of r.identifier as { value?: unknown }[])
        if (typeof i.value === 'string') context.push(...identKeys(i.value));
    }
    return {
      type: typeof r.resourceType === 'string' ? r.resourceType : undefined,
      id: typeof r.id === 'string' ? r.id : undefined,
      context,
    };
  } catch {
    return { context: [] };
  }
}

interface FhirPath {
  type: string;
  id?: string;
  /** Type searched inside a compartment (`Patient/1/Observation`). */
  compartment?: string;
  op?: string;
  search?: boolean;
}

const isId = (s: string | undefined) => s !== undefined && !FHIR_TYPE.test(s) && !/^[$_]/.test(s);

/**
 * The FHIR part of a URL path (R4 http.html): Type, Type/_search, Type/id, Type/id/_history[/v],
 * Type/id/Type2, [Type[/id]]/$op. Whatever precedes it is the server base, so the first
 * position where the rest has one of these shapes wins (`/fhir/R4/Patient/1`).
 */
function fhirPath(segs: string[]): FhirPath | undefined {
  for (let i = 0; i < segs.length; i++) {
    const [t, a, b, c, ...more] = segs.slice(i);
    if (!t || !FHIR_TYPE.test(t) || more.length > 0) continue;
    if (a === undefined) return { type: t };
    if (a === '_search' && b === undefined) return { type: t, search: true };
    if (a.startsWith('$') && b === undefined) return { type: t, op: a };
    if (!isId(a)) continue;
    if (b === undefined) return { type: t, id: a };
    if (b === '_history' && (c === undefined || isId(c))) return { type: t, id: a };
    if (c !== undefined) continue;
    if (FHIR_TYPE.test(b)) return { type: t, id: a, compartment: b };
    if (b.startsWith('$')) return { type: t, id: a, op: b };
  }
  return undefined;
}

/**
 * The criteria of a search: the URL's query, plus a form body for `POST [type]/_search`
 * (R4 http.html#search: both may carry parameters).
 */
function searchParams(req: HttpMessage): URLSearchParams {
  const params = new URLSearchParams(req.url!.searchParams);
  const type = req.headers.get('content-type') ?? '';
  if (req.method === 'POST' && type.startsWith('application/x-www-form-urlencoded'))
    for (const [k, v] of new URLSearchParams(req.body)) params.append(k, v);
  return params;
}

function fromHttp(x: Exchange, index: number): AuditedAction | SkippedExchange {
  const req = parseHttp(x.request, x.peer);
  if (!req.method || !req.url) return { exchangeId: x.id, reason: 'request line not readable' };
  const res = x.response !== undefined ? parseHttp(x.response) : undefined;
  const path = fhirPath(req.url.pathname.split('/').filter(Boolean).map(decodeURIComponent));
  if (!path || path.type === 'AuditEvent') {
    return {
      exchangeId: x.id,
      reason: !path ? 'not a FHIR resource request' : 'not a patient-data action (audit log read)',
    };
  }
  const m = req.method;
  const { type, id } = path;
  let kind: ActionKind;
  if (path.compartment)
    kind = 'search'; // Patient/1/Observation: a search in the patient compartment
  else if (path.op) kind = 'operation';
  else if (m === 'GET' || m === 'HEAD') kind = id ? 'read' : 'search';
  else if (m === 'POST') kind = path.search ? 'search' : 'create';
  else if (m === 'PUT' || m === 'PATCH') kind = 'update';
  else if (m === 'DELETE') kind = 'delete';
  else return { exchangeId: x.id, reason: `method ${m} not audited` };
  const resourceType = path.compartment ?? type;

  const objects: string[] = [];
  const context: string[] = [typeKey(resourceType)];
  if (kind === 'search') {
    // The object of a search is the query itself (R4 AuditEvent entity.query; IHE BALP).
    const s = searchKeys({
      type: resourceType,
      params: searchParams(req),
      ...(path.compartment ? { compartment: `${type}/${id}` } : {}),
    });
    if (s.query) objects.push(s.query);
    context.push(...s.context);
  } else {
    if (id) objects.push(refKey(`${type}/${id}`));
    if (type === 'Patient' && id) context.push(refKey(`Patient/${id}`));
  }
  const b = bodyKeys(req.body);
  context.push(...b.context);
  if (kind === 'create' && res) {
    // The new id comes back in Location (FHIR R4 http.html#create) or in the returned resource.
    const loc = res.headers.get('location') ?? res.headers.get('content-location');
    const created = loc
      ? /([A-Z][A-Za-z]+)\/([^/]+)(?:\/_history\/[^/]+)?\/?$/.exec(
          new URL(loc, 'http://x/').pathname,
        )
      : null;
    const rb = bodyKeys(res.body);
    if (created) objects.push(refKey(`${created[1]}/${created[2]}`));
    else if (rb.type && rb.id) objects.push(refKey(`${rb.type}/${rb.id}`));
    if (type === 'Patient' && created) context.push(refKey(`Patient/${created[2]}`));
  }
  const status = res?.status;
  // A read discloses the subject of what it returned (R4 compartment; IHE BALP PatientRead).
  const returned = kind === 'read' && res && status === 200 ? bodyKeys(res.body).context : [];
  const patients = [...context, ...returned]
    .filter((k) => k.startsWith('ref:Patient/'))
    .map((k) => k.slice(4));
  return {
    exchangeId: x.id,
    index,
    kind,
    write: WRITE_KINDS.has(kind),
    startedAt: x.startedAt,
    startMs: Date.parse(x.startedAt),
    endMs: Date.parse(x.startedAt) + Math.max(0, x.durationMs),
    resourceType,
    objects: [...new Set(objects)],
    context: [...new Set(context)],
    patients: [...new Set(patients)],
    target: req.url.host,
    user: requestIdentity(req.headers),
    succeeded: status === undefined ? undefined : status < 400,
    answer: status === undefined ? undefined : `HTTP ${status}`,
    summary: `${m} ${req.url.pathname}${req.url.search}`,
  };
}

function fromMllp(x: Exchange, index: number): AuditedAction | SkippedExchange {
  let msg: Hl7Message;
  try {
    msg = Hl7Message.parse(x.request);
  } catch {
    return { exchangeId: x.id, reason: 'message not readable as HL7 v2' };
  }
  if (x.response === undefined)
    return {
      exchangeId: x.id,
      reason: 'no acknowledgement: unknown whether the message was filed',
    };
  let code: string | undefined;
  try {
    code = parseAck(Hl7Message.parse(x.response)).code;
  } catch {
    code = undefined;
  }
  // Only an accepted message was filed (v2.5.1 2.9.2, MSA-1 AA/CA); a rejected one changed nothing.
  if (code !== 'AA' && code !== 'CA')
    return { exchangeId: x.id, reason: `not filed (acknowledgement ${code ?? 'unreadable'})` };
  const controlId = msg.get('MSH-10');
  const type = [msg.get('MSH-9.1'), msg.get('MSH-9.2')].filter(Boolean).join('^');
  const objects = controlId ? identKeys(controlId) : [];
  const context = msg
    .getRepetitions('PID-3')
    .flatMap((_, i) => identKeys(msg.get(`PID-3[${i + 1}].1`) ?? ''));
  return {
    exchangeId: x.id,
    index,
    kind: 'message',
    write: true,
    startedAt: x.startedAt,
    startMs: Date.parse(x.startedAt),
    endMs: Date.parse(x.startedAt) + Math.max(0, x.durationMs),
    objects,
    context: [...new Set(context)],
    // HL7 v2 names patients by CX identifier (PID-3), not by FHIR reference.
    patients: [],
    target: x.peer,
    user: msg.get('MSH-3.1') || undefined,
    succeeded: true,
    answer: code,
    summary: `${type || 'HL7'} MSH-10=${controlId ?? '?'}`,
  };
}

/**
 * Turn exchanges into auditable actions. Inbound exchanges (the target sending to golive) and
 * transport failures are skipped: golive performed no action on the target's data there.
 */
export function actionsFromExchanges(exchanges: readonly Exchange[]): {
  actions: AuditedAction[];
  skipped: SkippedExchange[];
} {
  const actions: AuditedAction[] = [];
  const skipped: SkippedExchange[] = [];
  exchanges.forEach((x, i) => {
    if (x.direction !== 'outbound') return;
    if (x.error)
      return void skipped.push({ exchangeId: x.id, reason: `transport failure: ${x.error}` });
    if (Number.isNaN(Date.parse(x.startedAt)))
      return void skipped.push({ exchangeId: x.id, reason: 'startedAt is not a date' });
    const r = x.protocol === 'http' ? fromHttp(x, i) : fromMllp(x, i);
    if ('kind' in r) actions.push(r);
    else skipped.push(r);
  });
  return { actions, skipped };
}
