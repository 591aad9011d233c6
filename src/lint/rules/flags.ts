/**
 * flags.*: abnormal flags (OBX-8, HL7 table 0078) agree with the value and the reference range
 * (OBX-7). A clinician trusts the flag: an out-of-range value shown as normal is missed.
 */
import { shape } from '../groups.js';
import { isEmptyRange, parseRange, placeOfValue, type Place } from '../range.js';
import type { Rule, RuleContext } from '../types.js';
import { segPath, type MessageView, type Obs } from '../view.js';

/** Table 0078 (v2.5.1 and the v2.7+ additions). */
const TABLE_0078 = new Set(
  'L H LL HH < > N A AA U D B W S R I MS VS NEG POS IND DET ND NR RR QCF TOX AC CAR EX LU HU'.split(
    ' ',
  ),
);
const LOW = new Set(['L', 'LL', 'LU', '<']);
const HIGH = new Set(['H', 'HH', 'HU', '>']);
const ABNORMAL = new Set([...LOW, ...HIGH, 'A', 'AA']);
/** Panic/critical flags of table 0078 (below/above the panic limits, critically abnormal). */
const CRITICAL = new Set(['LL', 'HH', 'AA']);

/**
 * The numeric observations of the message being linted that have a readable range, with where
 * the value falls: the first `n` entries. One set of arrays for the run, refilled per message.
 */
interface Judged {
  view?: MessageView;
  n: number;
  obs: Obs[];
  place: Place[];
}

const JUDGED: Judged = { n: 0, obs: [], place: [] };

function judged(view: MessageView): Judged {
  const j = JUDGED;
  if (j.view === view) return j;
  j.view = view;
  j.n = 0;
  const comp = view.r.comp;
  for (const o of view.observations) {
    const range = parseRange(o.referenceRange);
    if (!range) continue;
    const p = placeOfValue(o.valueType, o.value, o.valueRaw, comp, range);
    if (!p) continue;
    j.obs[j.n] = o;
    j.place[j.n++] = p;
  }
  return j;
}

function describe(o: Obs): string {
  const unit = o.unitCode;
  return `${o.code ?? '?'}${o.codeText ? ` (${o.codeText})` : ''} = ${o.value}${unit ? ` ${unit}` : ''} with range "${o.referenceRange}"`;
}

const flagsText = (o: Obs) => (o.flags.length ? o.flags.join('~') : 'none');

function some(flags: readonly string[], set: ReadonlySet<string>): boolean {
  for (let i = 0; i < flags.length; i++) if (set.has(flags[i]!)) return true;
  return false;
}

// Findings are described in functions of their own, outside the rules' loops: a closure made
// in a loop body makes V8 allocate that body's variables on every iteration, finding or not.
// Flag findings are grouped by OBX-8 and keyed by the observation code (OBX-3.1): a sender
// that flags one test wrongly does so for every result of it.
const OBX8 = 'OBX-8';

/** A flag finding on OBX-8: `flagged` picks the flags named in the message (all: flagsText). */
function flagFinding(
  ctx: RuleContext,
  o: Obs,
  place: Place,
  flagged: ReadonlySet<string> | undefined,
  withPlace: boolean,
): void {
  ctx.report(
    () => {
      const shown = flagged ? o.flags.filter((f) => flagged.has(f)).join('~') : flagsText(o);
      return {
        message: `${describe(o)} is ${place} the range but flagged ${shown}`,
        path: segPath('OBX', o.occurrence, 8),
        detail: withPlace ? { place, flags: [...o.flags] } : { flags: [...o.flags] },
      };
    },
    OBX8,
    o.code,
  );
}

function criticalFinding(ctx: RuleContext, o: Obs): void {
  ctx.report(
    () => {
      const c = o.flags.filter((f) => CRITICAL.has(f));
      return {
        message: `critical result ${o.code ?? '?'}${o.codeText ? ` (${o.codeText})` : ''} = ${o.value ?? ''} flagged ${c.join('~')}`,
        path: segPath('OBX', o.occurrence, 8),
        detail: { flags: c },
      };
    },
    OBX8,
    o.code,
  );
}

function unknownFlagFinding(ctx: RuleContext, o: Obs, f: string): void {
  ctx.report(
    () => ({
      message: `OBX-8 flag "${f}" is not in HL7 table 0078`,
      path: segPath('OBX', o.occurrence, 8),
    }),
    OBX8,
    f,
  );
}

function unreadable(ctx: RuleContext, o: Obs): void {
  const range = o.referenceRange ?? '';
  // Keyed by the range's shape (`70_105` -> `9_9`): one unreadable format, whatever the numbers.
  ctx.report(
    () => ({
      message: `OBX-7 reference range "${o.referenceRange}" is not in a numeric form`,
      path: segPath('OBX', o.occurrence, 7),
    }),
    'OBX-7',
    shape(range),
    range,
  );
}

const outOfRangeUnflagged: Rule = {
  id: 'flags.out-of-range-unflagged',
  family: 'flags',
  domain: 'interop',
  severity: 'error',
  rationale: 'A value outside its reference range shown as normal is easily missed.',
  action:
    'Have the sender compute OBX-8 from the range, or stop the receiver trusting an empty flag.',
  check(ctx) {
    const { n, obs, place } = judged(ctx.view);
    for (let i = 0; i < n; i++) {
      const p = place[i]!;
      if ((p === 'below' || p === 'above') && !some(obs[i]!.flags, ABNORMAL))
        flagFinding(ctx, obs[i]!, p, undefined, true);
    }
  },
};

const inRangeFlagged: Rule = {
  id: 'flags.in-range-flagged',
  family: 'flags',
  domain: 'interop',
  severity: 'warning',
  rationale: 'Abnormal flags on normal values train clinicians to ignore flags.',
  action: 'Check the range sent with the value matches the range the flag was computed from.',
  check(ctx) {
    const { n, obs, place } = judged(ctx.view);
    for (let i = 0; i < n; i++)
      if (place[i] === 'inside' && some(obs[i]!.flags, ABNORMAL))
        flagFinding(ctx, obs[i]!, 'inside', ABNORMAL, false);
  },
};

const directionMismatch: Rule = {
  id: 'flags.direction-mismatch',
  family: 'flags',
  domain: 'interop',
  severity: 'error',
  rationale: 'A low value flagged high (or the reverse) points the clinician the wrong way.',
  action: 'Fix the flag mapping (table 0078 L/H, LL/HH) at the sender.',
  check(ctx) {
    const { n, obs, place } = judged(ctx.view);
    for (let i = 0; i < n; i++) {
      const p = place[i]!;
      const opposite = p === 'below' ? HIGH : p === 'above' ? LOW : undefined;
      if (opposite && some(obs[i]!.flags, opposite)) flagFinding(ctx, obs[i]!, p, opposite, true);
    }
  },
};

const critical: Rule = {
  id: 'flags.critical',
  family: 'flags',
  domain: 'interop',
  severity: 'info',
  rationale: 'Critical results need a tracked notification path, not only a flag on screen.',
  action:
    'Confirm each critical result in the sample reached the escalation target (workflow.critical-escalation).',
  check(ctx) {
    for (const o of ctx.view.observations) {
      if (some(o.flags, CRITICAL)) criticalFinding(ctx, o);
    }
  },
};

const unknownFlag: Rule = {
  id: 'flags.unknown-flag',
  family: 'flags',
  domain: 'interop',
  severity: 'warning',
  rationale: 'A flag outside HL7 table 0078 is shown verbatim or dropped by the receiver.',
  action: 'Map abnormal flags to HL7 table 0078 codes.',
  check(ctx) {
    for (const o of ctx.view.observations) {
      for (const f of o.flags) if (!TABLE_0078.has(f)) unknownFlagFinding(ctx, o, f);
    }
  },
};

const unreadableRange: Rule = {
  id: 'flags.unreadable-range',
  family: 'flags',
  domain: 'interop',
  severity: 'info',
  rationale: 'A numeric result with a range no receiver can read cannot be checked against it.',
  action: 'Send OBX-7 as "low-high", "<high" or ">low" for numeric results.',
  check(ctx) {
    for (const o of ctx.view.observations) {
      if (o.valueType !== 'NM' && o.valueType !== 'SN') continue;
      if (!parseRange(o.referenceRange) && !isEmptyRange(o.referenceRange)) unreadable(ctx, o);
    }
  },
};

export const FLAG_RULES: Rule[] = [
  outOfRangeUnflagged,
  inRangeFlagged,
  directionMismatch,
  critical,
  unknownFlag,
  unreadableRange,
];
