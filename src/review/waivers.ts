/**
 * Waiver validity (REVIEW.md: "A waiver needs an approver role, a reason and an expiry").
 * Pure: the review time is passed in.
 */
import type { Waiver } from '../core/index.js';
import type { Evidenced } from './types.js';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export type WaiverCheck = { valid: true } | { valid: false; why: string };

/**
 * The instant a waiver stops counting. A date-only expiry (`2026-12-31`) covers that whole
 * day in UTC, which is how a committee reads "expires on the 31st".
 */
export function waiverEnd(expires: string): number {
  if (DATE_ONLY.test(expires)) return Date.parse(`${expires}T00:00:00Z`) + DAY_MS;
  return Date.parse(expires);
}

const REQUIRED: (keyof Waiver)[] = ['approver', 'approverRole', 'reason', 'owner', 'expires'];

export function checkWaiver(w: Waiver, nowMs: number): WaiverCheck {
  const missing = REQUIRED.filter((k) => typeof w[k] !== 'string' || w[k].trim() === '');
  if (missing.length > 0) return { valid: false, why: `it lacks ${missing.join(', ')}` };
  const end = waiverEnd(w.expires);
  if (Number.isNaN(end)) return { valid: false, why: `its expiry "${w.expires}" is not a date` };
  if (nowMs >= end) return { valid: false, why: `it expired on ${w.expires}` };
  if (typeof w.grantedAt === 'string' && w.grantedAt !== '') {
    const granted = Date.parse(w.grantedAt);
    if (Number.isNaN(granted))
      return { valid: false, why: `its grant date "${w.grantedAt}" is not a date` };
    // Re-evaluating an old review must not pick up a waiver granted after it.
    if (granted > nowMs) return { valid: false, why: `it was granted after the review time` };
  }
  return { valid: true };
}

export interface WaiverChoice {
  chosen: Evidenced<Waiver> | undefined;
  rejected: { id: string; why: string }[];
}

/**
 * Pick the valid waiver that lasts longest (ties broken by evidence id, for determinism);
 * report why every other waiver was not applied.
 */
export function chooseWaiver(waivers: readonly Evidenced<Waiver>[], nowMs: number): WaiverChoice {
  const rejected: { id: string; why: string }[] = [];
  let chosen: Evidenced<Waiver> | undefined;
  for (const w of waivers) {
    const check = checkWaiver(w.value, nowMs);
    if (!check.valid) {
      rejected.push({ id: w.id, why: check.why });
      continue;
    }
    if (
      !chosen ||
      waiverEnd(w.value.expires) > waiverEnd(chosen.value.expires) ||
      (waiverEnd(w.value.expires) === waiverEnd(chosen.value.expires) && w.id < chosen.id)
    ) {
      chosen = w;
    }
  }
  rejected.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { chosen, rejected };
}
