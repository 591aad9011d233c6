/**
 * time.*: timestamps mean one instant on both sides. DTM (v2.5.1 2.A.22) without an offset is
 * local time of an unknown zone; events must be causal (collected, received, resulted, sent);
 * the sender's clock must agree with the time it stamps on the message (MSH-7).
 */
import { diffMs, instantOf } from '../clock.js';
import type { Ts } from '../fast-fields.js';
import type { Rule, RuleContext } from '../types.js';
import { segPath, type MessageView } from '../view.js';

const SEGS = ['MSH', 'EVN', 'OBR', 'OBX'] as const;
const MSH = 0;
const EVN = 1;
const OBR = 2;
const OBX = 3;

/** Where a timestamp is, packed in a number (segment, occurrence, field): no object per stamp. */
const where = (seg: number, occurrence: number, field: number) =>
  seg * 0x10000000 + occurrence * 0x100 + field;
const pathAt = (w: number) =>
  segPath(SEGS[Math.floor(w / 0x10000000)]!, Math.floor(w / 0x100) % 0x100000, w % 0x100);
const MSH7 = where(MSH, 1, 7);

/** `OBR-7` for a packed place: the field without occurrence, made once per field (grouping). */
const FIELD_NAMES = new Map<number, string>();
function fieldAt(w: number): string {
  const k = Math.floor(w / 0x10000000) * 0x100 + (w % 0x100);
  let name = FIELD_NAMES.get(k);
  if (name === undefined)
    FIELD_NAMES.set(k, (name = `${SEGS[Math.floor(w / 0x10000000)]!}-${w % 0x100}`));
  return name;
}

/**
 * The valid event timestamps of the message being linted, in order, with where each is: the
 * first `n` entries. One set of arrays for the whole run, refilled per message (no allocation).
 */
interface Stamps {
  view?: MessageView;
  n: number;
  ts: Ts[];
  at: number[];
}

const STAMPS: Stamps = { n: 0, ts: [], at: [] };

function add(s: Stamps, t: Ts | undefined, w: number): void {
  if (!t?.valid) return;
  s.ts[s.n] = t;
  s.at[s.n++] = w;
}

/**
 * Every valid event timestamp, in order: MSH-7, EVN-2, OBR-7/14/22 of each order, OBX-14/19 of
 * each observation (invalid ones are structure.invalid-dtm). Once per message, for the rules
 * that look at them all.
 */
function stamps(view: MessageView): Stamps {
  const s = STAMPS;
  if (s.view === view) return s;
  s.view = view;
  s.n = 0;
  add(s, view.mshTime, MSH7);
  add(s, view.evnTime, where(EVN, 1, 2));
  for (const o of view.orders) {
    if (!o.obr) continue;
    add(s, o.collectedAt, where(OBR, o.obr, 7));
    add(s, o.receivedAt, where(OBR, o.obr, 14));
    add(s, o.reportedAt, where(OBR, o.obr, 22));
  }
  for (const o of view.observations) {
    add(s, o.observedAt, where(OBX, o.occurrence, 14));
    add(s, o.analyzedAt, where(OBX, o.occurrence, 19));
  }
  return s;
}

const valid = (t: Ts | undefined) => (t?.valid ? t : undefined);

/** Times with an hour or finer need a zone; a date alone (birth date) does not. */
const needsZone = (t: Ts) =>
  !t.hasZone && t.precision !== 'year' && t.precision !== 'month' && t.precision !== 'day';

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
    const { n, ts, at } = stamps(ctx.view);
    for (let i = 0; i < n; i++) {
      // One finding per message, grouped by its first zoneless field.
      if (needsZone(ts[i]!)) return zoneless(ctx, fieldAt(at[i]!));
    }
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
    const { n, ts, at } = stamps(ctx.view);
    for (let i = 0; i < n; i++) {
      const t = ts[i]!;
      const instant = instantOf(t, timeZone);
      const ahead =
        instant !== undefined ? instant - nowMs : (t.localMs ?? -Infinity) - MAX_OFFSET_MS - nowMs;
      if (ahead > toleranceSeconds * 1000) inFuture(ctx, t, at[i]!, ahead);
    }
  },
};

// Findings are described in functions of their own, outside the rules' loops: a closure made
// in a loop body (or a function called per stamp) makes V8 allocate its variables on every
// call, finding or not.

function zoneless(ctx: RuleContext, field: string): void {
  ctx.report(() => {
    const { n, ts, at } = stamps(ctx.view);
    const paths: string[] = [];
    for (let i = 0; i < n; i++) if (needsZone(ts[i]!)) paths.push(pathAt(at[i]!));
    return {
      message: `${paths.join(', ')} ha${paths.length > 1 ? 've' : 's'} no zone offset and no site.timeZone is configured`,
      path: paths[0],
      detail: { paths },
    };
  }, field);
}

function inFuture(ctx: RuleContext, t: Ts, w: number, ahead: number): void {
  ctx.report(
    () => ({
      message: `${pathAt(w)} "${t.text}" is ${duration(ahead)} in the future`,
      path: pathAt(w),
      detail: { nowMs: ctx.facts.nowMs },
    }),
    fieldAt(w),
  );
}

function outOfOrder(
  ctx: RuleContext,
  earlier: Ts,
  e: number,
  later: Ts,
  l: number,
  d: number,
  what: string,
): void {
  ctx.report(
    () => ({
      message: `${what}: ${pathAt(e)} ${earlier.text} is ${duration(d)} after ${pathAt(l)} ${later.text}`,
      // Point at the event time, not at MSH-7, when the event is after its message.
      path: pathAt(l === MSH7 ? e : l),
      detail: { earlier: pathAt(e), later: pathAt(l), seconds: Math.round(-d / 1000) },
    }),
    fieldAt(l === MSH7 ? e : l),
    what,
  );
}

function skewed(ctx: RuleContext, t: Ts, w: number, msh: Ts, ahead: number): void {
  ctx.report(
    () => ({
      message: `${pathAt(w)} ${t.text} is ${duration(ahead)} after MSH-7 ${msh.text} (threshold ${ctx.facts.skewThresholdSeconds} s)`,
      path: pathAt(w),
      detail: { seconds: Math.round(ahead / 1000) },
    }),
    fieldAt(w),
  );
}

/** `later` must not be before `earlier` (beyond tolerance and the coarser precision). */
function expect(
  ctx: RuleContext,
  earlier: Ts | undefined,
  e: number,
  later: Ts | undefined,
  l: number,
  what: string,
): void {
  if (!earlier || !later) return;
  const { toleranceSeconds, timeZone } = ctx.facts;
  const d = diffMs(earlier, later, timeZone);
  if (d === undefined) return;
  const slack = toleranceSeconds * 1000 + Math.max(earlier.precisionMs, later.precisionMs) - 1000;
  if (-d > slack) outOfOrder(ctx, earlier, e, later, l, d, what);
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
    const { view } = ctx;
    const msh = valid(view.mshTime);
    const result = RESULT_MESSAGES.has(view.type.code);
    for (const o of view.orders) {
      const obr = o.obr;
      if (!obr) continue;
      const collected = valid(o.collectedAt);
      const received = valid(o.receivedAt);
      const c = where(OBR, obr, 7);
      const r = where(OBR, obr, 14);
      expect(ctx, collected, c, received, r, 'specimen received before it was collected');
      expect(
        ctx,
        collected,
        c,
        valid(o.reportedAt),
        where(OBR, obr, 22),
        'result reported before collection',
      );
      if (result) {
        expect(ctx, collected, c, msh, MSH7, 'collection after the message was sent');
        expect(ctx, received, r, msh, MSH7, 'receipt after the message was sent');
      }
    }
    for (const o of view.observations) {
      const observed = valid(o.observedAt);
      if (!observed) continue;
      const w = where(OBX, o.occurrence, 14);
      const analyzed = valid(o.analyzedAt);
      expect(
        ctx,
        observed,
        w,
        analyzed,
        where(OBX, o.occurrence, 19),
        'analysed before it was observed',
      );
      expect(ctx, observed, w, msh, MSH7, 'observation after the message was sent');
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
    const msh = valid(ctx.view.mshTime);
    if (!msh) return;
    const limit = skewThresholdSeconds * 1000;
    const { n, ts, at } = stamps(ctx.view);
    // EVN-2 (recorded) or OBR-22 (status change) stamped after the message that reports it:
    // the sender's clocks disagree. Earlier is a delay (queue, batch), not skew.
    for (let i = 0; i < n; i++) {
      const w = at[i]!;
      const seg = Math.floor(w / 0x10000000);
      if (seg !== EVN && !(seg === OBR && w % 0x100 === 22)) continue;
      const t = ts[i]!;
      const ahead = diffMs(msh, t, timeZone);
      if (ahead !== undefined && ahead > limit + Math.max(t.precisionMs, msh.precisionMs) - 1000)
        skewed(ctx, t, w, msh, ahead);
    }
  },
};

export const TIME_RULES: Rule[] = [missingZone, future, impossibleOrder, clockSkew];
