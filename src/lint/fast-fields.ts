/**
 * Fast typed readers for lint: one pass over the parsed segments' raw fields, splitting
 * components only where needed and unescaping only values that contain the escape character.
 * Same shapes as the hl7 module's readers (fields.ts), which address every value by path and
 * rescan segments per read: fine for a few reads, too slow for every field of a 1 GB capture.
 * Field numbers per v2.5.1: PID (3.4.2), ORC (4.5.1), OBR (4.5.3), OBX (7.4.2), SPM (7.4.3).
 */
import {
  parseDtm,
  type Dtm,
  type Hl7Message,
  type ObservationInfo,
  type OrderInfo,
  type PatientInfo,
} from '../hl7/index.js';

const dtmCache = new Map<string, Dtm>();

/** parseDtm with a cache: captures repeat the same timestamps across segments and messages. */
export function dtm(text: string): Dtm {
  let d = dtmCache.get(text);
  if (!d) {
    if (dtmCache.size > 20_000) dtmCache.clear();
    d = parseDtm(text);
    dtmCache.set(text, d);
  }
  return d;
}

export interface Obs extends ObservationInfo {
  /** OBX-6.1 exactly as sent (spaces kept), decoded; undefined when empty or "". */
  unitRaw?: string;
  observedText?: string;
  analyzedText?: string;
}

export interface Ord extends OrderInfo {
  /** 1-based occurrence of this group's OBR, when it has one. */
  obr?: number;
  collectedText?: string;
  receivedText?: string;
  reportedText?: string;
}

export interface Parsed {
  orders: Ord[];
  observations: Obs[];
  /** OBR occurrences with their order index, for per-OBR checks. */
  obrCount: number;
}

class Reader {
  private readonly msg: Hl7Message;
  private readonly rep: string;
  private readonly comp: string;
  private readonly sub: string;
  private readonly esc: string;

  constructor(msg: Hl7Message) {
    this.msg = msg;
    const d = msg.delimiters;
    this.rep = d.repetition;
    this.comp = d.component;
    this.sub = d.subcomponent;
    this.esc = d.escape;
  }

  private dec(v: string | undefined): string | undefined {
    if (v === undefined || v === '') return undefined;
    return v.indexOf(this.esc) === -1 ? v : this.msg.unescape(v);
  }

  /** Raw first repetition of a field (non-MSH segments: fields[n] is field n). */
  firstRep(fields: string[], n: number): string | undefined {
    const raw = fields[n];
    if (raw === undefined || raw === '') return undefined;
    const i = raw.indexOf(this.rep);
    return i === -1 ? raw : raw.slice(0, i);
  }

  /** Decoded whole first repetition. */
  field(fields: string[], n: number): string | undefined {
    return this.dec(this.firstRep(fields, n));
  }

  /** Decoded component (and optional sub-component) of the first repetition. */
  c(fields: string[], n: number, comp: number, sub?: number): string | undefined {
    const rep = this.firstRep(fields, n);
    if (rep === undefined) return undefined;
    let v: string | undefined =
      rep.indexOf(this.comp) === -1
        ? comp === 1
          ? rep
          : undefined
        : rep.split(this.comp)[comp - 1];
    if (v !== undefined && sub !== undefined) v = v.split(this.sub)[sub - 1];
    return this.dec(v);
  }

  /** First component of every repetition. */
  repsFirst(fields: string[], n: number): string[] {
    const raw = fields[n];
    if (!raw) return [];
    const out: string[] = [];
    for (const r of raw.split(this.rep)) {
      const v = this.dec(r.split(this.comp)[0]);
      if (v) out.push(v);
    }
    return out;
  }

  /** Components 1, 4.1 and 5 of every repetition (CX). */
  cx(fields: string[], n: number): { id: string; authority?: string; type?: string }[] {
    const raw = fields[n];
    if (!raw) return [];
    const out: { id: string; authority?: string; type?: string }[] = [];
    for (const r of raw.split(this.rep)) {
      const parts = r.split(this.comp);
      const id = this.dec(parts[0]);
      if (!id) continue;
      out.push({ id, authority: this.dec(parts[3]?.split(this.sub)[0]), type: this.dec(parts[4]) });
    }
    return out;
  }
}

const opt = (t: string | undefined) => (t ? dtm(t) : undefined);

export function readPatient(msg: Hl7Message): PatientInfo | undefined {
  const pid = msg.segments.find((s) => s.id === 'PID');
  if (!pid) return undefined;
  const r = new Reader(msg);
  const f = pid.fields;
  return {
    identifiers: r.cx(f, 3),
    family: r.c(f, 5, 1, 1),
    given: r.c(f, 5, 2),
    birthDate: opt(r.c(f, 7, 1)),
    sex: r.field(f, 8),
    address: {
      street: r.c(f, 11, 1, 1),
      city: r.c(f, 11, 3),
      state: r.c(f, 11, 4),
      postalCode: r.c(f, 11, 5),
    },
  };
}

/** Orders and observations in one pass, grouped as hl7/fields.ts groups them. */
export function readOrdersAndObservations(msg: Hl7Message): Parsed {
  const r = new Reader(msg);
  const orders: Ord[] = [];
  const observations: Obs[] = [];
  let current: Ord | undefined;
  let hasObr = false;
  let obr = 0;
  let obx = 0;
  for (const seg of msg.segments) {
    const f = seg.fields;
    switch (seg.id) {
      case 'ORC':
        current = {
          occurrence: orders.length + 1,
          control: r.field(f, 1),
          placer: r.c(f, 2, 1),
          filler: r.c(f, 3, 1),
          status: r.field(f, 5),
          priority: r.c(f, 7, 6),
        };
        orders.push(current);
        hasObr = false;
        break;
      case 'OBR': {
        obr++;
        if (!current || hasObr) {
          current = { occurrence: orders.length + 1 };
          orders.push(current);
        }
        hasObr = true;
        current.obr = obr;
        current.placer ??= r.c(f, 2, 1);
        current.filler ??= r.c(f, 3, 1);
        current.service = { code: r.c(f, 4, 1), text: r.c(f, 4, 2), system: r.c(f, 4, 3) };
        current.priority = r.c(f, 27, 6) ?? current.priority;
        current.collectedText = r.c(f, 7, 1);
        current.receivedText = r.c(f, 14, 1);
        current.reportedText = r.c(f, 22, 1);
        current.collectedAt = opt(current.collectedText);
        current.receivedAt = opt(current.receivedText);
        current.reportedAt = opt(current.reportedText);
        current.resultStatus = r.field(f, 25);
        break;
      }
      case 'OBX': {
        obx++;
        const unitRaw = r.c(f, 6, 1);
        const observedText = r.c(f, 14, 1);
        const analyzedText = r.c(f, 19, 1);
        observations.push({
          occurrence: obx,
          orderIndex: orders.length > 0 ? orders.length - 1 : undefined,
          setId: r.field(f, 1),
          valueType: r.field(f, 2),
          code: { code: r.c(f, 3, 1), text: r.c(f, 3, 2), system: r.c(f, 3, 3) },
          subId: r.field(f, 4),
          value: r.field(f, 5),
          valueRaw: f[5] === '' ? undefined : f[5],
          units: { code: unitRaw?.trim(), text: r.c(f, 6, 2), system: r.c(f, 6, 3) },
          unitRaw: unitRaw === '""' ? undefined : unitRaw,
          referenceRange: r.field(f, 7),
          flags: r.repsFirst(f, 8),
          status: r.field(f, 11),
          observedText,
          analyzedText,
          observedAt: opt(observedText),
          analyzedAt: opt(analyzedText),
        });
        break;
      }
      default:
        break;
    }
  }
  return { orders, observations, obrCount: obr };
}
