/** Option values shared by the compliance and adoption commands: durations and the clock. */
import { UserError } from '../core/errors.js';
import { parseDurationWithUnit } from '../config/duration.js';
import { parseWhen } from '../inputs/fields.js';

/** `5m`, `90s`, `1m30s`, `500ms`, `1h`: golive's one duration grammar, unit required on flags. */
export function parseDuration(value: string, option: string): number {
  const ms = parseDurationWithUnit(value);
  if (ms === undefined) {
    const bare = /^\s*\d+(\.\d+)?\s*$/.test(value);
    throw new UserError('E_OPTION', `${option}: "${value}" is not a duration`, {
      hint: bare
        ? `give the unit: ${value.trim()}s for seconds, ${value.trim()}ms for milliseconds`
        : 'use e.g. 90s, 5m, 1m30s or 500ms',
    });
  }
  return ms;
}

/**
 * The review instant: `--now`, else GOLIVE_NOW, else the clock. Pinning it makes a review of
 * the same files reproducible (dormancy, expiry and rotation ages depend on it).
 */
export function resolveNow(
  flag: string | undefined,
  env: string | undefined,
  clock: () => Date,
): Date {
  const v = flag ?? env;
  if (v === undefined || v === '') return clock();
  const w = parseWhen(v);
  if (!w)
    throw new UserError('E_OPTION', `--now: "${v}" is not an ISO date or date-time`, {
      hint: 'e.g. --now 2026-02-27 or --now 2026-02-27T09:00:00Z',
    });
  return new Date(w.ms);
}

export function positiveInt(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UserError('E_OPTION', `${option}: "${value}" is not a positive whole number`);
  return n;
}

export function percent(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100)
    throw new UserError('E_OPTION', `${option}: "${value}" is not a percentage (0-100)`);
  return n;
}
