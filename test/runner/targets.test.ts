/**
 * The one target factory (runner/targets.ts): what each phase gets. The embedded workflow
 * target carries the config the scenarios have always had (shortened waits, the critical
 * deadline, the site's own outbound applications per profile, control hooks on the site);
 * each load or failover profile gets its own site with its phase's faults; a real target is
 * the config's, made only when used.
 */
import net from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfigText } from '../../src/config/index.js';
import { loadBuiltinProfile, loadProfileFile } from '../../src/load/index.js';
import { targetsFor } from '../../src/runner/targets.js';
import { ROOT } from '../helpers/cli.js';

const FAULTS = {
  scenarios: ['unit-rewrite'],
  load: ['slow-under-load'],
  failover: ['lost-on-restart'],
};

const failoverProfile = loadProfileFile(resolve(ROOT, 'examples/site/load/failover.yaml'));

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('target factory', () => {
  it.each(['standard', 'minimal'] as const)(
    'embedded workflow target (%s): endpoints, capture, hooks and waits set for the local site',
    async (profile) => {
      const base = defaultConfig();
      const targets = targetsFor(
        { config: base, baseDir: '.' },
        { embedded: { faults: { ...FAULTS, scenarios: [] }, profile } },
      );
      expect(targets.embedded).toBe(true);
      expect(await targets.reach()).toBeUndefined();
      const w = await targets.workflow({ dataFile: false });
      try {
        const c = w.config;
        const t = w.target();
        expect(w.embedded).toBe(true);
        expect(c.scenarios.timeouts).toEqual({ message: 5000, fhir: 5000, settle: 300 });
        expect(c.site.criticalResultDeadline).toBe(5000);
        expect(c.site.outbound).toEqual(
          profile === 'minimal'
            ? { resultsApplication: 'DOWNSTREAM-EHR' }
            : { resultsApplication: 'DOWNSTREAM-EHR', notificationApplication: 'CRITICAL-NOTIFY' },
        );
        expect(c.target.mllp).toEqual({
          host: t.mllp!.host,
          port: t.mllp!.port,
          connectTimeout: 3000,
          ackTimeout: 10_000,
        });
        expect(c.target.fhir).toMatchObject({ baseUrl: t.fhir!.baseUrl, auth: { type: 'none' } });
        expect(c.capture).toEqual({
          host: '127.0.0.1',
          port: w.capture!.address.port,
          ackCode: 'AA',
        });
        for (const action of ['pause', 'resume', 'restart'] as const)
          expect(c.control?.[action]).toEqual({
            http: { url: expect.stringMatching(new RegExp(`/control/${action}$`)), method: 'POST' },
            timeout: 30_000,
          });
        // The rest of golive.yaml is kept as it was.
        expect(c.scenarios.include).toEqual(base.scenarios.include);
        expect(c.site.timeZone).toEqual(base.site.timeZone);
        const meta = await t.fhir!.request('GET', 'metadata');
        expect(meta.status).toBe(200);
      } finally {
        await w.stop();
      }
    },
  );

  it('each load or failover profile gets its own site with the faults of its phase', async () => {
    const faultOptions = { slowPerMessageMs: 1 };
    const targets = targetsFor(undefined, { embedded: { faults: FAULTS, faultOptions } });
    const load = await targets.load(loadBuiltinProfile('peak'), 'load');
    const fo = await targets.load(failoverProfile, 'failover');
    try {
      expect(load.site!.options.faults).toEqual(['slow-under-load']);
      expect(load.site!.options.faultOptions).toMatchObject(faultOptions);
      // Only a failover restart needs what was acknowledged to survive: a data file then.
      expect(load.site!.options.dataFile).toBeUndefined();
      expect(fo.site!.options.faults).toEqual(['lost-on-restart']);
      expect(fo.site!.options.dataFile).toMatch(/site\.db$/);
      expect(fo.target.mllp.port).not.toBe(load.target.mllp.port);
      expect(fo.target.capture).toBeDefined();
      expect(typeof fo.target.control?.restart).toBe('function');
    } finally {
      await load.stop();
      await fo.stop();
    }
  });

  it('a real target is the config: nothing started, endpoints made on first use, reachability probed', async () => {
    const port = await closedPort();
    const loaded = loadConfigText(
      `version: 1\ntarget:\n  mllp: { host: 127.0.0.1, port: ${port} }\n  fhir: { baseUrl: 'http://127.0.0.1:${port}/fhir', auth: { type: bearer, tokenEnv: GOLIVE_TEST_TOKEN } }\n`,
    );
    const targets = targetsFor(loaded, { env: {} });
    expect(targets.embedded).toBe(false);
    const w = await targets.workflow();
    expect(w.config).toBe(loaded.config);
    expect(w.capture).toBeUndefined();
    // Credentials are read when the endpoints are made, not before.
    expect(() => w.target()).toThrow(/GOLIVE_TEST_TOKEN/);
    const ok = targetsFor(loaded, { env: { GOLIVE_TEST_TOKEN: 't' } });
    expect(await ok.reach()).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}`));
    const lt = await ok.load(loadBuiltinProfile('peak'), 'load');
    expect(lt.site).toBeUndefined();
    expect(lt.target.mllp).toEqual({ host: '127.0.0.1', port });
    await lt.stop();
  });
});
