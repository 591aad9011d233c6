/**
 * startSite options: one zod schema gives the types, defaults and dot-path validation messages
 * (ARCHITECTURE.md: config is schema-first; unknown keys are rejected).
 */
import { z } from 'zod';
import { UserError } from '../core/index.js';
import { FaultSet } from './faults.js';
import { PROFILE_NAMES, PROFILES, faultsFor, type SiteProfile } from './profile.js';

const hostPort = z
  .union([
    z.string().regex(/^[^:\s]+:\d{1,5}$/, 'expected HOST:PORT'),
    z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }),
  ])
  .transform((v) =>
    typeof v === 'string'
      ? { host: v.slice(0, v.lastIndexOf(':')), port: Number(v.slice(v.lastIndexOf(':') + 1)) }
      : v,
  );

const port = z.number().int().min(0).max(65535);
const ms = z.number().int().min(0);

export const siteOptionsSchema = z.strictObject({
  /** How the site represents what it files (docs/site.md, Profiles). */
  profile: z.enum(PROFILE_NAMES).default('standard'),
  mllpPort: port.default(0),
  fhirPort: port.default(0),
  downstream: hostPort.optional(),
  faults: z.array(z.string()).default([]),
  dataFile: z.string().min(1).optional(),
  localOffsetMinutes: z.number().int().min(-840).max(840).default(0),
  criticalDelayMs: ms.default(0),
  criticalRanges: z
    .array(
      z.strictObject({
        code: z.string().min(1),
        system: z.string().optional(),
        low: z.number().optional(),
        high: z.number().optional(),
      }),
    )
    .default([]),
  stabilityWindowMs: ms.default(4 * 3600_000),
  stabilityWindows: z.record(z.string(), ms).default({}),
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  maxFrameBytes: z
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
  /** MLLP connections at once; more are refused (decision 013). */
  maxConnections: z.number().int().min(1).default(256),
  /** Bytes of unfinished MLLP frames held over all connections (decision 013). */
  maxPartialBytes: z
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  app: z.string().min(1).default('GOLIVE-SITE'),
  facility: z.string().min(1).default('REFHOSP'),
  faultOptions: z
    .strictObject({
      burstRatePerSec: z.number().int().min(1).default(50),
      slowPerMessageMs: z.number().min(0).default(5),
      slowCriticalNotifyMs: ms.default(20_000),
      flushIntervalMs: z.number().int().min(10).default(2000),
    })
    .prefault({}),
  outbound: z
    .strictObject({
      retryMinMs: z.number().int().min(1).default(200),
      retryMaxMs: z.number().int().min(1).default(5000),
      ackTimeoutMs: z.number().int().min(1).default(5000),
    })
    .prefault({}),
});

export type SiteConfigInput = z.input<typeof siteOptionsSchema>;

/** Everything startSite accepts: the data options plus injected functions. */
export interface SiteOptions extends SiteConfigInput {
  /** Injected clock, ms since the epoch. */
  clock?: () => number;
  /** Injected id generator for resource ids. */
  newId?: () => string;
  /** Receives one line per notable event (outbound retries, handler errors). */
  log?: (line: string) => void;
}

export type ResolvedOptions = z.output<typeof siteOptionsSchema> & {
  clock: () => number;
  newId: () => string;
  log: (line: string) => void;
  faultSet: FaultSet;
  /** The representation rules of `profile`. */
  rules: SiteProfile;
};

export function resolveOptions(input: SiteOptions = {}): ResolvedOptions {
  const { clock, newId, log, ...data } = input;
  const parsed = siteOptionsSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const path = first.path.join('.') || '(options)';
    throw new UserError('E_SITE_CONFIG', `${path}: ${first.message}`, {
      location: { path },
      hint: 'see docs/site.md, section Options',
    });
  }
  const faultSet = new FaultSet(parsed.data.faults);
  const profile = parsed.data.profile;
  const unfit = faultSet.names.filter((f) => !faultsFor(profile).includes(f));
  if (unfit.length > 0) {
    throw new UserError(
      'E_SITE_FAULT',
      `fault(s) ${unfit.join(', ')} cannot be represented in the ${profile} profile`,
      { location: { path: 'faults' }, hint: 'see docs/site.md, section Faults by profile' },
    );
  }
  return {
    ...parsed.data,
    clock: clock ?? Date.now,
    newId: newId ?? (() => crypto.randomUUID()),
    log: log ?? (() => {}),
    faultSet,
    rules: PROFILES[profile],
  };
}
