/**
 * flags.*: abnormal flags (OBX-8, HL7 table 0078) agree with the value and the reference range
 * (OBX-7). A clinician trusts the flag: an out-of-range value shown as normal is missed.
 */
import {
  isEmptyRange,
  numericValue,
  parseRange,
  placeInRange,
  type Range,
  type ValueInterval,
} from '../range.js';
import type { Rule, RuleContext } from '../types.js';
import { segPath } from '../view.js';
import type { ObservationInfo } from '../../hl7/index.js';

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

interface Judged {
  o: ObservationInfo;
  value: ValueInterval;
  range: Range;
  place: ReturnType<typeof placeInRange>;
}

const cache = new WeakMap<object, Judged[]>();

/** Numeric observations with a readable range, with where the value falls (once per message). */
function judged(ctx: RuleContext): Judged[] {
  const hit = cache.get(ctx.view);
  if (hit) return hit;
  const comp = ctx.msg.delimiters.component;
  const out: Judged[] = [];
  for (const o of ctx.view.observations) {
    const range = parseRange(o.referenceRange);
    if (!range) continue;
    const value = numericValue(o.valueType, o.value, o.valueRaw, comp);
    if (!value) continue;
    out.push({ o, value, range, place: placeInRange(value, range) });
  }
  cache.set(ctx.view, out);
  return out;
}

function describe(j: Judged): string {
  return `${j.o.code.code ?? '?'}${j.o.code.text ? ` (${j.o.code.text})` : ''} = ${j.o.value}${j.o.units.code ? ` ${j.o.units.code}` : ''} with range "${j.o.referenceRange}"`;
}

const flagsText = (o: ObservationInfo) => (o.flags.length ? o.flags.join('~') : 'none');

const outOfRangeUnflagged: Rule = {
  id: 'flags.out-of-range-unflagged',
  family: 'flags',
  domain: 'interop',
  severity: 'error',
  rationale: 'A value outside its reference range shown as normal is easily missed.',
  action:
    'Have the sender compute OBX-8 from the range, or stop the receiver trusting an empty flag.',
  check(ctx) {
    for (const j of judged(ctx)) {
      if (j.place !== 'below' && j.place !== 'above') continue;
      if (j.o.flags.some((f) => ABNORMAL.has(f))) continue;
      ctx.report({
        message: `${describe(j)} is ${j.place} the range but flagged ${flagsText(j.o)}`,
        path: segPath('OBX', j.o.occurrence, 8),
        detail: { place: j.place, flags: j.o.flags },
      });
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
    for (const j of judged(ctx)) {
      if (j.place !== 'inside') continue;
      const abnormal = j.o.flags.filter((f) => ABNORMAL.has(f));
      if (abnormal.length === 0) continue;
      ctx.report({
        message: `${describe(j)} is inside the range but flagged ${abnormal.join('~')}`,
        path: segPath('OBX', j.o.occurrence, 8),
        detail: { flags: j.o.flags },
      });
    }
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
    for (const j of judged(ctx)) {
      const wrong =
        j.place === 'below'
          ? j.o.flags.filter((f) => HIGH.has(f))
          : j.place === 'above'
            ? j.o.flags.filter((f) => LOW.has(f))
            : [];
      if (wrong.length === 0) continue;
      ctx.report({
        message: `${describe(j)} is ${j.place} the range but flagged ${wrong.join('~')}`,
        path: segPath('OBX', j.o.occurrence, 8),
        detail: { place: j.place, flags: j.o.flags },
      });
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
      const c = o.flags.filter((f) => CRITICAL.has(f));
      if (c.length === 0) continue;
      ctx.report({
        message: `critical result ${o.code.code ?? '?'}${o.code.text ? ` (${o.code.text})` : ''} = ${o.value ?? ''} flagged ${c.join('~')}`,
        path: segPath('OBX', o.occurrence, 8),
        detail: { flags: c },
      });
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
      for (const f of o.flags) {
        if (!TABLE_0078.has(f))
          ctx.report({
            message: `OBX-8 flag "${f}" is not in HL7 table 0078`,
            path: segPath('OBX', o.occurrence, 8),
          });
      }
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
      if (isEmptyRange(o.referenceRange) || (o.valueType !== 'NM' && o.valueType !== 'SN'))
        continue;
      if (!parseRange(o.referenceRange))
        ctx.report({
          message: `OBX-7 reference range "${o.referenceRange}" is not in a numeric form`,
          path: segPath('OBX', o.occurrence, 7),
        });
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
