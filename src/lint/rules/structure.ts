/**
 * structure.*: the message is well formed enough that the receiver reads what was meant.
 * Required fields per v2.5.1 chapter 2 (MSH), 3 (PID), 7 (OBX); data types per 2.A
 * (NM 2.A.47, DTM 2.A.22, SN 2.A.74); code tables 0085 (OBX-11), 0123 (OBR-25), 0125 (OBX-2).
 * Messages that cannot be parsed at all, bytes between messages and charset problems are
 * reported by the engine under structure.unparseable, structure.garbage and structure.charset.
 */
import { dtm } from '../fast-fields.js';
import type { Rule, RuleContext } from '../types.js';
import { segPath } from '../view.js';

/** HL7 NM (2.A.47): optional sign, digits, optional decimal point. */
export const NM_RE = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** Table 0085 observation result status. */
export const TABLE_0085 = new Set(['C', 'D', 'F', 'I', 'N', 'O', 'P', 'R', 'S', 'U', 'W', 'X']);
/** Table 0123 result status (OBR-25). */
const TABLE_0123 = new Set(['O', 'I', 'S', 'A', 'P', 'C', 'R', 'F', 'X', 'Y', 'Z']);
/** Table 0125 value types usable in OBX-2 (v2.5.1 and the 2.3 CE/TS still seen in traffic). */
const TABLE_0125 = new Set(
  'AD CE CF CK CN CNE CP CWE CX DR DT DTM ED FT ID MA MO NA NM PN RP SN ST TM TN TS TX XAD XCN XON XPN XTN'.split(
    ' ',
  ),
);

function missing(ctx: RuleContext, path: string, what: string): void {
  ctx.report({ message: `${path} (${what}) is empty`, path });
}

const requiredFields: Rule = {
  id: 'structure.missing-field',
  family: 'structure',
  domain: 'interop',
  severity: 'error',
  rationale: 'A receiver cannot route, acknowledge or file a message without its required fields.',
  action: 'Fix the sending interface mapping so the field is always populated.',
  check(ctx) {
    const { msg, view } = ctx;
    if (!msg.get('MSH-7')) missing(ctx, 'MSH-7', 'message date/time');
    if (!view.type.code || !view.type.trigger) missing(ctx, 'MSH-9', 'message type');
    if (!view.controlId) missing(ctx, 'MSH-10', 'message control id');
    if (!msg.get('MSH-12')) missing(ctx, 'MSH-12', 'version id');
    if (msg.segment('PID') && !view.patient?.identifiers.length)
      missing(ctx, 'PID-3', 'patient identifier list');
    for (const o of view.observations) {
      const p = (f: number) => segPath('OBX', o.occurrence, f);
      // OBX-2 is required whenever OBX-5 is valued (v2.5.1 7.4.2.2).
      if (o.valueRaw && !o.valueType) missing(ctx, p(2), 'value type');
      if (!o.code.code && !o.code.text) missing(ctx, p(3), 'observation identifier');
      if (!o.status) missing(ctx, p(11), 'observation result status');
    }
  },
};

const invalidDtm: Rule = {
  id: 'structure.invalid-dtm',
  family: 'structure',
  domain: 'interop',
  severity: 'error',
  rationale: 'A date/time the receiver cannot read is dropped or misfiled, and breaks ordering.',
  action: 'Send DTM values as YYYY[MM[DD[HHMM[SS[.S]]]]][+/-ZZZZ] (HL7 v2.5.1 2.A.22).',
  check(ctx) {
    const { msg, view } = ctx;
    const check = (path: string, text: string | undefined) => {
      if (!text) return;
      const d = dtm(text);
      if (!d.valid)
        ctx.report({ message: `${path} "${text}" is not a valid date/time: ${d.error}`, path });
    };
    check('MSH-7', msg.get('MSH-7.1'));
    check('EVN-2', msg.get('EVN-2.1'));
    check('PID-7', msg.get('PID-7.1'));
    for (const o of view.orders) {
      if (!o.obr) continue;
      check(segPath('OBR', o.obr, 7), o.collectedText);
      check(segPath('OBR', o.obr, 14), o.receivedText);
      check(segPath('OBR', o.obr, 22), o.reportedText);
    }
    for (const o of view.observations) {
      check(segPath('OBX', o.occurrence, 14), o.observedText);
      check(segPath('OBX', o.occurrence, 19), o.analyzedText);
      if ((o.valueType === 'DTM' || o.valueType === 'TS' || o.valueType === 'DT') && o.value)
        check(segPath('OBX', o.occurrence, 5), o.value.split(msg.delimiters.component)[0]);
    }
  },
};

const invalidNm: Rule = {
  id: 'structure.invalid-nm',
  family: 'structure',
  domain: 'interop',
  severity: 'error',
  rationale: 'A numeric result that is not a number cannot be trended, flagged or charted.',
  action: 'Send numbers in NM form; send comparators ("<5", ">10") as SN (HL7 v2.5.1 2.A.74).',
  check(ctx) {
    for (const o of ctx.view.observations) {
      if (o.valueType !== 'NM' || o.value === undefined) continue;
      const v = o.value.trim();
      if (NM_RE.test(v)) continue;
      const hint = /^[<>]=?\s*[\d.]/.test(v) ? ' (a comparator belongs in an SN value)' : '';
      ctx.report({
        message: `OBX-2 is NM but OBX-5 "${o.value}" is not a number${hint}`,
        path: segPath('OBX', o.occurrence, 5),
      });
    }
  },
};

/** SN (2.A.74): [comparator]^[num1]^[separator/suffix]^[num2]. */
function validSn(raw: string, comp: string): boolean {
  const [c = '', n1 = '', sep = '', n2 = ''] = raw.split(comp);
  if (!['', '>', '<', '>=', '<=', '=', '<>'].includes(c)) return false;
  if (n1 !== '' && !NM_RE.test(n1)) return false;
  if (!['', '-', '+', '/', '.', ':'].includes(sep)) return false;
  return n2 === '' || NM_RE.test(n2);
}

const valueTypeMismatch: Rule = {
  id: 'structure.value-type-mismatch',
  family: 'structure',
  domain: 'interop',
  severity: 'warning',
  rationale: 'When OBX-2 disagrees with OBX-5 the receiver stores the value as the wrong kind.',
  action: 'Map OBX-2 to the kind of value actually sent (NM for numbers, SN for comparators).',
  check(ctx) {
    const comp = ctx.msg.delimiters.component;
    for (const o of ctx.view.observations) {
      const path = segPath('OBX', o.occurrence, 2);
      const t = o.valueType;
      if (!t || o.valueRaw === undefined || o.valueRaw === '') continue;
      if (!TABLE_0125.has(t)) {
        ctx.report({ message: `OBX-2 "${t}" is not a value type of HL7 table 0125`, path });
      } else if (
        t === 'SN' &&
        !validSn(o.valueRaw.split(ctx.msg.delimiters.repetition)[0]!, comp)
      ) {
        ctx.report({
          message: `OBX-2 is SN but OBX-5 "${o.valueRaw}" is not comparator^number^separator^number`,
          path,
        });
      } else if (
        (t === 'ST' || t === 'TX' || t === 'FT') &&
        o.units.code &&
        NM_RE.test((o.value ?? '').trim())
      ) {
        // A number with a unit sent as text: the receiver files text, so no flags or trends.
        ctx.report({
          message: `OBX-2 is ${t} but OBX-5 "${o.value}" is a number with unit "${o.units.code}"`,
          path,
          detail: { expected: 'NM' },
        });
      }
    }
  },
};

const unknownStatus: Rule = {
  id: 'structure.unknown-status',
  family: 'structure',
  domain: 'interop',
  severity: 'error',
  rationale: 'An unknown result status leaves the receiver unsure whether the value is final.',
  action: 'Map statuses to HL7 table 0085 (OBX-11) and 0123 (OBR-25).',
  check(ctx) {
    const { view } = ctx;
    for (const o of view.observations) {
      if (o.status && !TABLE_0085.has(o.status))
        ctx.report({
          message: `OBX-11 "${o.status}" is not a result status of HL7 table 0085`,
          path: segPath('OBX', o.occurrence, 11),
        });
    }
    for (const o of view.orders) {
      const s = o.resultStatus;
      if (o.obr && s && !TABLE_0123.has(s))
        ctx.report({
          message: `OBR-25 "${s}" is not a result status of HL7 table 0123`,
          path: segPath('OBR', o.obr, 25),
        });
    }
  },
};

const unknownCodeSystem: Rule = {
  id: 'structure.unknown-code-system',
  family: 'structure',
  domain: 'interop',
  severity: 'warning',
  rationale: 'A code from a system the receiver does not map is filed as free text or dropped.',
  action: 'Map observation codes to a coding system the site declared (site.codeSystems).',
  check(ctx) {
    const systems = ctx.facts.codeSystems;
    if (systems.length === 0) return;
    for (const o of ctx.view.observations) {
      const sys = o.code.system;
      if (o.code.code && !(sys && systems.includes(sys)))
        ctx.report({
          message: `OBX-3 "${o.code.code}" has coding system "${sys ?? ''}", not one of ${systems.join(', ')}`,
          path: segPath('OBX', o.occurrence, 3, 3),
        });
    }
  },
};

/** Reported by the engine when a message cannot be parsed (no MSH, bad MSH-2). */
export const UNPARSEABLE: Rule = {
  id: 'structure.unparseable',
  family: 'structure',
  domain: 'interop',
  severity: 'error',
  rationale: 'A message the receiver cannot parse is rejected or lost.',
  action: 'Find the sender of the malformed message and fix its framing or MSH header.',
  check() {},
};

/** Reported by the engine for bytes between messages that belong to no message. */
export const GARBAGE: Rule = {
  id: 'structure.garbage',
  family: 'structure',
  domain: 'interop',
  severity: 'warning',
  rationale: 'Bytes outside any message mean truncated or concatenated messages in the feed.',
  action: "Check the capture and the sender's framing (segment terminators, MLLP envelopes).",
  check() {},
};

export const CHARSET: Rule = {
  id: 'structure.charset',
  family: 'structure',
  domain: 'interop',
  severity: 'warning',
  rationale: 'Bytes that do not fit the declared character set turn names into mojibake.',
  action: 'Make MSH-18 declare the character set the sender actually uses (table 0211).',
  check(ctx) {
    if (ctx.charsetProblem) ctx.report({ message: ctx.charsetProblem, path: 'MSH-18' });
  },
};

export const STRUCTURE_RULES: Rule[] = [
  UNPARSEABLE,
  GARBAGE,
  CHARSET,
  requiredFields,
  invalidDtm,
  invalidNm,
  valueTypeMismatch,
  unknownStatus,
  unknownCodeSystem,
];
