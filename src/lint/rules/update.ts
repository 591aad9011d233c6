/**
 * update.*: corrections replace, cancellations leave nothing active, a late preliminary never
 * overwrites a final, and control ids identify one message (v2.5.1 2.10: MSH-10 is unique per
 * sender; a resend after a lost ACK carries the same id and content).
 * Result status per table 0085; order control per table 0119, order status per table 0038.
 * State: last status per observation, cancelled orders, content hash per control id (bounded).
 */
import { BoundedMap } from '../bounded-map.js';
import type { MessageRef, Rule, RuleContext } from '../types.js';
import { segPath } from '../view.js';
import type { ObservationInfo } from '../../hl7/index.js';

const FINAL = new Set(['F', 'C', 'U']);
const PRELIMINARY = new Set(['P', 'I', 'R', 'S', 'O']);
/** OBX-11 statuses that do not assert a value (deleted, withdrawn, cannot obtain, not asked). */
const NO_VALUE = new Set(['D', 'W', 'X', 'N']);
/** ORC-1 (table 0119) controls that cancel or discontinue an order. */
const CANCEL_CONTROL = new Set(['CA', 'OC', 'CR', 'DC', 'OD', 'DR']);
/** ORC-5 (table 0038) order statuses that say cancelled or discontinued. */
const CANCEL_STATUS = new Set(['CA', 'DC']);

/** Observation identity: patient, order, code and sub-id (OBX-4). */
function obsKey(ctx: RuleContext, o: ObservationInfo): string | undefined {
  const order = ctx.view.orderKey(o.orderIndex);
  if (!order || !o.code.code) return undefined;
  return `${ctx.view.mrn ?? ''}|${order}|${o.code.system ?? ''}|${o.code.code}|${o.subId ?? ''}`;
}

interface LastStatus {
  status: string;
  at: MessageRef;
}

const statusCache = new WeakMap<object, { o: ObservationInfo; prev?: LastStatus }[]>();

/** Track the status of each observation once per message; returns the previous status of each. */
function statuses(ctx: RuleContext): { o: ObservationInfo; prev?: LastStatus }[] {
  const hit = statusCache.get(ctx.view);
  if (hit) return hit;
  const last = ctx.state(
    'update.status',
    () => new BoundedMap<string, LastStatus>(ctx.facts.maxKeys),
  );
  const out: { o: ObservationInfo; prev?: LastStatus }[] = [];
  for (const o of ctx.view.observations) {
    const key = obsKey(ctx, o);
    if (!key || !o.status) continue;
    const prev = last.get(key);
    out.push({ o, prev });
    // A late preliminary must not replace the final we remember.
    if (!(prev && FINAL.has(prev.status) && PRELIMINARY.has(o.status)))
      last.set(key, { status: o.status, at: ctx.ref });
  }
  statusCache.set(ctx.view, out);
  return out;
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
    for (const { o, prev } of statuses(ctx)) {
      if (o.status !== 'C' || (prev && FINAL.has(prev.status))) continue;
      ctx.report({
        message: `corrected result (OBX-11 C) of ${o.code.code} with no earlier final result for it in the traffic${prev ? ` (last status ${prev.status})` : ''}`,
        path: segPath('OBX', o.occurrence, 11),
      });
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
    for (const { o, prev } of statuses(ctx)) {
      if (!prev || !FINAL.has(prev.status) || !PRELIMINARY.has(o.status!)) continue;
      ctx.report({
        message: `${o.code.code} goes from ${prev.status} (message #${prev.at.index} of ${prev.at.file}) back to ${o.status}`,
        path: segPath('OBX', o.occurrence, 11),
        detail: { from: prev.status, to: o.status, earlier: prev.at },
      });
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
    const cancelled = ctx.state(
      'update.cancelled',
      () => new BoundedMap<string, MessageRef>(ctx.facts.maxKeys),
    );
    const mrn = ctx.view.mrn ?? '';
    const { orders } = ctx.view;
    const keysOf = (i: number) => {
      const o = orders[i]!;
      return [o.placer && `${mrn}|P:${o.placer}`, o.filler && `${mrn}|F:${o.filler}`].filter(
        Boolean,
      ) as string[];
    };
    // Results first: a message that cancels and reports "X" in the same go is consistent.
    for (const o of ctx.view.observations) {
      if (o.orderIndex === undefined || NO_VALUE.has(o.status ?? '') || !o.valueRaw) continue;
      const at = keysOf(o.orderIndex)
        .map((k) => cancelled.get(k))
        .find(Boolean);
      if (!at) continue;
      ctx.report({
        message: `result ${o.code.code} for an order cancelled in message #${at.index} of ${at.file}`,
        path: segPath('OBX', o.occurrence, 5),
        detail: { cancelledIn: at },
      });
    }
    orders.forEach((o, i) => {
      const cancels =
        CANCEL_CONTROL.has(o.control ?? '') ||
        CANCEL_STATUS.has(o.status ?? '') ||
        o.resultStatus === 'X';
      if (cancels) for (const k of keysOf(i)) cancelled.set(k, ctx.ref);
    });
  },
};

/** FNV-1a over the text, skipping CR/LF so line-ending changes in transit do not count. */
function contentHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 || c === 10) continue;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return `${(h1 >>> 0).toString(36)}.${(h2 >>> 0).toString(36)}`;
}

interface Sent {
  hash: string;
  at: MessageRef;
}

const controlCache = new WeakMap<object, { prev?: Sent; hash: string }>();

function controlSeen(ctx: RuleContext): { prev?: Sent; hash: string } | undefined {
  const hit = controlCache.get(ctx.view);
  if (hit) return hit;
  const id = ctx.view.controlId;
  if (!id) return undefined;
  const seen = ctx.state('update.control', () => new BoundedMap<string, Sent>(ctx.facts.maxKeys));
  // MSH-10 is unique per sending application and facility (MSH-3, MSH-4).
  // MSH-n is fields[n - 1] of the MSH segment (MSH-1 is the separator itself).
  const msh = ctx.msg.segments[0]!.fields;
  const key = `${msh[2] ?? ''}|${msh[3] ?? ''}|${id}`;
  const hash = contentHash(ctx.text);
  const prev = seen.get(key);
  if (!prev) seen.set(key, { hash, at: ctx.ref });
  const out = { prev, hash };
  controlCache.set(ctx.view, out);
  return out;
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
    if (!s?.prev || s.prev.hash === s.hash) return;
    ctx.report({
      message: `MSH-10 "${ctx.view.controlId}" was used for different content in message #${s.prev.at.index} of ${s.prev.at.file}`,
      path: 'MSH-10',
      detail: { first: s.prev.at },
    });
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
    if (!s?.prev || s.prev.hash !== s.hash) return;
    ctx.report({
      message: `message resent: same MSH-10 "${ctx.view.controlId}" and content as message #${s.prev.at.index} of ${s.prev.at.file}`,
      path: 'MSH-10',
      detail: { first: s.prev.at },
    });
  },
};

export const UPDATE_RULES: Rule[] = [
  correctionWithoutFinal,
  statusRegression,
  resultAfterCancel,
  controlIdReused,
  duplicateMessage,
];
