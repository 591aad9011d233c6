/** Option values shared by the compliance and adoption commands: durations and the clock. */
import { UserError } from '../core/index.js';
import { parseDurationWithUnit } from '../config/duration.js';
import { parseWhen } from '../inputs/index.js';
import { parseSize } from '../load/storage.js';

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
 * The review instant: `--as-of` (or the old `--now`), else GOLIVE_NOW, else the clock. Pinning
 * it makes a review of the same files reproducible (dormancy, expiry and rotation ages depend on
 * it).
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
    throw new UserError('E_OPTION', `--as-of: "${v}" is not an ISO date or date-time`, {
      hint: 'e.g. --as-of 2026-02-27 or --as-of 2026-02-27T09:00:00Z',
    });
  return new Date(w.ms);
}

/**
 * A whole number of at least `min` (default 0). `example` is a value that makes sense for this
 * option (`--concurrency` 4, `--timeout` 10000): the hint of a bad value shows it.
 */
export function wholeNumber(value: string, option: string, example: string, min = 0): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < min)
    throw new UserError(
      'E_OPTION',
      `${option}: "${value}" is not a ${min === 1 ? 'positive whole number' : min > 0 ? `whole number of at least ${min}` : 'whole number'}`,
      { hint: `e.g. ${option} ${example}` },
    );
  return n;
}

/** A whole number above 0; `example` as for `wholeNumber`. */
export function positiveInt(value: string, option: string, example: string): number {
  return wholeNumber(value, option, example, 1);
}

/**
 * A size in bytes: `16MiB`, `512KiB`, `2MB` (the size grammar of load/storage.ts, units
 * B, KB, MB, GB, KiB, MiB, GiB...) or a whole number of bytes; at least `min`.
 */
export function byteSize(value: string, option: string, min = 1): number {
  const t = value.trim();
  const size = /^\d+$/.test(t) ? Number(t) : parseSize(t);
  if (size === undefined || !Number.isSafeInteger(Math.floor(size)))
    throw new UserError('E_OPTION', `${option}: "${value}" is not a size`, {
      hint: `use e.g. ${option} 16MiB, 512KiB or 1048576 (bytes)`,
    });
  if (Math.floor(size) < min)
    throw new UserError('E_OPTION', `${option}: ${value} is below the least, ${min} bytes`, {
      hint: `give at least ${min} bytes, e.g. ${option} 16MiB`,
    });
  return Math.floor(size);
}

/** A percentage from 0 to 100; `example` as for `wholeNumber`. */
export function percent(value: string, option: string, example: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100)
    throw new UserError('E_OPTION', `${option}: "${value}" is not a percentage (0-100)`, {
      hint: `give a number from 0 to 100 without the % sign, e.g. ${option} ${example}`,
    });
  return n;
}
