/**
 * `--target embedded`: the reference site (docs/site.md) started in-process with the given
 * faults, its downstream pointed at golive's capture listener, and every endpoint of the
 * config pointed at it. The site gets a throw-away data file so a restart keeps what was
 * acknowledged (as a real receiver must), which is what `downtime.recovery` relies on.
 * Waits are shortened to fit a local site; the critical-result deadline becomes 5 s, well
 * under the site's slow-notification fault (20 s) and well over its normal delay (0 ms).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GoliveConfig } from '../config/schema.js';
import { FhirClient } from '../fhir/client.js';
import { startSite, type Site } from '../site/index.js';
import { startCapture, type CaptureBuffer } from './capture.js';
import { hooksFromConfig } from './control.js';
import type { Target } from './execute.js';

export interface EmbeddedTarget {
  site: Site;
  capture: CaptureBuffer;
  target: Target;
  /** The config with endpoints, control hooks and waits set for the embedded site. */
  config: GoliveConfig;
  stop(): Promise<void>;
}

export const EMBEDDED_TIMEOUTS = { message: 5000, fhir: 5000, settle: 300 };
export const EMBEDDED_CRITICAL_DEADLINE_MS = 5000;

export async function startEmbeddedTarget(
  base: GoliveConfig,
  opts: { faults?: string[]; dataFile?: boolean; profile?: 'standard' | 'minimal' } = {},
): Promise<EmbeddedTarget> {
  const capture = await startCapture('127.0.0.1', 0);
  const dir = opts.dataFile === false ? undefined : mkdtempSync(join(tmpdir(), 'golive-site-'));
  let site: Site;
  try {
    site = await startSite({
      mllpPort: 0,
      fhirPort: 0,
      downstream: capture.address,
      faults: opts.faults ?? [],
      ...(opts.profile ? { profile: opts.profile } : {}),
      dataFile: dir ? join(dir, 'site.db') : undefined,
      stabilityWindowMs: base.site.stabilityWindow,
    });
  } catch (e) {
    await capture.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const hook = (action: string) => ({
    http: { url: `${site.controlBase}/${action}`, method: 'POST' as const },
    timeout: 30_000,
  });
  const config: GoliveConfig = {
    ...base,
    site: {
      ...base.site,
      criticalResultDeadline: EMBEDDED_CRITICAL_DEADLINE_MS,
      // What the reference site sends on to the capture listener (docs/site.md, Outbound):
      // the site is the target here, so its behaviour wins over what golive.yaml describes.
      outbound: {
        resultsApplication: 'DOWNSTREAM-EHR',
        ...(opts.profile === 'minimal' ? {} : { notificationApplication: 'CRITICAL-NOTIFY' }),
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
    capture: { host: '127.0.0.1', port: capture.address.port, ackCode: 'AA' },
    control: { pause: hook('pause'), resume: hook('resume'), restart: hook('restart') },
    scenarios: { ...base.scenarios, timeouts: { ...EMBEDDED_TIMEOUTS } },
  };
  const target: Target = {
    name: `embedded reference site (mllp ${site.mllp.host}:${site.mllp.port}, ${site.fhirBase})${opts.faults?.length ? ` with faults ${opts.faults.join(', ')}` : ''}`,
    mllp: {
      host: site.mllp.host,
      port: site.mllp.port,
      connectTimeoutMs: 3000,
      ackTimeoutMs: 10_000,
    },
    fhir: new FhirClient({ baseUrl: site.fhirBase, timeoutMs: 10_000, retries: 2 }),
    control: hooksFromConfig(config.control),
  };
  return {
    site,
    capture,
    target,
    config,
    async stop() {
      await site.stop();
      await capture.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
