import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  defaultConfig,
  loadConfigFile,
  loadConfigText,
  resolveConfigPath,
} from '../../src/config/index.js';
import { resolveAuth, targetFromConfig } from '../../src/scenarios/runner.js';

function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('golive.yaml', () => {
  it('has usable defaults with no file', () => {
    const c = defaultConfig();
    expect(c.site.timeZone).toBe('UTC');
    expect(c.site.criticalResultDeadline).toBe(15 * 60_000);
    expect(c.site.identifiers.mrnSystem).toBe('urn:golive:mrn:RGH');
    expect(c.scenarios.concurrency).toBe(4);
    expect(c.capture).toEqual({ host: '127.0.0.1', port: 0, ackCode: 'AA' });
  });

  it('loads the complete example, with durations in ms and paths from its folder', () => {
    const loaded = loadConfigFile('examples/golive.yaml', {});
    const c = loaded.config;
    expect(c.site.timeZone).toBe('Europe/London');
    expect(c.target.mllp).toMatchObject({ host: '127.0.0.1', port: 2575, ackTimeout: 10_000 });
    expect(c.scenarios.timeouts).toEqual({ message: 30_000, fhir: 30_000, settle: 2000 });
    expect(c.control?.restart).toMatchObject({ timeout: 120_000 });
    expect(c.load?.storage).toBe('site/load/storage.yaml');
    expect(c.compliance?.access?.dormantAfter).toBe(90 * 86_400_000);
    expect(resolveConfigPath(loaded, 'site/load/failover.yaml')).toMatch(
      /examples\/site\/load\/failover\.yaml$/,
    );
  });

  it('refuses unknown keys with file:line:col and the dot-path', () => {
    const e = thrown(() =>
      loadConfigText('site:\n  name: x\n  timezone: Europe/London\n', 'g.yaml'),
    );
    expect(e.code).toBe('E_SCHEMA');
    // the unknown key's own line (3), not its parent mapping's start (2:3)
    expect(e.format()).toMatch(/g\.yaml:3:3 site\.timezone: unknown key "timezone"/);
    expect(e.message).toMatch(/timezone/);
  });

  it('refuses a bad zone, a bad duration and a bad URL where they are', () => {
    const zone = thrown(() => loadConfigText('site:\n  timeZone: Mars/Olympus\n', 'g.yaml'));
    expect(zone.location).toMatchObject({ line: 2, col: 13, path: 'site.timeZone' });
    const dur = thrown(() => loadConfigText('site:\n  criticalResultDeadline: soon\n', 'g.yaml'));
    expect(dur.message).toMatch(/not a duration/);
    const url = thrown(() => loadConfigText('target:\n  fhir:\n    baseUrl: nope\n', 'g.yaml'));
    expect(url.location?.path).toBe('target.fhir.baseUrl');
  });

  it('lets the environment override endpoints (defaults < file < environment)', () => {
    const text = 'target:\n  mllp: { host: lis.test, port: 2575 }\n';
    const { config } = loadConfigText(text, 'g.yaml', {
      GOLIVE_MLLP_PORT: '3575',
      GOLIVE_FHIR_URL: 'http://127.0.0.1:9/fhir',
    });
    expect(config.target.mllp).toMatchObject({ host: 'lis.test', port: 3575 });
    expect(config.target.fhir?.baseUrl).toBe('http://127.0.0.1:9/fhir');
    expect(() => loadConfigText(text, 'g.yaml', { GOLIVE_MLLP_PORT: 'x' })).toThrow(
      /GOLIVE_MLLP_PORT/,
    );
  });

  it('reads FHIR secrets from the environment only', () => {
    expect(resolveAuth({ type: 'bearer', tokenEnv: 'T' }, { T: 'abc' })).toEqual({
      type: 'bearer',
      token: 'abc',
    });
    const e = thrown(() => resolveAuth({ type: 'basic', username: 'u', passwordEnv: 'PW' }, {}));
    expect(e.code).toBe('E_AUTH_ENV');
    expect(e.exitCode).toBe(2);
  });

  it('needs a target unless the embedded site is used', () => {
    expect(thrown(() => targetFromConfig(defaultConfig())).code).toBe('E_CONFIG_TARGET');
  });

  it('refuses YAML tricks in the config like everywhere else', () => {
    expect(thrown(() => loadConfigText('site: {}\nsite: {}\n', 'g.yaml')).code).toBe(
      'E_YAML_DUPLICATE_KEY',
    );
    expect(thrown(() => loadConfigText('__proto__: { polluted: 1 }\n', 'g.yaml')).code).toBe(
      'E_YAML_KEY',
    );
  });
});
