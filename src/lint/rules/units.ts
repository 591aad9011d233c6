/**
 * units.*: every numeric result carries a valid UCUM unit (OBX-6, v2.5.1 7.4.2.6 recommends
 * UCUM), one unit per test code across the traffic, and a unit wherever the code normally has one.
 * State: one small entry per observation code (bounded map).
 */
import { BoundedMap } from '../bounded-map.js';
import type { SiteFacts } from '../config.js';
import type { MessageRef, Rule, RuleContext } from '../types.js';
import { checkUcum, compareUnits, type Convertibility } from '../ucum.js';
import { segPath } from '../view.js';
import type { ObservationInfo } from '../../hl7/index.js';
import type { Obs } from '../fast-fields.js';

const NUMERIC = new Set(['NM', 'SN']);

function codeKey(o: ObservationInfo): string | undefined {
  if (!o.code.code) return undefined;
  return `${o.code.system ?? ''}|${o.code.code}`;
}

function codeLabel(o: ObservationInfo): string {
  return `${o.code.code}${o.code.text ? ` (${o.code.text})` : ''}`;
}

/** OBX-6.1 as sent (raw, spaces kept: the receiver matches the exact string). */
function rawUnit(_ctx: RuleContext, o: Obs): string | undefined {
  // "" is HL7's explicit null (v2.5.1 2.5.3): no unit (fast-fields maps it to undefined).
  return o.unitRaw;
}

function expectedUnit(facts: SiteFacts, o: ObservationInfo): string | undefined {
  if (!o.code.code) return undefined;
  for (const _ in facts.expectedUnits) return lookup(facts, o);
  return undefined;
}

function lookup(facts: SiteFacts, o: ObservationInfo): string | undefined {
  return (
    facts.expectedUnits[`${o.code.system ?? ''}|${o.code.code}`] ??
    facts.expectedUnits[o.code.code!]
  );
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
      const unit = rawUnit(ctx, o);
      if (unit === undefined || accepted.includes(unit)) continue;
      const r = checkUcum(unit);
      if (!r.valid)
        ctx.report({
          message: `OBX-6 unit "${unit}" for ${codeLabel(o)} is not valid UCUM: ${r.reason}`,
          path: segPath('OBX', o.occurrence, 6),
          detail: { unit, system: o.units.system },
        });
    }
  },
};

interface CodeUnits {
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
    const seen = ctx.state(
      'units.multiple-units',
      () => new BoundedMap<string, CodeUnits>(ctx.facts.maxKeys),
    );
    for (const o of ctx.view.observations) {
      const key = codeKey(o);
      const unit = rawUnit(ctx, o)?.trim();
      if (!key || !unit) continue;
      const entry = seen.get(key);
      if (!entry) {
        seen.set(key, { units: new Map([[unit, ctx.ref]]) });
        continue;
      }
      if (entry.units.has(unit)) continue;
      const [firstUnit, firstAt] = entry.units.entries().next().value as [string, MessageRef];
      const rel = compareUnits(firstUnit, unit);
      if (entry.units.size < 16) entry.units.set(unit, ctx.ref);
      // mg/dL and mg/dl are one UCUM unit written two ways: not two units.
      if (rel === 'same') continue;
      ctx.report({
        message: `${codeLabel(o)} is reported in "${unit}" here and in "${firstUnit}" earlier (message #${firstAt.index} of ${firstAt.file}): ${relation(rel)}`,
        path: segPath('OBX', o.occurrence, 6),
        detail: {
          code: o.code.code,
          units: [firstUnit, unit],
          relation: rel,
          commensurable: rel === 'convertible',
        },
      });
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
      const unit = rawUnit(ctx, o)?.trim();
      if (!expected || !unit || unit === expected) continue;
      const rel = compareUnits(expected, unit);
      if (rel === 'same') continue;
      ctx.report({
        message: `${codeLabel(o)} is in "${unit}" but the site expects "${expected}": ${relation(rel)}`,
        path: segPath('OBX', o.occurrence, 6),
        detail: { expected, actual: unit, relation: rel },
      });
    }
  },
};

interface UnitPresence {
  /** A unit this code was sent with. */
  unit?: string;
  /** First numeric result of this code without a unit, before any unit was seen. */
  firstMissing?: MessageRef & { path: string; label: string };
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
    const seen = ctx.state(
      'units.missing-unit',
      () => new BoundedMap<string, UnitPresence>(ctx.facts.maxKeys),
    );
    for (const o of ctx.view.observations) {
      const key = codeKey(o);
      if (!key) continue;
      const unit = rawUnit(ctx, o)?.trim();
      let entry = seen.get(key);
      if (unit) {
        if (!entry) seen.set(key, { unit, missingCount: 0 });
        else entry.unit ??= unit;
        continue;
      }
      if (!NUMERIC.has(o.valueType ?? '') || !o.value) continue;
      const path = segPath('OBX', o.occurrence, 6);
      const known = expectedUnit(ctx.facts, o) ?? entry?.unit;
      if (known) {
        ctx.report({
          message: `numeric result of ${codeLabel(o)} has no unit; this code is sent in "${known}" elsewhere`,
          path,
          detail: { code: o.code.code, usualUnit: known },
        });
        continue;
      }
      // The unit may show up later in the stream: remember the first miss, decide at the end.
      if (!entry) seen.set(key, (entry = { missingCount: 0 }));
      entry.missingCount++;
      entry.firstMissing ??= { ...ctx.ref, path, label: codeLabel(o) };
    }
  },
  finish(ctx) {
    const seen = ctx.state('units.missing-unit', () => new BoundedMap<string, UnitPresence>(1));
    for (const e of seen.values()) {
      if (!e.unit || !e.firstMissing) continue;
      const { path, label, ...at } = e.firstMissing;
      ctx.report({
        message: `${e.missingCount} numeric result(s) of ${label} have no unit (first here); this code is sent in "${e.unit}" elsewhere`,
        path,
        at,
        detail: { usualUnit: e.unit, count: e.missingCount },
      });
    }
  },
};

export const UNIT_RULES: Rule[] = [invalidUcum, multipleUnits, unexpectedUnit, missingUnit];
