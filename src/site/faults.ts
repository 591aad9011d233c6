/**
 * Named faults of the reference site (SITE.md): each a copy of a defect seen in real go-lives.
 * docs/site.md gives the exact effect of each.
 */
import { UserError } from '../core/index.js';

export const FAULTS = {
  'ignore-corrections': 'OBX-11 C is acknowledged but not applied',
  'merge-not-applied': 'ADT^A40 is acknowledged but nothing is merged',
  'correction-ignored': 'ADT^A08 and ADT^A47 are acknowledged but not applied',
  'drop-tz': 'time offsets are dropped: times are stored as the site local time',
  'late-prelim-overwrites-final': 'a preliminary result arriving after the final replaces it',
  'unit-rewrite': 'unit text is rewritten (mmol/L to mg/dL...) without converting the value',
  'flag-dropped': 'abnormal flags (OBX-8) are dropped',
  'escape-mangled': 'escape sequences are not decoded and non-ASCII text is mangled',
  'cancel-ignored': 'order cancels are acknowledged but the order stays active',
  'reentry-duplicates': 'an order change creates a second active order',
  'relabel-orphan': 'a specimen relabel creates a new specimen and orphans earlier results',
  'stability-ignored': 'the specimen stability window is not checked',
  'stat-downgraded': 'every order priority is stored as routine',
  'no-critical-notify': 'critical results raise no notification',
  'slow-critical-notify': 'critical notifications are raised late',
  'retraction-ignored': 'OBX-11 W/D is acknowledged but the value stays current',
  'wrong-patient-on-unknown-order':
    'a result for an unknown order is filed under the last patient touched',
  'duplicate-filed': 'a re-sent message (same MSH-10) is filed again',
  'lost-on-restart': 'messages are acknowledged before they are stored; a restart loses them',
  'cycle-failure-ignored': 'a failed sterilization cycle does not flag trays or procedures',
  'no-audit-on-read': 'reads and searches are not audited',
  'burst-drop': 'messages beyond a rate are acknowledged and then dropped',
  'slow-under-load': 'processing latency grows with the message rate',
} as const;

export type FaultName = keyof typeof FAULTS;

export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

export function isFaultName(s: string): s is FaultName {
  return Object.hasOwn(FAULTS, s);
}

/** A set of faults that answers `has(name)`; unknown names are a UserError. */
export class FaultSet {
  private readonly set: ReadonlySet<FaultName>;

  constructor(names: readonly string[] = []) {
    const bad = names.filter((n) => !isFaultName(n));
    if (bad.length > 0) {
      throw new UserError('E_SITE_FAULT', `unknown site fault(s): ${bad.join(', ')}`, {
        hint: `known faults: ${FAULT_NAMES.join(', ')}`,
      });
    }
    this.set = new Set(names as FaultName[]);
  }

  has(name: FaultName): boolean {
    return this.set.has(name);
  }

  get names(): FaultName[] {
    return [...this.set];
  }
}

/** Parse `--faults a,b` (commas and spaces separate; empty parts are ignored). */
export function parseFaultList(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
