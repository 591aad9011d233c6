/**
 * The per-message view every rule reads: one scan of the parsed segments finds PID, EVN and the
 * order/observation groups, and each value is cut out of its raw field once, on first use, then
 * shared by all rules (the message is read once however many rules look at it).
 * Field numbers per v2.5.1: MSH (2.14.9), PID (3.4.2), ORC (4.5.1), OBR (4.5.3), OBX (7.4.2).
 */
import type { Hl7Message, Identifier } from '../hl7/index.js';
import { FieldReader, type Ts } from './fast-fields.js';

export interface MessageTypeParts {
  /** MSH-9.1, e.g. ORU ('' when absent) */
  code: string;
  /** MSH-9.2, e.g. R01 ('' when absent) */
  trigger: string;
}

/** PID demographics as the identity rules read them (decoded, first repetition). */
export interface Demographics {
  family?: string;
  given?: string;
  /** PID-7.1 as sent */
  birthDate?: string;
  sex?: string;
  street?: string;
  city?: string;
  state?: string;
  postalCode?: string;
}

/** Parsed timestamp memo: undefined until read, null when the field is empty. */
type TsMemo = Ts | null | undefined;

/** An order group: an ORC, and/or the OBR that follows it (an OBR alone opens a group too). */
export class Ord {
  readonly occurrence: number;
  /** 1-based occurrence of this group's OBR, when it has one. */
  obr: number | undefined = undefined;
  /** ORC-1 (table 0119) */
  control: string | undefined = undefined;
  /** ORC-2.1, else OBR-2.1 */
  placer: string | undefined = undefined;
  /** ORC-3.1, else OBR-3.1 */
  filler: string | undefined = undefined;
  /** ORC-5 (table 0038) */
  status: string | undefined = undefined;
  /** OBR-25 (table 0123) */
  resultStatus: string | undefined = undefined;
  /** OBR-7.1, OBR-14.1, OBR-22.1 as sent */
  collectedText: string | undefined = undefined;
  receivedText: string | undefined = undefined;
  reportedText: string | undefined = undefined;
  private _key: string | null | undefined = undefined;
  private _collected: TsMemo = undefined;
  private _received: TsMemo = undefined;
  private _reported: TsMemo = undefined;
  private readonly r: FieldReader;

  constructor(r: FieldReader, occurrence: number) {
    this.r = r;
    this.occurrence = occurrence;
  }

  /** Key of the order: filler number, else placer number (`F:...`, `P:...`). */
  get key(): string | undefined {
    if (this._key === undefined)
      this._key = this.filler ? `F:${this.filler}` : this.placer ? `P:${this.placer}` : null;
    return this._key ?? undefined;
  }

  get collectedAt(): Ts | undefined {
    return (this._collected ??= this.r.ts(this.collectedText)) ?? undefined;
  }
  get receivedAt(): Ts | undefined {
    return (this._received ??= this.r.ts(this.receivedText)) ?? undefined;
  }
  get reportedAt(): Ts | undefined {
    return (this._reported ??= this.r.ts(this.reportedText)) ?? undefined;
  }
}

// Shared empty arrays are plain (not frozen): a frozen array's different elements kind makes
// V8 give up its fast for-of over the arrays rules iterate (an allocation per step).
const NO_FLAGS: readonly string[] = [];

/** One OBX segment; values decoded from the first repetition unless said otherwise. */
export class Obs {
  /** 1-based occurrence of the OBX in the message (paths: OBX[n]-5). */
  readonly occurrence: number;
  /** Index into `orders` of the group the OBX belongs to. */
  readonly orderIndex: number | undefined;
  /** OBX-2 */
  readonly valueType: string | undefined;
  /** OBX-3.1, OBX-3.3 */
  readonly code: string | undefined;
  readonly codeSystem: string | undefined;
  /** OBX-4 */
  readonly subId: string | undefined;
  /** OBX-5, first repetition */
  readonly value: string | undefined;
  /** OBX-5 raw (encoded, every repetition); undefined when empty. */
  readonly valueRaw: string | undefined;
  /** OBX-6.1 exactly as sent (spaces kept); undefined when empty or `""` (HL7 null). */
  readonly unitRaw: string | undefined;
  /** unitRaw without surrounding spaces (undefined stays undefined). */
  readonly unit: string | undefined;
  /** OBX-7 */
  readonly referenceRange: string | undefined;
  /** OBX-11 (table 0085) */
  readonly status: string | undefined;
  /** OBX-14.1, OBX-19.1 as sent */
  readonly observedText: string | undefined;
  readonly analyzedText: string | undefined;
  private readonly f: readonly string[];
  private readonly r: FieldReader;
  private _flags: readonly string[] | undefined = undefined;
  private _codeKey: string | null | undefined = undefined;
  private _observed: TsMemo = undefined;
  private _analyzed: TsMemo = undefined;

  constructor(r: FieldReader, f: readonly string[], occurrence: number, orderIndex?: number) {
    this.r = r;
    this.f = f;
    this.occurrence = occurrence;
    this.orderIndex = orderIndex;
    this.valueType = r.field(f, 2);
    this.code = r.c(f, 3, 1);
    this.codeSystem = r.c(f, 3, 3);
    this.subId = r.field(f, 4);
    this.value = r.field(f, 5);
    const v = f[5];
    this.valueRaw = v === '' ? undefined : v;
    const u = r.c(f, 6, 1);
    this.unitRaw = u === '""' ? undefined : u;
    this.unit = this.unitRaw?.trim();
    this.referenceRange = r.field(f, 7);
    this.status = r.field(f, 11);
    this.observedText = r.c(f, 14, 1);
    this.analyzedText = r.c(f, 19, 1);
  }

  /** OBX-3.2 */
  get codeText(): string | undefined {
    return this.r.c(this.f, 3, 2);
  }

  /** OBX-6.1 decoded and trimmed, `""` kept (what a reader of OBX-6 sees as the unit code). */
  get unitCode(): string | undefined {
    return this.r.c(this.f, 6, 1)?.trim();
  }

  /** OBX-6.2 */
  get unitText(): string | undefined {
    return this.r.c(this.f, 6, 2);
  }

  /** OBX-6.3 */
  get unitSystem(): string | undefined {
    return this.r.c(this.f, 6, 3);
  }

  /** OBX-6.4 and OBX-6.6: the alternate unit code and its coding system (CE/CWE). */
  get unitAltCode(): string | undefined {
    return this.r.c(this.f, 6, 4);
  }
  get unitAltSystem(): string | undefined {
    return this.r.c(this.f, 6, 6);
  }

  /** OBX-8, first component of every repetition (CWE in v2.7+), empty ones left out. */
  get flags(): readonly string[] {
    if (this._flags === undefined) {
      const raw = this.f[8];
      this._flags = raw ? this.r.repsFirst(this.f, 8) : NO_FLAGS;
    }
    return this._flags;
  }

  /** `system|code` of OBX-3; undefined without a code. */
  get codeKey(): string | undefined {
    if (this._codeKey === undefined)
      this._codeKey = this.code ? `${this.codeSystem ?? ''}|${this.code}` : null;
    return this._codeKey ?? undefined;
  }

  /** `code (text)` for messages. */
  get label(): string {
    const text = this.codeText;
    return `${this.code}${text ? ` (${text})` : ''}`;
  }

  get observedAt(): Ts | undefined {
    return (this._observed ??= this.r.ts(this.observedText)) ?? undefined;
  }
  get analyzedAt(): Ts | undefined {
    return (this._analyzed ??= this.r.ts(this.analyzedText)) ?? undefined;
  }
}

const NONE: readonly never[] = [];
export class MessageView {
  readonly msg: Hl7Message;
  readonly r: FieldReader;
  /** MSH fields: MSH-n is msh[n - 1] (MSH-1 is the separator itself). */
  readonly msh: readonly string[];
  private scanned = false;
  private _pid: readonly string[] | undefined = undefined;
  private _evn: readonly string[] | undefined = undefined;
  private _orders: Ord[] = NONE as never;
  private _obs: Obs[] = NONE as never;
  private _type: MessageTypeParts | undefined = undefined;
  private _controlId: string | null | undefined = undefined;
  private _ids: Identifier[] | undefined = undefined;
  private _primary: Identifier | null | undefined = undefined;
  private _mrn: string | null | undefined = undefined;
  private _mshTime: TsMemo = undefined;
  private _evnTime: TsMemo = undefined;
  private _birth: TsMemo = undefined;

  constructor(msg: Hl7Message) {
    this.msg = msg;
    this.r = new FieldReader(msg);
    this.msh = msg.segments[0]!.fields;
  }

  /** MSH-9 */
  get type(): MessageTypeParts {
    return (this._type ??= {
      code: this.r.c(this.msh, 8, 1) ?? '',
      trigger: this.r.c(this.msh, 8, 2) ?? '',
    });
  }

  /** MSH-10 */
  get controlId(): string | undefined {
    if (this._controlId === undefined) this._controlId = this.r.field(this.msh, 9) ?? null;
    return this._controlId ?? undefined;
  }

  /** MSH-7.1 */
  get mshTime(): Ts | undefined {
    return (this._mshTime ??= this.r.ts(this.r.c(this.msh, 6, 1))) ?? undefined;
  }

  /** EVN-2.1 */
  get evnTime(): Ts | undefined {
    this.scan();
    return (this._evnTime ??= this.r.ts(this._evn && this.r.c(this._evn, 2, 1))) ?? undefined;
  }

  /** PID-7.1 */
  get birthDate(): Ts | undefined {
    this.scan();
    return (this._birth ??= this.r.ts(this._pid && this.r.c(this._pid, 7, 1))) ?? undefined;
  }

  /** Raw fields of the first PID segment. */
  get pid(): readonly string[] | undefined {
    this.scan();
    return this._pid;
  }

  /** PID-3 identifiers (every repetition with an id). */
  get identifiers(): Identifier[] {
    this.scan();
    return (this._ids ??= this._pid ? this.r.cx(this._pid, 3) : []);
  }

  /** The patient's primary identifier: the PID-3 repetition typed MR (table 0203), else the first. */
  get primaryId(): Identifier | undefined {
    if (this._primary === undefined) {
      const ids = this.identifiers;
      let p = ids[0];
      for (let i = 1; i < ids.length; i++)
        if (ids[i]!.type === 'MR' && p?.type !== 'MR') p = ids[i];
      this._primary = p ?? null;
    }
    return this._primary ?? undefined;
  }

  /** Key of the primary identifier, `id^authority`; undefined when the message has no PID-3. */
  get mrn(): string | undefined {
    if (this._mrn === undefined) {
      const primary = this.primaryId;
      this._mrn = primary ? identifierKey(primary) : null;
    }
    return this._mrn ?? undefined;
  }

  /** PID names, birth date, sex and address; undefined without a PID. */
  demographics(): Demographics | undefined {
    const f = this.pid;
    if (!f) return undefined;
    const r = this.r;
    return {
      family: r.c1(f, 5, 1),
      given: r.c(f, 5, 2),
      birthDate: r.c(f, 7, 1),
      sex: r.field(f, 8),
      street: r.c1(f, 11, 1),
      city: r.c(f, 11, 3),
      state: r.c(f, 11, 4),
      postalCode: r.c(f, 11, 5),
    };
  }

  /** Order groups (ORC and/or OBR), in message order. */
  get orders(): readonly Ord[] {
    this.scan();
    return this._orders;
  }

  /** OBX segments, in message order. */
  get observations(): readonly Obs[] {
    this.scan();
    return this._obs;
  }

  /** Key of an observation's order group (filler, else placer number). */
  orderKey(orderIndex: number | undefined): string | undefined {
    return orderIndex === undefined ? undefined : this._orders[orderIndex]?.key;
  }

  private scan(): void {
    if (this.scanned) return;
    this.scanned = true;
    const r = this.r;
    let orders: Ord[] | undefined;
    let obs: Obs[] | undefined;
    let current: Ord | undefined;
    let hasObr = false;
    let obr = 0;
    const segs = this.msg.segments;
    for (let i = 1; i < segs.length; i++) {
      const seg = segs[i]!;
      const f = seg.fields;
      switch (seg.id) {
        case 'PID':
          this._pid ??= f;
          break;
        case 'EVN':
          this._evn ??= f;
          break;
        case 'ORC':
          current = new Ord(r, (orders ??= []).length + 1);
          current.control = r.field(f, 1);
          current.placer = r.c(f, 2, 1);
          current.filler = r.c(f, 3, 1);
          current.status = r.field(f, 5);
          orders.push(current);
          hasObr = false;
          break;
        case 'OBR':
          obr++;
          if (!current || hasObr) {
            current = new Ord(r, (orders ??= []).length + 1);
            orders.push(current);
          }
          hasObr = true;
          current.obr = obr;
          current.placer ??= r.c(f, 2, 1);
          current.filler ??= r.c(f, 3, 1);
          current.collectedText = r.c(f, 7, 1);
          current.receivedText = r.c(f, 14, 1);
          current.reportedText = r.c(f, 22, 1);
          current.resultStatus = r.field(f, 25);
          break;
        case 'OBX': {
          const n = orders ? orders.length : 0;
          (obs ??= []).push(new Obs(r, f, obs.length + 1, n > 0 ? n - 1 : undefined));
          break;
        }
        default:
          break;
      }
    }
    if (orders) this._orders = orders;
    if (obs) this._obs = obs;
  }
}

export function identifierKey(id: Identifier): string {
  return `${id.id}^${id.authority ?? ''}`;
}

/** Segments that repeat in a message: their paths always carry the occurrence (`OBX[1]-6`). */
const REPEATING = new Set(['OBX', 'OBR', 'ORC', 'SPM', 'TQ1', 'NTE', 'NK1', 'AL1', 'DG1', 'IN1']);

/** `OBX[2]-6` style path for the nth occurrence of a segment. */
export function segPath(
  seg: string,
  occurrence: number,
  field: number,
  component?: number,
): string {
  const occ = REPEATING.has(seg) || occurrence > 1 ? `[${occurrence}]` : '';
  return `${seg}${occ}-${field}${component ? `.${component}` : ''}`;
}
