/**
 * UCUM unit checks with @lhncbc/ucum-lhc (the NLM implementation of the UCUM specification,
 * https://ucum.org/ucum). UCUM is case-sensitive ("mEq/L" is not a unit, "meq/L" is) and the
 * library trims surrounding spaces silently, so the raw text is checked here first: a unit
 * string with spaces around it does not match a receiver's exact-string unit table.
 * Results are cached (a traffic sample uses few distinct unit strings).
 */
import { createRequire } from 'node:module';
import type { UcumLhcUtils } from '@lhncbc/ucum-lhc';
import { StringCache } from './hashed-map.js';
import { ucumOfRefid } from './mdc-units.js';

let utils: UcumLhcUtils | undefined;

function lib(): UcumLhcUtils {
  if (!utils) {
    // Loaded on first use: it reads its unit tables (~80 ms), which `golive --help` should not pay.
    const req = createRequire(import.meta.url);
    const mod = req('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumLhcUtils } };
    utils = mod.UcumLhcUtils.getInstance();
  }
  return utils;
}

export interface UnitCheck {
  valid: boolean;
  /** Why not, in words. */
  reason?: string;
}

const conversions = new Map<string, Convertibility>();
const CACHE_MAX = 10_000;

function validate(raw: string): UnitCheck {
  if (raw.trim() !== raw) return { valid: false, reason: 'has spaces around it' };
  if (raw === '') return { valid: false, reason: 'is empty' };
  const r = lib().validateUnitString(raw, false);
  return r.status === 'valid'
    ? { valid: true }
    : { valid: false, reason: r.msg[0] ?? 'is not a UCUM unit' };
}

const validity = new StringCache<UnitCheck>(CACHE_MAX, validate);

export function checkUcum(raw: string): UnitCheck {
  return validity.get(raw);
}

/**
 * How two valid UCUM units relate: `same` (factor 1, e.g. mg/dL and mg/dl), `convertible`
 * (same dimension), `molar-mass` (needs the substance's molecular weight), or `incommensurable`.
 */
export type Convertibility = 'same' | 'convertible' | 'molar-mass' | 'incommensurable';

export function compareUnits(a: string, b: string): Convertibility {
  if (a === b) return 'same';
  // An IEEE 11073 reference id compares as its UCUM equivalent: MDC_DIM_PERCENT and % are one
  // unit written two ways, not two units (see mdc-units.ts).
  a = ucumOfRefid(a);
  b = ucumOfRefid(b);
  if (a === b) return 'same';
  const key = `${a}\u0000${b}`;
  const hit = conversions.get(key);
  if (hit) return hit;
  let out: Convertibility = 'incommensurable';
  if (checkUcum(a).valid && checkUcum(b).valid) {
    const r = lib().convertUnitTo(a, 1, b);
    if (r.status === 'succeeded' && r.toVal !== null) {
      // ucum-lhc results carry float noise (1.0000000000000002): compare with a tolerance.
      out = Math.abs(r.toVal - 1) < 1e-9 ? 'same' : 'convertible';
    } else if (r.msg.some((m) => /mole/i.test(m))) out = 'molar-mass';
  }
  if (conversions.size >= CACHE_MAX) conversions.clear();
  conversions.set(key, out);
  return out;
}
