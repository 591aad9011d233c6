/**
 * units.*: every numeric result carries a valid UCUM unit (OBX-6, v2.5.1 7.4.2.6 recommends
 * UCUM), one unit per test code across the traffic, and a unit wherever the code normally has one.
 * IEEE 11073 (MDC) device units are told apart from local units: one with a known UCUM
 * equivalent is a warning naming it (units.mdc-unit), an unknown one stays invalid-ucum.
 * State: one small entry per observation code (bounded map).
 * Findings are grouped and baselined by field OBX-6 and a key: the unit as sent, or the
 * observation code for the per-code rules (docs/lint.md#grouped-output-and-baselines).
 */
import type { SiteFacts } from '../config.js';
import { detach } from '../fast-fields.js';
import { HashedMap, PartsHash } from '../hashed-map.js';
import { mdcUnitOf, UNKNOWN_MDC, type MdcUnit } from '../mdc-units.js';
import type { MessageRef, Rule, RuleContext } from '../types.js';
import { checkUcum, compareUnits, type Convertibility } from '../ucum.js';
import { segPath, type MessageView, type Obs } from '../view.js';

const NUMERIC = new Set(['NM', 'SN']);

const KEY = new PartsHash();
// Hashes of the current message's OBX codes, by occurrence, made once for the unit rules.
const CODES = { view: undefined as MessageView | undefined, serial: 0 };
const GEN: number[] = [];
const H1: number[] = [];
const H2: number[] = [];

/** Lookup key of an observation code: `system|code` of OBX-3, hashed (see HashedMap). */
function codeKey(view: MessageView, o: Obs): PartsHash {
  if (CODES.view !== view) {
    CODES.view = view;
    CODES.serial++;
  }
  const i = o.occurrence;
  if (GEN[i] === CODES.serial) return KEY.from(H1[i]!, H2[i]!);
  KEY.reset().add(o.codeSystem).add(o.code);
  GEN[i] = CODES.serial;
  H1[i] = KEY.h1;
  H2[i] = KEY.h2;
  return KEY;
}

/** Sites whose expectedUnits is empty (most): no lookup, no string built per observation. */
const noExpected = new WeakMap<object, boolean>();

function expectedUnit(facts: SiteFacts, o: Obs): string | undefined {
  if (!o.code) return undefined;
  const units = facts.expectedUnits;
  let none = noExpected.get(units);
  if (none === undefined) noExpected.set(units, (none = Object.keys(units).length === 0));
  if (none) return undefined;
  return units[`${o.codeSystem ?? ''}|${o.code}`] ?? units[o.code];
}

function relation(c: Convertibility): string {
  switch (c) {
    case 'same':
      return 'the same unit';
    case 'convertible':
      return 'commensurable (convertible, but the numbers differ)';
    case 'molar-mass':
      return 'mass vs amount of substance (convertible only with the molecular weight)';
    default:
      return 'not commensurable';
  }
}

// Findings are described in functions of their own, outside the rules' loops: a closure made
// in a loop body makes V8 allocate that body's variables on every iteration, finding or not.

const OBX6 = 'OBX-6';

function notUcum(ctx: RuleContext, o: Obs, unit: string, reason: string | undefined): void {
  ctx.report(
    () => ({
      message: `OBX-6 unit "${unit}" for ${o.label} is not valid UCUM: ${reason}`,
      path: segPath('OBX', o.occurrence, 6),
      detail: { unit, system: o.unitSystem },
    }),
    OBX6,
    unit,
  );
}

function unknownMdc(ctx: RuleContext, o: Obs, unit: string): void {
  ctx.report(
    () => ({
      message: `OBX-6 unit "${unit}" for ${o.label} is an IEEE 11073 (MDC) code with no UCUM mapping known to golive`,
      path: segPath('OBX', o.occurrence, 6),
      detail: { unit, system: o.unitSystem, mdc: true },
    }),
    OBX6,
    unit,
  );
}

function mdcFinding(ctx: RuleContext, o: Obs, unit: string, m: MdcUnit): void {
  ctx.report(
    () => ({
      message: `OBX-6 unit "${unit}"${unit === m.refid ? '' : ` (${m.refid})`} for ${o.label} is an IEEE 11073 (MDC) code; UCUM ${m.ucum}`,
      path: segPath('OBX', o.occurrence, 6),
      detail: { unit, mdc: m.refid, code: m.code, ucum: m.ucum },
    }),
    OBX6,
    unit,
  );
}

/**
 * The MDC reading of an observation's unit (undefined: not MDC). IHE PCD-01 may send the UCUM
 * equivalent beside the MDC code as the alternate unit (OBX-6.4 with OBX-6.6 `UCUM`): then the
 * receiver has UCUM and neither MDC rule reports anything (null).
 */
function mdcOf(o: Obs, unit: string): MdcUnit | typeof UNKNOWN_MDC | null | undefined {
  // Only a reference id (MDC_...) or a number can be an MDC unit: the first character rules
  // out most units before any component of OBX-6 is read.
  const c = unit.charCodeAt(0);
  let m: MdcUnit | typeof UNKNOWN_MDC | undefined;
  if (c === 77 /* M */ && unit.startsWith('MDC_')) m = mdcUnitOf(unit, undefined);
  else if (c >= 48 && c <= 57) m = mdcUnitOf(unit, o.unitSystem, o.unitText);
  if (m === undefined) return undefined;
  if (o.unitAltSystem === 'UCUM') {
    const alt = o.unitAltCode;
    if (alt && checkUcum(alt).valid) return null;
  }
  return m;
}

function twoUnits(
  ctx: RuleContext,
  o: Obs,
  unit: string,
  first: string,
  firstAt: MessageRef,
  rel: Convertibility,
): void {
  ctx.report(
    () => ({
      message: `${o.label} is reported in "${unit}" here and in "${first}" earlier (message #${firstAt.index} of ${firstAt.file}): ${relation(rel)}`,
      path: segPath('OBX', o.occurrence, 6),
      detail: {
        code: o.code,
        units: [first, unit],
        relation: rel,
        commensurable: rel === 'convertible',
      },
    }),
    OBX6,
    o.code,
    unit,
  );
}

function notExpected(
  ctx: RuleContext,
  o: Obs,
  unit: string,
  expected: string,
  rel: Convertibility,
): void {
  ctx.report(
    () => ({
      message: `${o.label} is in "${unit}" but the site expects "${expected}": ${relation(rel)}`,
      path: segPath('OBX', o.occurrence, 6),
      detail: { expected, actual: unit, relation: rel },
    }),
    OBX6,
    o.code,
    unit,
  );
}

function noUnit(ctx: RuleContext, o: Obs, known: string): void {
  ctx.report(
    () => ({
      message: `numeric result of ${o.label} has no unit; this code is sent in "${known}" elsewhere`,
      path: segPath('OBX', o.occurrence, 6),
      detail: { code: o.code, usualUnit: known },
    }),
    OBX6,
    o.code,
  );
}

const invalidUcum: Rule = {
  id: 'units.invalid-ucum',
  family: 'units',
  domain: 'interop',
  severity: 'error',
  rationale: 'A unit that is not UCUM is mapped by guesswork downstream, or shown as sent.',
  action:
    'Map OBX-6 to UCUM codes (case-sensitive, e.g. mmol/L, 10*9/L, meq/L), or list the local unit in site.acceptedUnits once the receiver maps it.',
  check(ctx) {
    const accepted = ctx.facts.acceptedUnits;
    for (const o of ctx.view.observations) {
      const unit = o.unitRaw;
      if (unit === undefined || (accepted.length > 0 && accepted.includes(unit))) continue;
      // A bare number is valid UCUM (a factor), so 11073 codes are recognised first.
      const mdc = o.unit ? mdcOf(o, o.unit) : undefined;
      if (mdc === UNKNOWN_MDC) unknownMdc(ctx, o, unit);
      if (mdc !== undefined) continue;
      const r = checkUcum(unit);
      if (!r.valid) notUcum(ctx, o, unit, r.reason);
    }
  },
};

const mdcUnit: Rule = {
  id: 'units.mdc-unit',
  family: 'units',
  domain: 'interop',
  severity: 'warning',
  rationale:
    'A device unit sent as an IEEE 11073 (MDC) code is shown as a code, or dropped, by a receiver that expects UCUM.',
  action:
    'Map MDC unit codes to the UCUM unit named in each finding at the interface (or send it as the alternate unit, OBX-6.4-6 with UCUM), or confirm the receiver maps MDC units and turn this rule off.',
  check(ctx) {
    const accepted = ctx.facts.acceptedUnits;
    for (const o of ctx.view.observations) {
      const unit = o.unit;
      if (!unit || (accepted.length > 0 && accepted.includes(unit))) continue;
      const mdc = mdcOf(o, unit);
      if (mdc && mdc !== UNKNOWN_MDC) mdcFinding(ctx, o, unit, mdc);
    }
  },
  // Keys are MDC units as sent (reference ids, or codes sent with OBX-6.3 MDC).
  valueNote(key) {
    const m = mdcUnitOf(key, 'MDC');
    return m && m !== UNKNOWN_MDC ? `UCUM ${m.ucum}` : undefined;
  },
};

interface CodeUnits {
  /** The first unit seen for the code. */
  first: string;
  /** Units seen for the code, each with where it was first seen (few per code). */
  units: Map<string, MessageRef>;
}

const multipleUnits: Rule = {
  id: 'units.multiple-units',
  family: 'units',
  domain: 'interop',
  severity: 'error',
  rationale: 'One test code in two units makes trends and decision support compare unlike numbers.',
  action:
    'Send one unit per test code (convert at the source), or give the variants distinct codes.',
  check(ctx) {
    const seen = ctx.state('units.multiple-units', newCodeUnits);
    for (const o of ctx.view.observations) {
      const unit = o.unit;
      if (!o.code || !unit) continue;
      const entry = seen.get(codeKey(ctx.view, o));
      if (!entry) {
        seen.add(KEY, { first: detach(unit), units: new Map([[detach(unit), ctx.ref]]) });
        continue;
      }
      if (entry.units.has(unit)) continue;
      const firstUnit = entry.first;
      const firstAt = entry.units.get(firstUnit)!;
      const rel = compareUnits(firstUnit, unit);
      if (entry.units.size < 16) entry.units.set(detach(unit), ctx.ref);
      // mg/dL and mg/dl are one UCUM unit written two ways: not two units.
      if (rel !== 'same') twoUnits(ctx, o, unit, firstUnit, firstAt, rel);
    }
  },
};

const unexpectedUnit: Rule = {
  id: 'units.unexpected-unit',
  family: 'units',
  domain: 'interop',
  severity: 'error',
  rationale: 'The site expects this code in a given unit; another unit shifts every value.',
  action:
    'Send the unit the site declared for this code (site.expectedUnits) or convert at the source.',
  check(ctx) {
    for (const o of ctx.view.observations) {
      const expected = expectedUnit(ctx.facts, o);
      const unit = o.unit;
      if (!expected || !unit || unit === expected) continue;
      const rel = compareUnits(expected, unit);
      if (rel !== 'same') notExpected(ctx, o, unit, expected, rel);
    }
  },
};

const newCodeUnits = (f: SiteFacts) => new HashedMap<CodeUnits>(f.maxKeys);
const newPresence = (f: SiteFacts) => new HashedMap<UnitPresence>(f.maxKeys);

interface UnitPresence {
  /** A unit this code was sent with. */
  unit?: string;
  /** First numeric result of this code without a unit, before any unit was seen. */
  firstMissing?: MessageRef & { path: string; label: string; code: string };
  missingCount: number;
}

const missingUnit: Rule = {
  id: 'units.missing-unit',
  family: 'units',
  domain: 'interop',
  severity: 'warning',
  rationale: 'A number without its unit is read in whatever unit the reader assumes.',
  action: 'Always send OBX-6 for numeric results of codes that have a unit.',
  check(ctx) {
    const seen = ctx.state('units.missing-unit', newPresence);
    for (const o of ctx.view.observations) {
      if (!o.code) continue;
      const unit = o.unit;
      let entry = seen.get(codeKey(ctx.view, o));
      if (unit) {
        if (!entry) seen.add(KEY, { unit: detach(unit), missingCount: 0 });
        else entry.unit ??= detach(unit);
        continue;
      }
      if (!NUMERIC.has(o.valueType ?? '') || !o.value) continue;
      const known = expectedUnit(ctx.facts, o) ?? entry?.unit;
      if (known) {
        noUnit(ctx, o, known);
        continue;
      }
      // The unit may show up later in the stream: remember the first miss, decide at the end.
      if (!entry) seen.add(codeKey(ctx.view, o), (entry = { missingCount: 0 }));
      entry.missingCount++;
      entry.firstMissing ??= {
        ...ctx.ref,
        path: segPath('OBX', o.occurrence, 6),
        label: detach(o.label),
        code: detach(o.code),
      };
    }
  },
  finish(ctx) {
    const seen = ctx.state('units.missing-unit', newPresence);
    for (const e of seen.valuesInOrder()) {
      if (!e.unit || !e.firstMissing) continue;
      const { path, label, code, ...at } = e.firstMissing;
      ctx.report(
        {
          message: `${e.missingCount} numeric result(s) of ${label} have no unit (first here); this code is sent in "${e.unit}" elsewhere`,
          path,
          at,
          detail: { usualUnit: e.unit, count: e.missingCount },
        },
        OBX6,
        code,
      );
    }
  },
};

export const UNIT_RULES: Rule[] = [
  invalidUcum,
  mdcUnit,
  multipleUnits,
  unexpectedUnit,
  missingUnit,
];
