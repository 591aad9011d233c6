/**
 * One target factory: every phase of `golive run` (and `golive scenarios run`, `load`, `probe`)
 * gets its target here, either the systems golive.yaml names or the embedded reference site
 * (docs/site.md). Only the runner and the CLI know the site (ARCHITECTURE.md): scenarios and
 * load receive a target (endpoints, a capture listener, control hooks) and never start one.
 *
 * An embedded target is one site per phase: the workflow phases (probe, scenarios, audit) share
 * one, each load or failover profile gets its own, so faults can be switched on per phase and a
 * failover restart never disturbs a scenario.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type GoliveConfig, type LoadedConfig } from '../config/index.js';
import { FhirClient } from '../fhir/index.js';
import { loadTargetFromConfig, type LoadTarget, type LoadedProfile } from '../load/index.js';
import {
  hooksFromConfig,
  probeTarget,
  startCapture,
  targetFromConfig,
  type CaptureBuffer,
  type Target,
} from '../scenarios/index.js';
import { startSite, type Site, type SiteConfigInput, type SiteOptions } from '../site/index.js';
import { startMllpListener } from '../transports/index.js';

export type SiteProfileName = 'standard' | 'minimal';

/** The embedded reference site: faults per phase, intensities and the profile it runs. */
export interface EmbeddedSite {
  faults: { scenarios: string[]; load: string[]; failover: string[] };
  /** Fault intensities for the load and failover sites (docs/site.md, faultOptions). */
  faultOptions?: SiteConfigInput['faultOptions'];
  /** How the site represents what it stores (docs/site.md, Profiles); default standard. */
  profile?: SiteProfileName;
}

/** The target of the workflow phases (probe, scenarios, audit). */
export interface WorkflowTarget {
  /** golive.yaml as the phases see it (for the embedded site: its endpoints, hooks and waits). */
  config: GoliveConfig;
  /** The endpoints; made on first use, since FHIR credentials are read from the environment. */
  target(): Target;
  /** The capture listener the embedded site forwards to (a real target's is started per run). */
  capture?: CaptureBuffer;
  embedded: boolean;
  stop(): Promise<void>;
}

/** The target of one load or failover profile. */
export interface PhaseLoadTarget {
  target: LoadTarget;
  /** Set for the embedded site (the CLI names its addresses). */
  site?: Site;
  stop(): Promise<void>;
}

export interface Targets {
  readonly embedded: boolean;
  /** A real target's first problem of reachability, if any (the embedded site is always up). */
  reach(): Promise<string | undefined>;
  workflow(opts?: { dataFile?: boolean }): Promise<WorkflowTarget>;
  load(lp: LoadedProfile, phase: 'load' | 'failover'): Promise<PhaseLoadTarget>;
}

export interface TargetOptions {
  /** Run against the embedded reference site instead of `target` of golive.yaml. */
  embedded?: EmbeddedSite;
  env?: NodeJS.ProcessEnv;
}

/** The targets of a run: from golive.yaml (may be absent for `golive load`) and the options. */
export function targetsFor(loaded: LoadedConfig | undefined, o: TargetOptions = {}): Targets {
  const env = o.env ?? process.env;
  const config = loaded?.config ?? defaultConfig();
  const emb = o.embedded;
  if (emb) {
    return {
      embedded: true,
      reach: async () => undefined,
      async workflow(w = {}) {
        const e = await startEmbeddedTarget(config, {
          faults: emb.faults.scenarios,
          ...(w.dataFile === false ? { dataFile: false } : {}),
          ...(emb.profile ? { profile: emb.profile } : {}),
        });
        return {
          config: e.config,
          target: () => e.target,
          capture: e.capture,
          embedded: true,
          stop: e.stop,
        };
      },
      load: (lp, phase) =>
        startEmbeddedLoadTarget({
          faults: emb.faults[phase],
          durable: !!lp.profile.failover,
          ...(emb.faultOptions ? { faultOptions: emb.faultOptions } : {}),
          ...(emb.profile ? { profile: emb.profile } : {}),
        }),
    };
  }
  let made: Target | undefined;
  const target = () => (made ??= targetFromConfig(config, env));
  return {
    embedded: false,
    reach: () => probeTarget(target()),
    workflow: async () => ({ config, target, embedded: false, stop: async () => {} }),
    load: (lp) => loadTargetFromConfig(loaded, lp),
  };
}

/** What the scenarios see of the embedded site (tests and the bench start it directly). */
export interface EmbeddedTarget {
  site: Site;
  capture: CaptureBuffer;
  target: Target;
  /** The config with endpoints, control hooks and waits set for the embedded site. */
  config: GoliveConfig;
  stop(): Promise<void>;
}

/** Waits shortened to fit a local site. */
export const EMBEDDED_TIMEOUTS = { message: 5000, fhir: 5000, settle: 300 };
/**
 * The critical-result deadline on the embedded site: well under its slow-notification fault
 * (20 s) and well over its normal delay (0 ms).
 */
export const EMBEDDED_CRITICAL_DEADLINE_MS = 5000;

/**
 * The reference site on free ports, with its data file in a fresh temporary folder when
 * `dirPrefix` is given. If the site cannot start, `closeCapture` runs and the folder goes.
 */
async function siteInTempDir(
  opts: Omit<SiteOptions, 'mllpPort' | 'fhirPort' | 'dataFile'>,
  dirPrefix: string | undefined,
  closeCapture: () => Promise<unknown>,
): Promise<{ site: Site; dir: string | undefined }> {
  const dir = dirPrefix ? mkdtempSync(join(tmpdir(), dirPrefix)) : undefined;
  try {
    const site = await startSite({
      ...opts,
      mllpPort: 0,
      fhirPort: 0,
      ...(dir ? { dataFile: join(dir, 'site.db') } : {}),
    });
    return { site, dir };
  } catch (e) {
    await closeCapture();
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The reference site for the workflow phases, its downstream pointed at golive's capture
 * listener and every endpoint of the config pointed at it. The site gets a throw-away data file
 * (unless `dataFile: false`) so a restart keeps what was acknowledged, as a real receiver must,
 * which is what `downtime.recovery` relies on.
 */
export async function startEmbeddedTarget(
  base: GoliveConfig,
  opts: { faults?: string[]; dataFile?: boolean; profile?: SiteProfileName } = {},
): Promise<EmbeddedTarget> {
  const capture = await startCapture('127.0.0.1', 0);
  const { site, dir } = await siteInTempDir(
    {
      downstream: capture.address,
      faults: opts.faults ?? [],
      ...(opts.profile ? { profile: opts.profile } : {}),
      stabilityWindowMs: base.site.stabilityWindow,
    },
    opts.dataFile === false ? undefined : 'golive-site-',
    () => capture.close(),
  );
  const config = embeddedConfig(base, site, capture.address.port, opts.profile);
  const faults = opts.faults?.length ? ` with faults ${opts.faults.join(', ')}` : '';
  const target: Target = {
    name: `embedded reference site (mllp ${site.mllp.host}:${site.mllp.port}, ${site.fhirBase})${faults}`,
    mllp: {
      host: site.mllp.host,
      port: site.mllp.port,
      connectTimeoutMs: 3000,
      ackTimeoutMs: 10_000,
    },
    fhir: new FhirClient({ baseUrl: site.fhirBase, timeoutMs: 10_000, retries: 2 }),
    control: hooksFromConfig(config.control),
  };
  const stop = async () => {
    await site.stop();
    await capture.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  return { site, capture, target, config, stop };
}

/** golive.yaml pointed at a started embedded site: endpoints, capture, control hooks, waits. */
function embeddedConfig(
  base: GoliveConfig,
  site: Site,
  capturePort: number,
  profile: SiteProfileName | undefined,
): GoliveConfig {
  const hook = (action: string) => ({
    http: { url: `${site.controlBase}/${action}`, method: 'POST' as const },
    timeout: 30_000,
  });
  return {
    ...base,
    site: {
      ...base.site,
      criticalResultDeadline: EMBEDDED_CRITICAL_DEADLINE_MS,
      // What the reference site sends on to the capture listener (docs/site.md, Outbound):
      // the site is the target here, so its behaviour wins over what golive.yaml describes.
      outbound: {
        resultsApplication: 'DOWNSTREAM-EHR',
        ...(profile === 'minimal' ? {} : { notificationApplication: 'CRITICAL-NOTIFY' }),
      },
    },
    target: {
      ...base.target,
      mllp: {
        host: site.mllp.host,
        port: site.mllp.port,
        connectTimeout: 3000,
        ackTimeout: 10_000,
      },
      fhir: { baseUrl: site.fhirBase, auth: { type: 'none' }, timeout: 10_000, retries: 2 },
    },
    capture: { host: '127.0.0.1', port: capturePort, ackCode: 'AA' },
    control: { pause: hook('pause'), resume: hook('resume'), restart: hook('restart') },
    scenarios: { ...base.scenarios, timeouts: { ...EMBEDDED_TIMEOUTS } },
  };
}

/** What a load profile sees of the embedded site. */
export interface EmbeddedLoadTarget {
  target: LoadTarget;
  site: Site;
  stop(): Promise<void>;
}

/**
 * The reference site for one load or failover profile, forwarding to golive's capture
 * listener. A failover restart of a site without a data file would come back empty, so a
 * temporary data file is used when asked for (`durable`), as a real interface engine persists
 * its queue.
 */
export async function startEmbeddedLoadTarget(
  opts: {
    faults?: string[];
    durable?: boolean;
    /** Fault intensities (e.g. slowPerMessageMs of slow-under-load): docs/site.md. */
    faultOptions?: SiteConfigInput['faultOptions'];
    profile?: SiteProfileName;
  } = {},
): Promise<EmbeddedLoadTarget> {
  const capture = await startMllpListener({ port: 0 });
  const { site, dir } = await siteInTempDir(
    {
      downstream: capture.address,
      faults: opts.faults ?? [],
      ...(opts.faultOptions ? { faultOptions: opts.faultOptions } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
    },
    opts.durable ? 'golive-load-' : undefined,
    () => capture.close(0),
  );
  const control = {
    restart: () => site.restart(),
    pause: () => site.pause(),
    resume: () => site.resume(),
  };
  return {
    site,
    target: { mllp: site.mllp, fhirBase: site.fhirBase, capture, control },
    stop: async () => {
      await site.stop();
      await capture.close(500);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
