/**
 * Interface-mapping faults: defects of the inbound interface engine that change the message
 * before the site files (and forwards) it. Critical detection still reads the original,
 * because the LIS side saw the message before the mapping (docs/site.md, Faults).
 */
import type { Hl7Message } from '../hl7/index.js';
import type { FaultSet } from './faults.js';

/** The "conversion" table of `unit-rewrite`: the unit text changes, the value does not. */
export const UNIT_REWRITES: Record<string, string> = {
  'mmol/L': 'mg/dL',
  'umol/L': 'mg/dL',
  'g/L': 'g/dL',
  '10*9/L': '10*3/uL',
};

/** DTM fields whose offsets `drop-tz` strips (v2.5.1: MSH-7, PID-7, ORC-9, OBR-7/8/14/22, OBX-14/19, SPM-17/18, TQ1-7). */
const DTM_FIELDS: Record<string, number[]> = {
  MSH: [7],
  PID: [7],
  ORC: [9],
  OBR: [7, 8, 14, 22],
  OBX: [14, 19],
  SPM: [17, 18],
  TQ1: [7],
};

const TEXT_TYPES = new Set(['ST', 'TX', 'FT']);

export function needsTransform(f: FaultSet): boolean {
  return (
    f.has('unit-rewrite') || f.has('flag-dropped') || f.has('escape-mangled') || f.has('drop-tz')
  );
}

/** UTF-8 bytes read back as Latin-1: the classic mojibake ("é" becomes "Ã©"). */
function mojibake(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

export function transform(original: Hl7Message, f: FaultSet): Hl7Message {
  if (!needsTransform(f)) return original;
  const msg = original.clone();
  const obxCount = msg.all('OBX').length;
  for (let n = 1; n <= obxCount; n++) {
    const o = `OBX[${n}]`;
    if (f.has('unit-rewrite')) {
      const code = msg.get(`${o}-6.1`);
      const to = code ? UNIT_REWRITES[code] : undefined;
      if (code && to) {
        msg.set(`${o}-6.1`, to);
        if (msg.get(`${o}-6.2`) === code) msg.set(`${o}-6.2`, to);
      }
    }
    if (f.has('flag-dropped')) msg.set(`${o}-8`, '', { raw: true });
    if (f.has('escape-mangled') && TEXT_TYPES.has(msg.get(`${o}-2`) ?? '')) {
      const raw = msg.getRaw(`${o}-5`);
      // The defect: the engine copies the encoded text as if it were the value.
      if (raw) msg.set(`${o}-5`, mojibake(raw));
    }
  }
  if (f.has('drop-tz')) {
    for (const seg of msg.segments) {
      for (const field of DTM_FIELDS[seg.id] ?? []) {
        const idx = seg.id === 'MSH' ? field - 1 : field;
        const v = seg.fields[idx];
        if (v) seg.fields[idx] = v.replace(/(\d{4,14}(?:\.\d{1,4})?)[+-]\d{4}/g, '$1');
      }
    }
  }
  return msg;
}
