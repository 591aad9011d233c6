/**
 * HL7 v2 message templates with fresh identifiers. A template is ER7 text with `{{name}}`
 * placeholders, compiled once into literal and variable parts so rendering is a join.
 * Identifiers are synthetic and unique per run (a run prefix plus a counter), so repeated runs
 * against a site that keeps state never collide.
 */
import type { TemplateConfig } from './profile-schema.js';

/** Identifiers of one synthetic patient with one order. */
export interface Subject {
  mrn: string;
  visit: string;
  placer: string;
  filler: string;
  family: string;
  given: string;
  dob: string;
  sex: string;
}

export const PLACEHOLDERS = [
  'controlId',
  'now',
  'seq',
  'value',
  'mrn',
  'visit',
  'placer',
  'filler',
  'family',
  'given',
  'dob',
  'sex',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const MSH = 'MSH|^~\\&|GOLIVE|LOAD|SITE|HOSP|{{now}}||';
const PID = 'PID|1||{{mrn}}^^^HOSP^MR||{{family}}^{{given}}||{{dob}}|{{sex}}';
const PV1 = 'PV1|1|O|LAB^^^HOSP||||||||||||||||{{visit}}';
const ORDER = '{{placer}}^GOLIVE|{{filler}}^LAB';
const PANEL = '24323-8^Comprehensive metabolic panel^LN';
const ANALYTES = [
  ['2345-7', 'Glucose', 'mg/dL', '70-99'],
  ['2951-2', 'Sodium', 'mmol/L', '136-145'],
  ['2823-3', 'Potassium', 'mmol/L', '3.5-5.1'],
  ['2075-0', 'Chloride', 'mmol/L', '98-107'],
  ['2160-0', 'Creatinine', 'mg/dL', '0.7-1.3'],
  ['3094-0', 'Urea nitrogen', 'mg/dL', '7-20'],
  ['17861-6', 'Calcium', 'mg/dL', '8.6-10.3'],
  ['2885-2', 'Protein', 'g/dL', '6.0-8.3'],
] as const;

/** ER7 text of the built-in templates (segments joined with CR, HL7 v2.5.1 chapter 2.5). */
export function builtinText(name: string, observations = 5): string {
  switch (name) {
    case 'adt-a04':
      return [`${MSH}ADT^A04^ADT_A01|{{controlId}}|P|2.5.1`, 'EVN|A04|{{now}}', PID, PV1].join(
        '\r',
      );
    case 'adt-a08':
      return [`${MSH}ADT^A08^ADT_A01|{{controlId}}|P|2.5.1`, 'EVN|A08|{{now}}', PID, PV1].join(
        '\r',
      );
    case 'orm-o01':
      return [
        `${MSH}ORM^O01^ORM_O01|{{controlId}}|P|2.5.1`,
        PID,
        PV1,
        `ORC|NW|${ORDER}||||||{{now}}`,
        `OBR|1|${ORDER}|${PANEL}|||{{now}}`,
      ].join('\r');
    case 'oru-r01': {
      const obx = Array.from({ length: observations }, (_, i) => {
        const [code, label, unit, range] = ANALYTES[i % ANALYTES.length]!;
        // OBX-11 F (final), OBX-8 N (normal): a routine result, never a critical one.
        return `OBX|${i + 1}|NM|${code}^${label}^LN||{{value}}|${unit}|${range}|N|||F|||{{now}}`;
      });
      return [
        `${MSH}ORU^R01^ORU_R01|{{controlId}}|P|2.5.1`,
        PID,
        PV1,
        `ORC|RE|${ORDER}`,
        `OBR|1|${ORDER}|${PANEL}|||{{now}}|||||||{{now}}||||||||{{now}}|||F`,
        ...obx,
      ].join('\r');
    }
    default:
      throw new Error(`no built-in template ${name}`);
  }
}

export class TemplateError extends Error {}

export interface CompiledTemplate {
  name: string;
  /** Message type from MSH-9 (`ORU^R01`). */
  type: string;
  /** Uses a prepared subject (registered and ordered before the run). */
  prepared: boolean;
  parts: (string | Placeholder)[];
}

const TOKEN = /\{\{\s*([A-Za-z0-9-]+)\s*\}\}/g;

export function compileTemplate(name: string, cfg: TemplateConfig): CompiledTemplate {
  const raw =
    'builtin' in cfg
      ? builtinText(cfg.builtin, cfg.observations)
      : cfg.text.replace(/\r?\n/g, '\r');
  const text = raw.replace(/\r+$/, '');
  if (!text.startsWith('MSH')) throw new TemplateError('a template starts with an MSH segment');
  const parts: (string | Placeholder)[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const key = m[1]!;
    if (!(PLACEHOLDERS as readonly string[]).includes(key)) {
      throw new TemplateError(
        `unknown placeholder {{${key}}}; known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ')}`,
      );
    }
    parts.push(text.slice(last, m.index), key as Placeholder);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  if (!parts.includes('controlId')) {
    throw new TemplateError('MSH-10 must be {{controlId}}: every message needs a fresh control id');
  }
  const sep = text[3]!;
  const msh9 = text.split('\r')[0]!.split(sep)[8] ?? '';
  const type = msh9.split('^').slice(0, 2).join('^');
  const prepared =
    cfg.subject === 'prepared' ||
    (cfg.subject === undefined && 'builtin' in cfg && ['oru-r01', 'adt-a08'].includes(cfg.builtin));
  return { name, type, prepared, parts };
}

/** Makes fresh synthetic identifiers for one run. */
export class IdentifierSource {
  private n = 0;
  private ctl = 0;
  constructor(readonly prefix: string) {}

  subject(): Subject {
    const i = ++this.n;
    const id = `${this.prefix}${i.toString(36).toUpperCase().padStart(5, '0')}`;
    const dobYear = 1940 + (i % 70);
    return {
      mrn: `MR${id}`,
      visit: `V${id}`,
      placer: `P${id}`,
      filler: `F${id}`,
      family: 'Loadtest',
      given: `Subject${i}`,
      dob: `${dobYear}0${1 + (i % 9)}1${i % 10}`,
      sex: i % 2 ? 'F' : 'M',
    };
  }

  controlId(): string {
    return `${this.prefix}-${(++this.ctl).toString(36)}`;
  }

  render(t: CompiledTemplate, subject: Subject, seq: number, nowText: string): string {
    let s = '';
    for (let i = 0; i < t.parts.length; i++) {
      const p = t.parts[i]!;
      if (i % 2 === 0) s += p;
      else if (p === 'controlId') s += this.controlId();
      else if (p === 'now') s += nowText;
      else if (p === 'seq') s += String(seq);
      else if (p === 'value') s += String(50 + (seq % 50));
      else s += subject[p as keyof Subject];
    }
    return s;
  }
}

/**
 * Deterministic weighted choice (smooth weighted round robin): over any window the picks follow
 * the weights closely, and two runs of a profile send the same sequence.
 */
export class WeightedPicker<T> {
  private readonly current: number[];
  private readonly total: number;
  constructor(private readonly items: readonly { item: T; weight: number }[]) {
    this.current = items.map(() => 0);
    this.total = items.reduce((a, b) => a + b.weight, 0);
  }

  next(): T {
    let best = 0;
    for (let i = 0; i < this.items.length; i++) {
      this.current[i]! += this.items[i]!.weight;
      if (this.current[i]! > this.current[best]!) best = i;
    }
    this.current[best]! -= this.total;
    return this.items[best]!.item;
  }
}
