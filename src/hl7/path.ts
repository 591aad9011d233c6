import { UserError } from '../core/index.js';
import type { FieldPath } from './types.js';

// SEG[occ]-FIELD[rep].COMP.SUB, e.g. PID-3[2].1, OBX[3]-5, MSH-9.2, PID-5.1.1
const PATH_RE = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?[-.](\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?$/;

const cache = new Map<string, FieldPath>();

/** Parse a field path. Indexes are 1-based, as in the HL7 standard's own notation. */
export function parsePath(path: string): FieldPath {
  const hit = cache.get(path);
  if (hit) return hit;
  const m = PATH_RE.exec(path.trim());
  if (!m) {
    throw new UserError('E_HL7_PATH', `not a field path: "${path}"`, {
      location: { path },
      hint: 'write SEG-FIELD with optional [occurrence], [repetition], .component, .subcomponent, e.g. PID-3[2].1 or OBX[3]-5',
    });
  }
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  const fp: FieldPath = {
    segment: m[1]!,
    occurrence: num(m[2]) ?? 1,
    field: Number(m[3]),
    repetition: num(m[4]),
    component: num(m[5]),
    subcomponent: num(m[6]),
  };
  for (const [k, v] of Object.entries(fp)) {
    if (typeof v === 'number' && v < 1 && !(k === 'field' && fp.segment !== 'MSH' && v === 0)) {
      throw new UserError('E_HL7_PATH', `index ${k} must be 1 or more in "${path}"`, {
        location: { path },
        hint: 'field paths are 1-based (PID-3[1].1 is the first identifier)',
      });
    }
  }
  if (cache.size < 10_000) cache.set(path, fp);
  return fp;
}

export function formatPath(p: FieldPath): string {
  let s = p.segment;
  if (p.occurrence !== 1) s += `[${p.occurrence}]`;
  s += `-${p.field}`;
  if (p.repetition !== undefined) s += `[${p.repetition}]`;
  if (p.component !== undefined) s += `.${p.component}`;
  if (p.subcomponent !== undefined) s += `.${p.subcomponent}`;
  return s;
}
