/**
 * Typed views of one message, computed on first use and shared by every rule, so the message is
 * read once however many rules look at it.
 */
import {
  controlId,
  messageType,
  type Dtm,
  type Hl7Message,
  type Identifier,
  type MessageType,
  type PatientInfo,
} from '../hl7/index.js';
import {
  dtm,
  readOrdersAndObservations,
  readPatient,
  type Obs,
  type Ord,
  type Parsed,
} from './fast-fields.js';

export class MessageView {
  private readonly msg: Hl7Message;
  private _type?: MessageType;
  private _time?: Dtm | null;
  private _patient?: PatientInfo | null;
  private _parsed?: Parsed;
  private _mrn?: string | null;

  constructor(msg: Hl7Message) {
    this.msg = msg;
  }

  get type(): MessageType {
    return (this._type ??= messageType(this.msg));
  }

  /** `ORU^R01` style. */
  get event(): string {
    return `${this.type.code}^${this.type.trigger}`;
  }

  get controlId(): string | undefined {
    return controlId(this.msg);
  }

  /** MSH-7 */
  get time(): Dtm | undefined {
    if (this._time === undefined) {
      const t = this.msg.get('MSH-7.1');
      this._time = t ? dtm(t) : null;
    }
    return this._time ?? undefined;
  }

  get patient(): PatientInfo | undefined {
    if (this._patient === undefined) this._patient = readPatient(this.msg) ?? null;
    return this._patient ?? undefined;
  }

  private get parsed(): Parsed {
    return (this._parsed ??= readOrdersAndObservations(this.msg));
  }

  /** Order groups (ORC and/or OBR), in message order. */
  get orders(): Ord[] {
    return this.parsed.orders;
  }

  /** OBX segments with their order group; flags are OBX-8 codes (first component: CWE in v2.7+). */
  get observations(): Obs[] {
    return this.parsed.observations;
  }

  /**
   * Key of the patient's primary identifier: the PID-3 repetition typed MR (table 0203),
   * else the first one; `id^authority`. Undefined when the message has no PID-3.
   */
  get mrn(): string | undefined {
    if (this._mrn === undefined) {
      const ids = this.patient?.identifiers ?? [];
      const primary = ids.find((i) => i.type === 'MR') ?? ids[0];
      this._mrn = primary ? identifierKey(primary) : null;
    }
    return this._mrn ?? undefined;
  }

  /** Key of an order group: filler number, else placer number (ORC-3/OBR-3, ORC-2/OBR-2). */
  orderKey(orderIndex: number | undefined): string | undefined {
    if (orderIndex === undefined) return undefined;
    const o = this.orders[orderIndex];
    if (!o) return undefined;
    if (o.filler) return `F:${o.filler}`;
    if (o.placer) return `P:${o.placer}`;
    return undefined;
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
