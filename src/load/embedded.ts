/**
 * The embedded target for `golive load --target embedded` and the tests: golive's capture
 * listener, and the reference site started in-process forwarding to it (docs/site.md).
 * A failover restart of a site without a data file would come back empty, so a temporary data
 * file is used when asked for (`durable`), as a real interface engine persists its queue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSite, type Site, type SiteConfigInput } from '../site/index.js';
import { startMllpListener } from '../transports/mllp/index.js';
import type { LoadTarget } from './run.js';

export interface EmbeddedTarget {
  target: LoadTarget;
  site: Site;
  stop(): Promise<void>;
}

export async function startEmbeddedTarget(
  opts: {
    faults?: string[];
    durable?: boolean;
    /** Fault intensities (e.g. slowPerMessageMs of slow-under-load): docs/site.md. */
    faultOptions?: SiteConfigInput['faultOptions'];
    /** Site profile (docs/site.md, Profiles). */
    profile?: SiteConfigInput['profile'];
  } = {},
): Promise<EmbeddedTarget> {
  const capture = await startMllpListener({ port: 0 });
  const dir = opts.durable ? mkdtempSync(join(tmpdir(), 'golive-load-')) : undefined;
  let site: Site;
  try {
    site = await startSite({
      mllpPort: 0,
      fhirPort: 0,
      downstream: capture.address,
      faults: opts.faults ?? [],
      ...(opts.faultOptions ? { faultOptions: opts.faultOptions } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(dir ? { dataFile: join(dir, 'site.db') } : {}),
    });
  } catch (e) {
    await capture.close(0);
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    site,
    target: {
      mllp: site.mllp,
      fhirBase: site.fhirBase,
      capture,
      control: {
        restart: () => site.restart(),
        pause: () => site.pause(),
        resume: () => site.resume(),
      },
    },
    stop: async () => {
      await site.stop();
      await capture.close(500);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
