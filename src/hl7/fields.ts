/**
 * Typed readers for the fields scenarios, lint and the reference site need
 * (v2.5.1 chapters 2 MSH, 3 PID/MRG, 4 ORC/OBR/TQ1, 7 OBX/SPM).
 */
import { parseDtm, type Dtm } from './dtm.js';
import type { Hl7Message, Segment } from './message.js';

export interface MessageType {
  /** MSH-9.1, e.g. ORU */
  code: string;
  /** MSH-9.2, e.g. R01 */
  trigger: string;
  /** MSH-9.3, e.g. ORU_R01 */
  structure: string;
}

export function messageType(msg: Hl7Message): MessageType {
  return {
    code: msg.get('MSH-9.1') ?? '',
    trigger: msg.get('MSH-9.2') ?? '',
    structure: msg.get('MSH-9.3') ?? '',
  };
}

export const controlId = (msg: Hl7Message): string | undefined => msg.get('MSH-10');
export const version = (msg: Hl7Message): string | undefined => msg.get('MSH-12.1');
export const messageTime = (msg: Hl7Message): Dtm | undefined => optDtm(msg.get('MSH-7.1'));

export interface Sender {
  application?: string;
  facility?: string;
}

export function sender(msg: Hl7Message): Sender {
  return { application: msg.get('MSH-3.1'), facility: msg.get('MSH-4.1') };
}

export function receiver(msg: Hl7Message): Sender {
  return { application: msg.get('MSH-5.1'), facility: msg.get('MSH-6.1') };
}

function optDtm(text: string | undefined): Dtm | undefined {
  return text ? parseDtm(text) : undefined;
}

/** A CX identifier (PID-3, MRG-1): id, assigning authority namespace, identifier type code. */
export interface Identifier {
  id: string;
  authority?: string;
  type?: string;
}

function readCx(
  msg: Hl7Message,
  seg: Segment,
  field: number,
  segName: string,
  occ: number,
): Identifier[] {
  const raw = msg.fieldRaw(seg, field);
  if (!raw) return [];
  const out: Identifier[] = [];
  const reps = raw.split(msg.delimiters.repetition).length;
  for (let r = 1; r <= reps; r++) {
    const base = `${segName}${occ > 1 ? `[${occ}]` : ''}-${field}[${r}]`;
    const id = msg.get(`${base}.1`);
    if (!id) continue;
    out.push({ id, authority: msg.get(`${base}.4.1`), type: msg.get(`${base}.5`) });
  }
  return out;
}

export interface PatientInfo {
  identifiers: Identifier[];
  family?: string;
  given?: string;
  /** PID-7 */
  birthDate?: Dtm;
  /** PID-8 (table 0001: F, M, O, U, A, N) */
  sex?: string;
  address?: { street?: string; city?: string; state?: string; postalCode?: string };
  /** PID-30 death indicator, PID-29 death time etc. are not read. */
}

export function patient(msg: Hl7Message): PatientInfo | undefined {
  const pid = msg.segment('PID');
  if (!pid) return undefined;
  const dob = msg.get('PID-7.1');
  return {
    identifiers: readCx(msg, pid, 3, 'PID', 1),
    family: msg.get('PID-5.1.1') ?? msg.get('PID-5.1'),
    given: msg.get('PID-5.2'),
    birthDate: dob ? parseDtm(dob) : undefined,
    sex: msg.get('PID-8'),
    address: {
      street: msg.get('PID-11.1.1') ?? msg.get('PID-11.1'),
      city: msg.get('PID-11.3'),
      state: msg.get('PID-11.4'),
      postalCode: msg.get('PID-11.5'),
    },
  };
}

/** MRG-1 prior patient identifiers (A40 merge, A47 identifier change). */
export function priorIdentifiers(msg: Hl7Message): Identifier[] {
  const mrg = msg.segment('MRG');
  return mrg ? readCx(msg, mrg, 1, 'MRG', 1) : [];
}

export interface OrderInfo {
  /** 1-based occurrence of the ORC (or OBR when there is no ORC). */
  occurrence: number;
  /** ORC-1 order control (table 0119: NW, CA, XO, OC, SC ...) */
  control?: string;
  /** ORC-2 / OBR-2 placer order number */
  placer?: string;
  /** ORC-3 / OBR-3 filler order number */
  filler?: string;
  /** ORC-5 order status */
  status?: string;
  /** OBR-4 universal service identifier */
  service?: { code?: string; text?: string; system?: string };
  /** TQ1-9 priority, else OBR-27.6 (legacy quantity/timing), else ORC-7.6 */
  priority?: string;
  /** OBR-7 observation (collection) time */
  collectedAt?: Dtm;
  /** OBR-14 specimen received time (deprecated in 2.5 but common) */
  receivedAt?: Dtm;
  /** OBR-22 results report/status change time */
  reportedAt?: Dtm;
  /** OBR-25 result status */
  resultStatus?: string;
  /** SPM-2 specimen id (first component), else OBR-20 filler field 1 is not used */
  specimenId?: string;
}

/**
 * Orders in message order. An ORC starts an order group; an OBR after it belongs to it.
 * An OBR with no preceding ORC of its own (common in ORU) makes a group too.
 */
export function orders(msg: Hl7Message): OrderInfo[] {
  const out: OrderInfo[] = [];
  let current: OrderInfo | undefined;
  let orc = 0;
  let obr = 0;
  let tq1 = 0;
  let spm = 0;
  let hasObrInCurrent = false;
  for (const seg of msg.segments) {
    if (seg.id === 'ORC') {
      orc++;
      current = {
        occurrence: out.length + 1,
        control: msg.get(`ORC[${orc}]-1`),
        placer: msg.get(`ORC[${orc}]-2.1`),
        filler: msg.get(`ORC[${orc}]-3.1`),
        status: msg.get(`ORC[${orc}]-5`),
        priority: msg.get(`ORC[${orc}]-7.6`),
      };
      hasObrInCurrent = false;
      out.push(current);
    } else if (seg.id === 'OBR') {
      obr++;
      if (!current || hasObrInCurrent) {
        current = { occurrence: out.length + 1 };
        out.push(current);
      }
      hasObrInCurrent = true;
      const o = `OBR[${obr}]`;
      current.placer ??= msg.get(`${o}-2.1`);
      current.filler ??= msg.get(`${o}-3.1`);
      current.service = {
        code: msg.get(`${o}-4.1`),
        text: msg.get(`${o}-4.2`),
        system: msg.get(`${o}-4.3`),
      };
      current.priority = msg.get(`${o}-27.6`) ?? current.priority;
      current.collectedAt = optDtm(msg.get(`${o}-7.1`));
      current.receivedAt = optDtm(msg.get(`${o}-14.1`));
      current.reportedAt = optDtm(msg.get(`${o}-22.1`));
      current.resultStatus = msg.get(`${o}-25`);
    } else if (seg.id === 'TQ1' && current) {
      tq1++;
      current.priority = msg.get(`TQ1[${tq1}]-9.1`) ?? current.priority;
    } else if (seg.id === 'SPM' && current) {
      spm++;
      current.specimenId ??= msg.get(`SPM[${spm}]-2.1.1`) ?? msg.get(`SPM[${spm}]-2.1`);
      current.collectedAt ??= optDtm(msg.get(`SPM[${spm}]-17.1.1`) ?? msg.get(`SPM[${spm}]-17.1`));
      current.receivedAt ??= optDtm(msg.get(`SPM[${spm}]-18.1`));
    }
  }
  return out;
}

export interface Coded {
  code?: string;
  text?: string;
  system?: string;
}

export interface ObservationInfo {
  /** 1-based occurrence of the OBX in the message (for paths: OBX[n]-5). */
  occurrence: number;
  /** Index (into orders()) of the order group the OBX belongs to, if any. */
  orderIndex?: number;
  setId?: string;
  /** OBX-2 value type (NM, ST, TX, CWE, SN ...) */
  valueType?: string;
  /** OBX-3 observation identifier */
  code: Coded;
  /** OBX-4 sub-id */
  subId?: string;
  /** OBX-5 first repetition, decoded */
  value?: string;
  /** OBX-5 raw encoded (for SN and coded types) */
  valueRaw?: string;
  /** OBX-6 units (CWE: code, text, system) */
  units: Coded;
  /** OBX-7 reference range as written */
  referenceRange?: string;
  /** OBX-8 abnormal flags (table 0078), every repetition */
  flags: string[];
  /** OBX-11 observation result status (table 0085: P, F, C, W, D, X, R, I ...) */
  status?: string;
  /** OBX-14 date/time of the observation */
  observedAt?: Dtm;
  /** OBX-19 date/time of the analysis */
  analyzedAt?: Dtm;
}

export function observations(msg: Hl7Message): ObservationInfo[] {
  const out: ObservationInfo[] = [];
  let orderIndex = -1;
  let obx = 0;
  let groupHasObr = false;
  for (const seg of msg.segments) {
    // Same grouping as orders(): an ORC opens a group; an OBR joins it unless it already has one.
    if (seg.id === 'ORC') {
      orderIndex++;
      groupHasObr = false;
      continue;
    }
    if (seg.id === 'OBR') {
      if (orderIndex < 0 || groupHasObr) orderIndex++;
      groupHasObr = true;
      continue;
    }
    if (seg.id !== 'OBX') continue;
    obx++;
    const o = `OBX[${obx}]`;
    out.push({
      occurrence: obx,
      orderIndex: orderIndex >= 0 ? orderIndex : undefined,
      setId: msg.get(`${o}-1`),
      valueType: msg.get(`${o}-2`),
      code: { code: msg.get(`${o}-3.1`), text: msg.get(`${o}-3.2`), system: msg.get(`${o}-3.3`) },
      subId: msg.get(`${o}-4`),
      value: msg.get(`${o}-5[1]`),
      valueRaw: msg.getRaw(`${o}-5`),
      units: { code: msg.get(`${o}-6.1`), text: msg.get(`${o}-6.2`), system: msg.get(`${o}-6.3`) },
      referenceRange: msg.get(`${o}-7`),
      flags: msg.getRepetitions(`${o}-8`).filter((f) => f !== ''),
      status: msg.get(`${o}-11`),
      observedAt: optDtm(msg.get(`${o}-14.1`)),
      analyzedAt: optDtm(msg.get(`${o}-19.1`)),
    });
  }
  return out;
}
