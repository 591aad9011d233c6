/**
 * Storage growth projection (criterion infrastructure.storage). From measured message sizes and
 * the site's declared daily volume per interface, retention and yearly growth, project the
 * storage in use at go-live, after one year and at the end of the retention period, against
 * the declared capacity with the required headroom.
 *
 * Model: year k after go-live (k = 0, 1, ...) carries the year-0 daily volume times
 * (1 + growth)^k. Data is kept for `retentionYears`, so the peak in use is reached when the
 * first full retention period has accumulated: existing + sum over the retention years.
 */
import { z } from 'zod';
import type { Finding, MeasuredSizes, StorageCheckResult } from '../core/index.js';

const SIZE = /^([0-9]+(?:\.[0-9]+)?)\s*(B|KB|MB|GB|TB|PB|KiB|MiB|GiB|TiB|PiB)$/i;
const FACTOR: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
};

export function parseSize(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  return m ? Number(m[1]) * FACTOR[m[2]!.toLowerCase()]! : undefined;
}

const bytes = z.union([
  z.number().nonnegative(),
  z
    .string()
    .refine((s) => parseSize(s) !== undefined, {
      message: 'expected a size such as "500 GB" or "2 TiB"',
    })
    .transform((s) => parseSize(s)!),
]);

const fraction = z.union([
  z.number().min(0).max(10),
  z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?\s*%$/, 'expected a fraction (0.1) or a percentage ("10%")')
    .transform((s) => Number(s.replace('%', '')) / 100),
]);

export const storageDeclarationSchema = z.strictObject({
  interfaces: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        /** Message type whose measured size is used (`ORU^R01`). */
        messageType: z.string().optional(),
        /** Declared size, when not measured (or to override the measurement). */
        averageBytes: bytes.optional(),
        messagesPerDay: z.number().nonnegative(),
        /** Stored bytes per message byte: indexes, audit trail, derived FHIR resources. */
        overhead: z.number().min(1).max(100).default(3),
      }),
    )
    .min(1),
  retentionYears: z.number().positive().max(100),
  growthPerYear: fraction.default(0),
  capacity: bytes,
  /** Already stored at go-live (migrated history). */
  existing: bytes.default(0),
  /** Share of the capacity that must stay free. */
  headroom: fraction.default(0.2),
});

export type StorageDeclaration = z.output<typeof storageDeclarationSchema>;

/** Measured average size per message type (bytes), e.g. from a load run. */
export type { MeasuredSizes } from '../core/index.js';

export interface StorageProjection {
  dailyBytes: number;
  goLiveBytes: number;
  oneYearBytes: number;
  endOfRetentionBytes: number;
  usableBytes: number;
  fits: boolean;
  perInterface: {
    name: string;
    storedBytesPerMessage: number;
    source: 'measured' | 'declared';
    dailyBytes: number;
  }[];
  missing: string[];
}

/** Bytes accumulated after `years` (may be fractional) of growing daily volume. */
export function accumulated(dailyBytes: number, growth: number, years: number): number {
  let total = 0;
  for (let k = 0; k < Math.ceil(years); k++) {
    const share = Math.min(1, years - k);
    total += 365 * dailyBytes * (1 + growth) ** k * share;
  }
  return total;
}

export function project(decl: StorageDeclaration, measured: MeasuredSizes = {}): StorageProjection {
  const missing: string[] = [];
  const perInterface = decl.interfaces.map((i) => {
    const m = i.messageType ? measured[i.messageType] : undefined;
    const size = i.averageBytes ?? m?.avgBytes;
    if (size === undefined) missing.push(i.name);
    const storedBytesPerMessage = (size ?? 0) * i.overhead;
    return {
      name: i.name,
      storedBytesPerMessage,
      source: (i.averageBytes !== undefined ? 'declared' : 'measured') as 'measured' | 'declared',
      dailyBytes: storedBytesPerMessage * i.messagesPerDay,
    };
  });
  const dailyBytes = perInterface.reduce((a, b) => a + b.dailyBytes, 0);
  const g = decl.growthPerYear;
  const goLiveBytes = decl.existing;
  const oneYearBytes = decl.existing + accumulated(dailyBytes, g, Math.min(1, decl.retentionYears));
  const endOfRetentionBytes = decl.existing + accumulated(dailyBytes, g, decl.retentionYears);
  const usableBytes = decl.capacity * (1 - decl.headroom);
  return {
    dailyBytes,
    goLiveBytes,
    oneYearBytes,
    endOfRetentionBytes,
    usableBytes,
    fits: missing.length === 0 && endOfRetentionBytes <= usableBytes,
    perInterface,
    missing,
  };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 || u === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

/** The infrastructure.storage check result. */
export function projectStorage(
  decl: StorageDeclaration,
  measured: MeasuredSizes = {},
  now: () => number = Date.now,
): StorageCheckResult {
  const p = project(decl, measured);
  const findings: Finding[] = [];
  if (p.missing.length) {
    findings.push({
      rule: 'storage.size-unknown',
      severity: 'error',
      domain: 'infrastructure',
      message: `no message size for interface(s) ${p.missing.join(', ')}: nothing measured and none declared`,
      action: 'run a load profile that sends these message types, or declare averageBytes',
    });
  } else if (!p.fits) {
    const when = yearsUntilFull(decl, p);
    findings.push({
      rule: 'storage.capacity',
      severity: 'error',
      domain: 'infrastructure',
      message: `projected storage at the end of the ${decl.retentionYears}-year retention is ${formatBytes(p.endOfRetentionBytes)}, above the ${formatBytes(p.usableBytes)} usable (capacity ${formatBytes(decl.capacity)} less ${Math.round(decl.headroom * 100)}% headroom)${when !== undefined ? `; the headroom is used up after about ${when.toFixed(1)} years` : ''}`,
      action:
        'add capacity, shorten retention where regulation allows, or archive to cheaper storage before go-live',
      detail: { endOfRetentionBytes: p.endOfRetentionBytes, usableBytes: p.usableBytes },
    });
  }
  const outcome = p.missing.length ? 'error' : p.fits ? 'pass' : 'fail';
  const pct = (b: number) => Math.round((1000 * b) / decl.capacity) / 10;
  return {
    check: 'infrastructure.storage',
    kind: 'storage',
    title: 'Storage growth projection',
    domain: 'infrastructure',
    criteria: ['infrastructure.storage'],
    outcome,
    summary:
      outcome === 'error'
        ? 'Storage could not be projected: a message size is missing.'
        : `${formatBytes(p.dailyBytes)}/day; ${formatBytes(p.oneYearBytes)} after 1 year, ${formatBytes(p.endOfRetentionBytes)} at end of retention (${decl.retentionYears} y) = ${pct(p.endOfRetentionBytes)}% of ${formatBytes(decl.capacity)}; ${p.fits ? 'fits' : 'does not fit'} with ${Math.round(decl.headroom * 100)}% headroom.`,
    findings,
    measurements: {
      daily_bytes: Math.round(p.dailyBytes),
      go_live_bytes: Math.round(p.goLiveBytes),
      one_year_bytes: Math.round(p.oneYearBytes),
      end_of_retention_bytes: Math.round(p.endOfRetentionBytes),
      capacity_bytes: decl.capacity,
      usable_bytes: Math.round(p.usableBytes),
      end_of_retention_pct_capacity: pct(p.endOfRetentionBytes),
      // Free share of capacity left at end of retention: what the review's storage rule reads.
      storage_headroom_pct: Math.round((100 - pct(p.endOfRetentionBytes)) * 10) / 10,
    },
    startedAt: new Date(now()).toISOString(),
    durationMs: 0,
    data: {
      perInterface: p.perInterface,
      retentionYears: decl.retentionYears,
      growthPerYear: decl.growthPerYear,
    },
  };
}

/** Years after go-live until usage passes the usable capacity (undefined if within retention never). */
function yearsUntilFull(decl: StorageDeclaration, p: StorageProjection): number | undefined {
  if (p.goLiveBytes > p.usableBytes) return 0;
  let lo = 0;
  let hi = decl.retentionYears;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (decl.existing + accumulated(p.dailyBytes, decl.growthPerYear, mid) > p.usableBytes)
      hi = mid;
    else lo = mid;
  }
  return hi;
}
