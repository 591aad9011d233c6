/**
 * update.*: corrections replace, cancellations leave nothing active, a late preliminary never
 * overwrites a final, and control ids identify one message (v2.5.1 2.10: MSH-10 is unique per
 * sender; a resend after a lost ACK carries the same id and content).
 * Result status per table 0085; order control per table 0119, order status per table 0038.
 * State: last status per observation, cancelled orders, content hash per control id (bounded).
 */
import { detach } from '../fast-fields.js';
import { HashedMap, PartsHash } from '../hashed-map.js';
import { contentHash, SeenMessages, type SeenMessage } from '../seen-messages.js';
import type { SiteFacts } from '../config.js';
import type { MessageRef, Rule, RuleContext } from '../types.js';
import { segPath, type MessageView, type Obs, type Ord } from '../view.js';

const FINAL = new Set(['F', 'C', 'U']);
const PRELIMINARY = new Set(['P', 'I', 'R', 'S', 'O']);
/** OBX-11 statuses that do not assert a value (deleted, withdrawn, cannot obtain, not asked). */
const NO_VALUE = new Set(['D', 'W', 'X', 'N']);
/** ORC-1 (table 0119) controls that cancel or discontinue an order. */
const CANCEL_CONTROL = new Set(['CA', 'OC', 'CR', 'DC', 'OD', 'DR']);
/** ORC-5 (table 0038) order statuses that say cancelled or discontinued. */
const CANCEL_STATUS = new Set(['CA', 'DC']);

/**
 * Last status of each observation and where it was sent, in columns by slot of a HashedMap:
 * updated in place, and read without touching a per-observation object (such objects end up
 * scattered over the old generation, and reading them was most of this rule's cost).
 */
class StatusTable {
  readonly keys: HashedMap<null>;
  private status: string[] = [];
  private index = new Float64Array(64);
  private offset = new Float64Array(64);
  private fileId = new Int32Array(64);
  private controlId: (string | undefined)[] = [];
  private readonly files: string[] = [];
  private readonly fileIds = new Map<string, number>();

  constructor(max: number) {
    this.keys = new HashedMap<null>(max);
  }

  /** Entries forgotten at the bound (summed by the engine). */
  get evicted(): number {
    return this.keys.evicted;
  }

  statusOf(slot: number): string {
    return this.status[slot]!;
  }

  refOf(slot: number): MessageRef {
    return {
      file: this.files[this.fileId[slot]!]!,
      index: this.index[slot]!,
      offset: this.offset[slot]!,
      controlId: this.controlId[slot],
    };
  }

  /** Record a status for a slot (new or known). */
  write(slot: number, status: string, at: MessageRef): void {
    if (slot >= this.index.length) this.grow(slot);
    this.status[slot] = detach(status);
    this.index[slot] = at.index;
    this.offset[slot] = at.offset;
    let f = this.fileIds.get(at.file);
    if (f === undefined) this.fileIds.set(at.file, (f = this.files.push(at.file) - 1));
    this.fileId[slot] = f;
    this.controlId[slot] = at.controlId;
  }

  private grow(slot: number): void {
    const n = Math.max(slot + 1, this.index.length * 2);
    const index = new Float64Array(n);
    index.set(this.index);
    this.index = index;
    const offset = new Float64Array(n);
    offset.set(this.offset);
    this.offset = offset;
    const fileId = new Int32Array(n);
    fileId.set(this.fileId);
    this.fileId = fileId;
  }
}

const newStatusTable = (f: SiteFacts) => new StatusTable(f.maxKeys);
const newCancelled = (f: SiteFacts) => new HashedMap<MessageRef>(f.maxKeys);
const newSeen = (f: SiteFacts) => new SeenMessages(f.maxKeys);

/**
 * The message's observations with a status and the status each had before (with where it was
 * sent when that is a regression): the first `n` entries. One set of arrays for the run,
 * refilled per message (no allocation), shared by the two status rules.
 */
interface Statuses {
  view?: MessageView;
  n: number;
  obs: Obs[];
  status: string[];
  prev: (string | undefined)[];
  prevAt: (MessageRef | undefined)[];
}

const STATUSES: Statuses = { n: 0, obs: [], status: [], prev: [], prevAt: [] };
const KEY = new PartsHash();

function seenStatus(
  s: Statuses,
  o: Obs,
  status: string,
  prev: string | undefined,
  prevAt: MessageRef | undefined,
): void {
  s.obs[s.n] = o;
  s.status[s.n] = status;
  s.prev[s.n] = prev;
  s.prevAt[s.n++] = prevAt;
}

/** Track the status of each observation once per message; returns the previous status of each. */
function statuses(ctx: RuleContext): Statuses {
  const { view } = ctx;
  const out = STATUSES;
  if (out.view === view) return out;
  out.view = view;
  out.n = 0;
  let table: StatusTable | undefined;
  // Hash of patient + order, computed once per order group.
  let prefixOf = -1;
  let p1 = 0;
  let p2 = 0;
  const observations = view.observations;
  for (let i = 0; i < observations.length; i++) {
    const o = observations[i]!;
    const order = o.orderIndex === undefined ? undefined : view.orders[o.orderIndex];
    const status = o.status;
    if (!order?.key || !o.code || !status) continue;
    table ??= ctx.state('update.status', newStatusTable);
    // Observation identity: patient, order, code and sub-id (OBX-4).
    if (prefixOf !== o.orderIndex) {
      const id = view.primaryId;
      KEY.reset().add(id?.id).add(id?.authority);
      KEY.add(order.filler ? 'F' : 'P').add(order.filler || order.placer);
      prefixOf = o.orderIndex!;
      p1 = KEY.h1;
      p2 = KEY.h2;
    }
    KEY.from(p1, p2).add(o.codeSystem).add(o.code).add(o.subId);
    const slot = table.keys.find(KEY);
    if (slot < 0) {
      seenStatus(out, o, status, undefined, undefined);
      table.write(table.keys.add(KEY, null), status, ctx.ref);
      continue;
    }
    const prev = table.statusOf(slot);
    // A late preliminary must not replace the final we remember.
    const regression = FINAL.has(prev) && PRELIMINARY.has(status);
    // Where the earlier status was sent: needed only to report a regression.
    seenStatus(out, o, status, prev, regression ? table.refOf(slot) : undefined);
    if (regression) continue;
    table.write(slot, status, ctx.ref);
    table.keys.touch(slot); // a write refreshes the key (oldest-first eviction)
  }
  return out;
}

// Findings are described in functions of their own, outside the rules' loops: a closure made
// in a loop body makes V8 allocate that body's variables on every iteration, finding or not.
// Grouped by the field and keyed by the observation code (order numbers and control ids are
// per message: a baseline accepts the kind, e.g. "corrections of this test from this sender").

function correctionFinding(ctx: RuleContext, o: Obs, prev: string | undefined): void {
  ctx.report(
    () => ({
      message: `corrected result (OBX-11 C) of ${o.code} with no earlier final result for it in the traffic${prev ? ` (last status ${prev})` : ''}`,
      path: segPath('OBX', o.occurrence, 11),
    }),
    'OBX-11',
    o.code,
  );
}

function regressionFinding(
  ctx: RuleContext,
  o: Obs,
  status: string,
  prev: string,
  prevAt: MessageRef,
): void {
  ctx.report(
    () => ({
      message: `${o.code} goes from ${prev} (message #${prevAt.index} of ${prevAt.file}) back to ${status}`,
      path: segPath('OBX', o.occurrence, 11),
      detail: { from: prev, to: status, earlier: prevAt },
    }),
    'OBX-11',
    o.code,
  );
}

function cancelledFinding(ctx: RuleContext, o: Obs, at: MessageRef): void {
  ctx.report(
    () => ({
      message: `result ${o.code} for an order cancelled in message #${at.index} of ${at.file}`,
      path: segPath('OBX', o.occurrence, 5),
      detail: { cancelledIn: at },
    }),
    'OBX-5',
    o.code,
  );
}

const correctionWithoutFinal: Rule = {
  id: 'update.correction-without-final',
  family: 'update',
  domain: 'interop',
  severity: 'warning',
  rationale: 'A correction with no earlier final may not find the value it replaces, leaving both.',
  action:
    'Confirm the receiver matches corrections to the original (same order, code, sub-id) and replaces it.',
  check(ctx) {
    const s = statuses(ctx);
    for (let i = 0; i < s.n; i++) {
      const prev = s.prev[i];
      if (s.status[i] === 'C' && !(prev && FINAL.has(prev)))
        correctionFinding(ctx, s.obs[i]!, prev);
    }
  },
};

const statusRegression: Rule = {
  id: 'update.status-regression',
  family: 'update',
  domain: 'interop',
  severity: 'error',
  rationale: 'A preliminary arriving after the final can overwrite the final value on screen.',
  action:
    "Make the receiver ignore preliminary results for observations already final, and fix the sender's ordering.",
  check(ctx) {
    const s = statuses(ctx);
    for (let i = 0; i < s.n; i++) {
      const prev = s.prev[i];
      const prevAt = s.prevAt[i];
      if (prev && prevAt && FINAL.has(prev) && PRELIMINARY.has(s.status[i]!))
        regressionFinding(ctx, s.obs[i]!, s.status[i]!, prev, prevAt);
    }
  },
};

const resultAfterCancel: Rule = {
  id: 'update.result-after-cancel',
  family: 'update',
  domain: 'interop',
  severity: 'error',
  rationale: 'Results for a cancelled order are filed against an order clinicians think is gone.',
  action: 'Decide how results of cancelled orders are handled (reject or reinstate) and test it.',
  check(ctx) {
    const cancelled = ctx.state('update.cancelled', newCancelled);
    const { view } = ctx;
    const { orders } = view;
    if (orders.length === 0) return;
    const id = view.primaryId;
    // An order is patient + placer number (P) or filler number (F).
    const orderKey = (kind: string, number: string) =>
      KEY.reset().add(id?.id).add(id?.authority).add(kind).add(number);
    const cancelledAt = (o: Ord) =>
      (o.placer ? cancelled.get(orderKey('P', o.placer)) : undefined) ??
      (o.filler ? cancelled.get(orderKey('F', o.filler)) : undefined);
    // Results first: a message that cancels and reports "X" in the same go is consistent.
    if (cancelled.size > 0)
      for (const o of view.observations) {
        if (o.orderIndex === undefined || NO_VALUE.has(o.status ?? '') || !o.valueRaw) continue;
        const at = cancelledAt(orders[o.orderIndex]!);
        if (at) cancelledFinding(ctx, o, at);
      }
    for (const o of orders) {
      const cancels =
        CANCEL_CONTROL.has(o.control ?? '') ||
        CANCEL_STATUS.has(o.status ?? '') ||
        o.resultStatus === 'X';
      if (!cancels) continue;
      if (o.placer) cancelled.set(orderKey('P', o.placer), ctx.ref);
      if (o.filler) cancelled.set(orderKey('F', o.filler), ctx.ref);
    }
  },
};

/** The message being linted against the earlier one with its key (refilled per message). */
interface ControlSeen {
  view?: MessageView;
  prev?: SeenMessage;
  hash: number;
}

const CONTROL: ControlSeen = { hash: 0 };

function controlSeen(ctx: RuleContext): ControlSeen {
  const { view } = ctx;
  const c = CONTROL;
  if (c.view === view) return c;
  c.view = view;
  c.prev = undefined;
  const id = view.controlId;
  if (!id) return c;
  const seen = ctx.state('update.control', newSeen);
  // MSH-10 is unique per sending application and facility (MSH-3, MSH-4).
  const key = KEY.reset().add(view.msh[2]).add(view.msh[3]).add(id);
  c.hash = contentHash(ctx.text, ctx.bytes);
  c.prev = seen.get(key, ctx.ref.controlId);
  if (!c.prev) seen.add(key, c.hash, ctx.ref);
  return c;
}

function controlFinding(ctx: RuleContext, prev: SeenMessage, resent: boolean): void {
  ctx.report(
    () => ({
      message: resent
        ? `message resent: same MSH-10 "${ctx.view.controlId}" and content as message #${prev.at.index} of ${prev.at.file}`
        : `MSH-10 "${ctx.view.controlId}" was used for different content in message #${prev.at.index} of ${prev.at.file}`,
      path: 'MSH-10',
      detail: { first: prev.at },
    }),
    'MSH-10',
  );
}

const controlIdReused: Rule = {
  id: 'update.control-id-reused',
  family: 'update',
  domain: 'interop',
  severity: 'error',
  rationale:
    'A receiver that de-duplicates on MSH-10 silently drops a different message with a reused id.',
  action: 'Make the sender generate a unique MSH-10 per message (and keep it across resends).',
  check(ctx) {
    const s = controlSeen(ctx);
    if (s.prev && s.prev.hash !== s.hash) controlFinding(ctx, s.prev, false);
  },
};

const duplicateMessage: Rule = {
  id: 'update.duplicate-message',
  family: 'update',
  domain: 'interop',
  severity: 'info',
  rationale: 'Resends happen (lost ACKs); the receiver must file them once.',
  action: 'Confirm the receiver de-duplicates on MSH-10 (scenario: duplicate message).',
  check(ctx) {
    const s = controlSeen(ctx);
    if (s.prev && s.prev.hash === s.hash) controlFinding(ctx, s.prev, true);
  },
};

export const UPDATE_RULES: Rule[] = [
  correctionWithoutFinal,
  statusRegression,
  resultAfterCancel,
  controlIdReused,
  duplicateMessage,
];
