/**
 * time.*: timestamps mean one instant on both sides. DTM (v2.5.1 2.A.22) without an offset is
 * local time of an unknown zone; events must be causal (collected, received, resulted, sent);
 * the sender's clock must agree with the time it stamps on the message (MSH-7).
 */
import type { Dtm } from '../../hl7/index.js';
import { dtm } from '../fast-fields.js';
import { diffMs, instantOf, localMs, precisionMs } from '../clock.js';
import type { Rule, RuleContext } from '../types.js';
import { segPath } from '../view.js';

interface Stamp {
  path: string;
  dtm: Dtm;
}

const stampCache = new WeakMap<object, Stamp[]>();

/** Event timestamps of a message (valid ones only; invalid ones are structure.invalid-dtm). */
function stamps(ctx: RuleContext): Stamp[] {
  const hit = stampCache.get(ctx.view);
  if (hit) return hit;
  const { msg } = ctx;
  const out: Stamp[] = [];
  const add = (path: string, text: string | undefined) => {
    if (!text) return;
    const d = dtm(text);
    if (d.valid) out.push({ path, dtm: d });
  };
  add('MSH-7', msg.get('MSH-7.1'));
  add('EVN-2', msg.get('EVN-2.1'));
  for (const o of ctx.view.orders) {
    if (!o.obr) continue;
    add(segPath('OBR', o.obr, 7), o.collectedText);
    add(segPath('OBR', o.obr, 14), o.receivedText);
    add(segPath('OBR', o.obr, 22), o.reportedText);
  }
  for (const o of ctx.view.observations) {
    add(segPath('OBX', o.occurrence, 14), o.observedText);
    add(segPath('OBX', o.occurrence, 19), o.analyzedText);
  }
  stampCache.set(ctx.view, out);
  return out;
}

const missingZone: Rule = {
  id: 'time.missing-zone',
  family: 'time',
  domain: 'interop',
  severity: 'warning',
  rationale:
    "A time without an offset is read in the receiver's zone; across zones or DST it shifts.",
  action: "Send +/-ZZZZ offsets on timestamps, or declare the senders' zone in site.timeZone.",
  check(ctx) {
    if (ctx.facts.timeZone) return;
    // Times with an hour or finer need a zone; a date alone (birth date) does not.
    const zoneless = stamps(ctx).filter(
      (s) =>
        !s.dtm.hasZone &&
        s.dtm.precision !== 'year' &&
        s.dtm.precision !== 'month' &&
        s.dtm.precision !== 'day',
    );
    if (zoneless.length === 0) return;
    ctx.report({
      message: `${zoneless.map((s) => s.path).join(', ')} ha${zoneless.length > 1 ? 've' : 's'} no zone offset and no site.timeZone is configured`,
      path: zoneless[0]!.path,
      detail: { paths: zoneless.map((s) => s.path) },
    });
  },
};

/** Widest UTC offset in use (+14:00): a zoneless time is surely future only beyond it. */
const MAX_OFFSET_MS = 14 * 3_600_000;

/** "40 s", "12 min", "3.5 h", "410 days": readable at any size. */
export function duration(ms: number): string {
  const s = Math.abs(ms) / 1000;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.round(s / 86_400)} days`;
}

/** Result messages: their OBR-7/OBR-14 are past events. In orders (ORM, OML...) they may be planned. */
const RESULT_MESSAGES = new Set(['ORU', 'OUL']);

const future: Rule = {
  id: 'time.future',
  family: 'time',
  domain: 'interop',
  severity: 'error',
  rationale: 'An event time in the future is a clock or mapping error; it misorders the chart.',
  action: "Check the sender's clock and time zone handling (NTP, offset sign).",
  check(ctx) {
    const { nowMs, toleranceSeconds, timeZone } = ctx.facts;
    for (const s of stamps(ctx)) {
      const at = instantOf(s.dtm, timeZone);
      const ahead =
        at !== undefined ? at - nowMs : (localMs(s.dtm) ?? -Infinity) - MAX_OFFSET_MS - nowMs;
      if (ahead > toleranceSeconds * 1000) {
        ctx.report({
          message: `${s.path} "${s.dtm.text}" is ${duration(ahead)} in the future`,
          path: s.path,
          detail: { nowMs },
        });
      }
    }
  },
};

function find(list: Stamp[], path: string): Stamp | undefined {
  return list.find((s) => s.path === path);
}

const impossibleOrder: Rule = {
  id: 'time.impossible-order',
  family: 'time',
  domain: 'interop',
  severity: 'error',
  rationale:
    'Collection after receipt, a result before collection or an event after its own message mislead sequence-based checks (turnaround, delta checks).',
  action: 'Check which system stamps each time and that all use the same clock and zone.',
  check(ctx) {
    const { toleranceSeconds, timeZone } = ctx.facts;
    const list = stamps(ctx);
    // later must not be before earlier (beyond tolerance and the coarser precision).
    const expect = (earlier: Stamp | undefined, later: Stamp | undefined, what: string) => {
      if (!earlier || !later) return;
      const d = diffMs(earlier.dtm, later.dtm, timeZone);
      if (d === undefined) return;
      const slack =
        toleranceSeconds * 1000 + Math.max(precisionMs(earlier.dtm), precisionMs(later.dtm)) - 1000;
      if (-d > slack)
        ctx.report({
          message: `${what}: ${earlier.path} ${earlier.dtm.text} is ${duration(d)} after ${later.path} ${later.dtm.text}`,
          // Point at the event time, not at MSH-7, when the event is after its message.
          path: later.path === 'MSH-7' ? earlier.path : later.path,
          detail: { earlier: earlier.path, later: later.path, seconds: Math.round(-d / 1000) },
        });
    };
    const msh = find(list, 'MSH-7');
    for (const ord of ctx.view.orders) {
      const obr = ord.obr;
      if (!obr) continue;
      const collected = find(list, segPath('OBR', obr, 7));
      const received = find(list, segPath('OBR', obr, 14));
      expect(collected, received, 'specimen received before it was collected');
      expect(collected, find(list, segPath('OBR', obr, 22)), 'result reported before collection');
      if (RESULT_MESSAGES.has(ctx.view.type.code)) {
        expect(collected, msh, 'collection after the message was sent');
        expect(received, msh, 'receipt after the message was sent');
      }
    }
    for (const o of ctx.view.observations) {
      const analyzed = find(list, segPath('OBX', o.occurrence, 19));
      const observed = find(list, segPath('OBX', o.occurrence, 14));
      expect(observed, analyzed, 'analysed before it was observed');
      expect(observed, msh, 'observation after the message was sent');
    }
  },
};

const clockSkew: Rule = {
  id: 'time.clock-skew',
  family: 'time',
  domain: 'interop',
  severity: 'warning',
  rationale:
    "An event stamped after the message that reports it means the sender's clocks disagree.",
  action: 'Synchronise the clocks of the systems that stamp event and message times (NTP).',
  check(ctx) {
    const { skewThresholdSeconds, timeZone } = ctx.facts;
    const list = stamps(ctx);
    const msh = find(list, 'MSH-7');
    if (!msh) return;
    const limit = skewThresholdSeconds * 1000;
    // EVN-2 (recorded) or OBR-22 (status change) stamped after the message that reports it:
    // the sender's clocks disagree. Earlier is a delay (queue, batch), not skew.
    for (const s of list) {
      if (s.path !== 'EVN-2' && !/^OBR\[\d+\]-22$/.test(s.path)) continue;
      const ahead = diffMs(msh.dtm, s.dtm, timeZone);
      if (
        ahead !== undefined &&
        ahead > limit + Math.max(precisionMs(s.dtm), precisionMs(msh.dtm)) - 1000
      )
        ctx.report({
          message: `${s.path} ${s.dtm.text} is ${duration(ahead)} after MSH-7 ${msh.dtm.text} (threshold ${skewThresholdSeconds} s)`,
          path: s.path,
          detail: { seconds: Math.round(ahead / 1000) },
        });
    }
  },
};
export const TIME_RULES: Rule[] = [missingZone, future, impossibleOrder, clockSkew];
