/**
 * The load target and storage declaration named by golive.yaml (`target`, `capture`, `control`,
 * `load.storage`), shared by `golive load --config` and `golive run`.
 */
import { UserError } from '../core/index.js';
import { captureLimits, resolveConfigPath, type LoadedConfig } from '../config/index.js';
import { loadYamlFile } from '../inputs/index.js';
import { startMllpListener } from '../transports/index.js';
import { hooksFromSpecs } from './control.js';
import type { LoadedProfile } from './profile.js';
import type { LoadTarget } from './run.js';
import { storageDeclarationSchema, type StorageDeclaration } from './storage.js';

export interface ConfigLoadTarget {
  target: LoadTarget;
  /** Closes the capture listener started for the profile's end-to-end check, if any. */
  stop(): Promise<void>;
}

/** Target from golive.yaml; the capture listener is started when the profile checks end to end. */
export async function loadTargetFromConfig(
  loaded: LoadedConfig | undefined,
  lp: LoadedProfile,
): Promise<ConfigLoadTarget> {
  const t = loaded?.config.target;
  if (!t?.mllp) {
    throw new UserError('E_LOAD_TARGET', 'no target: golive.yaml names no target.mllp', {
      location: loaded?.file ? { file: loaded.file, path: 'target.mllp' } : undefined,
      hint: 'give --config golive.yaml with target.mllp (and target.fhir), or --target embedded',
    });
  }
  const target: LoadTarget = {
    mllp: { host: t.mllp.host, port: t.mllp.port },
    fhirBase: t.fhir?.baseUrl,
    control: loaded?.config.control ? hooksFromSpecs(loaded.config.control) : undefined,
  };
  if (!lp.profile.endToEnd?.capture) return { target, stop: async () => {} };
  const c = loaded!.config.capture;
  const capture = await startMllpListener({
    host: c.host,
    port: c.port,
    ackCode: c.ackCode,
    ...captureLimits(c),
  });
  target.capture = capture;
  return { target, stop: () => capture.close(500) };
}

/**
 * `load.storage` of golive.yaml: a declaration file (relative to the config) or the same keys
 * inline. Undefined when the config declares none. Bad input is a UserError with its location.
 */
export function storageFromConfig(loaded: LoadedConfig): StorageDeclaration | undefined {
  const s = loaded.config.load?.storage;
  if (s === undefined) return undefined;
  if (typeof s === 'string') {
    return loadYamlFile(resolveConfigPath(loaded, s), storageDeclarationSchema).value;
  }
  const decl = storageDeclarationSchema.safeParse(s);
  if (decl.success) return decl.data;
  const issue = decl.error.issues[0]!;
  const path = `load.storage.${issue.path.join('.')}`;
  throw new UserError('E_CONFIG', `${path}: ${issue.message}`, {
    location: { file: loaded.file, path },
    hint: 'see docs/load.md, "Storage growth"',
  });
}
