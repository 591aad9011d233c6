/**
 * Findings grouped the way an integration analyst reads a first run over an archive: by rule,
 * sender (MSH-3 sending application + MSH-4 sending facility, v2.5.1 2.14.9.3-4) and field
 * (`OBX-6`, no occurrence), with counts per normalised value (the unit, the status, the shape
 * of a bad timestamp), where the group was first and last seen and one finding's message.
 *
 * Hot path (decision 011): the engine updates a group for every finding, including those past
 * the listing cap whose message is never built. The rule hands over strings that already exist
 * (a constant field name, a value of the message view), the sender is a small integer interned
 * once per message, and a group and its value entries are allocated only the first time they
 * occur: in steady state a finding costs an array index, two Map lookups and three increments.
 * Sizes are bounded: at most MAX_SENDERS senders and MAX_VALUES_PER_GROUP values per group;
 * beyond them findings are counted under "other" (docs/lint.md#limits).
 */
import type { Severity } from '../core/index.js';
import { detach } from './fast-fields.js';
import type { FindingGroup, MessageRef, ValueCount } from './types.js';

export const MAX_SENDERS = 1000;
export const MAX_VALUES_PER_GROUP = 1000;

/** Who sent a message: MSH-3 and MSH-4 as sent (raw, components kept). */
export interface Sender {
  application: string;
  facility: string;
}

/** `APP/FACILITY` for reading. */
export function senderLabel(s: Sender): string {
  if (!s.application && !s.facility) return '(no MSH-3/MSH-4)';
  return s.facility ? `${s.application}/${s.facility}` : s.application;
}

/** Sender ids: 0 is "no sender" (bytes outside messages, unparseable messages). */
export class Senders {
  private readonly list: Sender[] = [{ application: '', facility: '' }];
  private readonly ids = new Map<string, Map<string, number>>();
  /** Id of the shared bucket once MAX_SENDERS distinct senders were seen. */
  private other = -1;

  constructor() {
    this.ids.set('', new Map([['', 0]]));
  }

  /** Id of a sender; strings looked up as they are, copied only when first kept. */
  id(application: string, facility: string): number {
    let byFacility = this.ids.get(application);
    const known = byFacility?.get(facility);
    if (known !== undefined) return known;
    if (this.list.length >= MAX_SENDERS) {
      if (this.other < 0) {
        this.other = this.list.length;
        this.list.push({ application: '(other senders)', facility: '' });
      }
      return this.other;
    }
    if (!byFacility) this.ids.set(detach(application), (byFacility = new Map()));
    const id = this.list.length;
    const s = { application: detach(application), facility: detach(facility) };
    this.list.push(s);
    byFacility.set(s.facility, id);
    return id;
  }

  get(id: number): Sender {
    return this.list[id] ?? this.list[0]!;
  }
}

export class Group {
  readonly rule: string;
  readonly severity: Severity;
  readonly action: string;
  readonly sender: number;
  readonly field: string;
  /** Findings reported (not in the baseline). */
  count = 0;
  /** Findings matched by the baseline (not reported). */
  suppressed = 0;
  /** Findings whose value was not kept (MAX_VALUES_PER_GROUP reached), reported or not. */
  otherValues = 0;
  first?: MessageRef;
  last?: MessageRef;
  /** The message of the first reported finding. */
  example?: string;
  readonly values = new Map<string, ValueCount>();

  constructor(rule: string, severity: Severity, action: string, sender: number, field: string) {
    this.rule = rule;
    this.severity = severity;
    this.action = action;
    this.sender = sender;
    this.field = field;
  }

  /** A value entry for a key seen for the first time; undefined when the group is full. */
  addValue(key: string, example: string | undefined, inBaseline: boolean): ValueCount | undefined {
    if (this.values.size >= MAX_VALUES_PER_GROUP) return undefined;
    const kept = detach(key);
    const v: ValueCount = { key: kept, count: 0, inBaseline };
    if (example !== undefined && example !== key) v.example = detach(example);
    this.values.set(kept, v);
    return v;
  }
}

export function toFindingGroup(
  g: Group,
  senders: Senders,
  note?: (key: string) => string | undefined,
): FindingGroup {
  const s = senders.get(g.sender);
  const values = [...g.values.values()].sort(
    (a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  if (note)
    for (const v of values) {
      const n = note(v.key);
      if (n !== undefined) v.note = n;
    }
  const out: FindingGroup = {
    rule: g.rule,
    severity: g.severity,
    action: g.action,
    sendingApplication: s.application,
    sendingFacility: s.facility,
    sender: senderLabel(s),
    field: g.field,
    count: g.count,
    suppressed: g.suppressed,
    values,
    otherValues: g.otherValues,
  };
  if (g.first) out.first = g.first;
  if (g.last) out.last = g.last;
  if (g.example !== undefined) out.example = g.example;
  return out;
}

/** Digit runs become one `9`, capped at 40 characters: the shape of a value, not the value. */
function shapeOf(text: string): string {
  const s = text.replace(/\d+/g, '9');
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

const shapes = new Map<string, string>();

/**
 * The shape of a value (`2020-05-01` -> `9-9-9`, `<15` -> `<9`): the key of findings about the
 * format of values that differ per message (timestamps, numbers), so one baseline entry covers
 * the format and no patient data lands in a baseline. Cached per distinct text (bounded).
 */
export function shape(text: string): string {
  const hit = shapes.get(text);
  if (hit !== undefined) return hit;
  if (shapes.size >= 10_000) shapes.clear();
  const s = shapeOf(text);
  shapes.set(detach(text), s);
  return s;
}
