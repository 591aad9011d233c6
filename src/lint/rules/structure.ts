/**
 * structure.*: the message is well formed enough that the receiver reads what was meant.
 * Required fields per v2.5.1 chapter 2 (MSH), 3 (PID), 7 (OBX); data types per 2.A
 * (NM 2.A.47, DTM 2.A.22, SN 2.A.74); code tables 0085 (OBX-11), 0123 (OBR-25), 0125 (OBX-2).
 * Messages that cannot be parsed at all, bytes between messages and charset problems are
 * reported by the engine under structure.unparseable, structure.garbage and structure.charset.
 */
import { piece, ts, type Ts } from '../fast-fields.js';
import { shape } from '../groups.js';
import type { Rule, RuleContext } from '../types.js';
import { segPath, type Obs } from '../view.js';

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

// Findings are described in functions of their own, outside the rules' loops: a closure made
// in a loop body makes V8 allocate that body's variables on every iteration, finding or not.

// Every finding names its field without occurrence (`OBX-2`) for grouping; paths with the
// occurrence are built only when a finding is listed.

/** A required field of a non-repeating segment (MSH, PID) is empty. */
function missing(ctx: RuleContext, field: string, what: string): void {
  ctx.report(() => ({ message: `${field} (${what}) is empty`, path: field }), field);
}

/** OBX-n of one OBX is empty (OBX-2: while OBX-5 is valued, which is why it is required). */
function missingObx(ctx: RuleContext, o: Obs, field: 2 | 3 | 11, what: string): void {
  ctx.report(() => {
    const path = segPath('OBX', o.occurrence, field);
    const why = field === 2 ? ` but OBX-5 is valued ("${o.valueRaw}")` : '';
    return { message: `${path} (${what}) is empty${why}`, path };
  }, OBX_FIELDS[field]);
}

const OBX_FIELDS: Record<number, string> = { 2: 'OBX-2', 3: 'OBX-3', 11: 'OBX-11' };

function badDtm(
  ctx: RuleContext,
  t: Ts | undefined,
  seg: string,
  occ: number,
  field: number,
  name: string,
): void {
  if (!t || t.valid) return;
  ctx.report(
    () => {
      const path = segPath(seg, occ, field);
      return { message: `${path} "${t.text}" is not a valid date/time: ${t.error}`, path };
    },
    name,
    shape(t.text),
    t.text,
  );
}

function badNm(ctx: RuleContext, o: Obs, v: string): void {
  ctx.report(
    () => {
      const hint = /^[<>]=?\s*[\d.]/.test(v) ? ' (a comparator belongs in an SN value)' : '';
      return {
        message: `OBX-2 is NM but OBX-5 "${o.value}" is not a number${hint}`,
        path: segPath('OBX', o.occurrence, 5),
      };
    },
    'OBX-5',
    shape(v),
    v,
  );
}

function typeMismatch(ctx: RuleContext, o: Obs, why: 'table' | 'sn' | 'text'): void {
  // Keyed by the value type sent: a new wrong type is a new kind ('sn' is always SN).
  ctx.report(
    () => {
      const path = segPath('OBX', o.occurrence, 2);
      const t = o.valueType;
      if (why === 'table')
        return { message: `OBX-2 "${t}" is not a value type of HL7 table 0125`, path };
      if (why === 'sn')
        return {
          message: `OBX-2 is SN but OBX-5 "${o.valueRaw}" is not comparator^number^separator^number`,
          path,
        };
      return {
        message: `OBX-2 is ${t} but OBX-5 "${o.value}" is a number with unit "${o.unitCode}"`,
        path,
        detail: { expected: 'NM' },
      };
    },
    'OBX-2',
    o.valueType,
  );
}

function badStatus(ctx: RuleContext, seg: 'OBX' | 'OBR', occ: number, status: string): void {
  ctx.report(
    () =>
      seg === 'OBX'
        ? {
            message: `OBX-11 "${status}" is not a result status of HL7 table 0085`,
            path: segPath('OBX', occ, 11),
          }
        : {
            message: `OBR-25 "${status}" is not a result status of HL7 table 0123`,
            path: segPath('OBR', occ, 25),
          },
    seg === 'OBX' ? 'OBX-11' : 'OBR-25',
    status,
  );
}

function badSystem(ctx: RuleContext, o: Obs, systems: readonly string[]): void {
  ctx.report(
    () => ({
      message: `OBX-3 "${o.code}" has coding system "${o.codeSystem ?? ''}", not one of ${systems.join(', ')}`,
      path: segPath('OBX', o.occurrence, 3, 3),
    }),
    'OBX-3.3',
    o.codeSystem ?? '',
  );
}

/**
 * OBX-5 carries a value: something besides separators and the HL7 null `""` (which tells the
 * receiver to delete the value, v2.5.1 2.5.3, and has no type to be read as).
 */
function valued(raw: string | undefined, comp: string, sub: string, rep: string): boolean {
  if (raw === undefined || raw === '""') return false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch !== comp && ch !== sub && ch !== rep) return true;
  }
  return false;
}

const requiredFields: Rule = {
  id: 'structure.missing-field',
  family: 'structure',
  domain: 'interop',
  severity: 'error',
  rationale: 'A receiver cannot route, acknowledge or file a message without its required fields.',
  action: 'Fix the sending interface mapping so the field is always populated.',
  check(ctx) {
    const { view } = ctx;
    const { msh, r } = view;
    if (!r.field(msh, 6)) missing(ctx, 'MSH-7', 'message date/time');
    if (!view.type.code || !view.type.trigger) missing(ctx, 'MSH-9', 'message type');
    if (!view.controlId) missing(ctx, 'MSH-10', 'message control id');
    if (!r.field(msh, 11)) missing(ctx, 'MSH-12', 'version id');
    if (view.pid && view.identifiers.length === 0) missing(ctx, 'PID-3', 'patient identifier list');
    for (const o of view.observations) {
      // OBX-2 is conditional (C). v2.5.1 7.4.2.2 words the condition as "OBX-11 not X"; HL7
      // OO's change request 191 (2018) restates it as "required if OBX-5 is valued", with the
      // definition "if OBX-5 is valued then OBX-2 must always be valued" in both of its
      // options. Only then can a receiver misread data (a value without its type), so that is
      // the check: an OBX with neither a value nor a type (a device's empty slot) is no error.
      if (!o.valueType && valued(o.valueRaw, r.comp, r.sub, r.rep))
        missingObx(ctx, o, 2, 'value type');
      if (!o.code && !o.codeText) missingObx(ctx, o, 3, 'observation identifier');
      if (!o.status) missingObx(ctx, o, 11, 'observation result status');
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
    const { view } = ctx;
    badDtm(ctx, view.mshTime, 'MSH', 1, 7, 'MSH-7');
    badDtm(ctx, view.evnTime, 'EVN', 1, 2, 'EVN-2');
    badDtm(ctx, view.birthDate, 'PID', 1, 7, 'PID-7');
    for (const o of view.orders) {
      if (!o.obr) continue;
      badDtm(ctx, o.collectedAt, 'OBR', o.obr, 7, 'OBR-7');
      badDtm(ctx, o.receivedAt, 'OBR', o.obr, 14, 'OBR-14');
      badDtm(ctx, o.reportedAt, 'OBR', o.obr, 22, 'OBR-22');
    }
    for (const o of view.observations) {
      badDtm(ctx, o.observedAt, 'OBX', o.occurrence, 14, 'OBX-14');
      badDtm(ctx, o.analyzedAt, 'OBX', o.occurrence, 19, 'OBX-19');
      if ((o.valueType === 'DTM' || o.valueType === 'TS' || o.valueType === 'DT') && o.value) {
        const text = o.value.split(view.r.comp)[0];
        if (text) badDtm(ctx, ts(text), 'OBX', o.occurrence, 5, 'OBX-5');
      }
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
      if (!NM_RE.test(v)) badNm(ctx, o, v);
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
    const { comp, rep } = ctx.view.r;
    for (const o of ctx.view.observations) {
      const t = o.valueType;
      const raw = o.valueRaw;
      if (!t || raw === undefined || raw === '') continue;
      if (!TABLE_0125.has(t)) typeMismatch(ctx, o, 'table');
      else if (t === 'SN' && !validSn(piece(raw, rep, 1)!, comp)) typeMismatch(ctx, o, 'sn');
      else if (
        (t === 'ST' || t === 'TX' || t === 'FT') &&
        o.unitCode &&
        NM_RE.test((o.value ?? '').trim())
      )
        // A number with a unit sent as text: the receiver files text, so no flags or trends.
        typeMismatch(ctx, o, 'text');
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
      const s = o.status;
      if (s && !TABLE_0085.has(s)) badStatus(ctx, 'OBX', o.occurrence, s);
    }
    for (const o of view.orders) {
      const s = o.resultStatus;
      if (o.obr && s && !TABLE_0123.has(s)) badStatus(ctx, 'OBR', o.obr, s);
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
      const sys = o.codeSystem;
      if (o.code && !(sys && systems.includes(sys))) badSystem(ctx, o, systems);
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
    const problem = ctx.charsetProblem;
    if (problem) ctx.report({ message: problem, path: 'MSH-18' }, 'MSH-18');
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
