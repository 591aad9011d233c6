/**
 * Loading golive.yaml. Precedence (ARCHITECTURE.md): defaults < golive.yaml < environment <
 * flags. The environment overrides only endpoints, so one file serves several test
 * environments; flags are applied by the command that owns them.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { UserError } from '../core/index.js';
import { parseYamlText, readTextFile } from '../inputs/index.js';
import {
  checkConfigFileSize,
  checkConfigNotEmpty,
  checkConfigStrings,
  checkConfigTextSize,
} from './limits.js';
import { ConfigError, describeIssues } from './problems.js';
import { configSchema, type GoliveConfig } from './schema.js';

export interface LoadedConfig {
  config: GoliveConfig;
  /** The file it came from, when there was one. */
  file?: string;
  /** Directory relative paths in the config are resolved from. */
  baseDir: string;
}

/** The configuration with every default and nothing else. */
export function defaultConfig(): GoliveConfig {
  return configSchema.parse({});
}

/**
 * Parse and validate the text of golive.yaml. YAML syntax and safety (duplicate keys, aliases,
 * prototype keys) are refused as for every input; schema problems come all at once, each at its
 * own line and column, in plain words (problems.ts).
 */
function validate(text: string, file: string): GoliveConfig {
  checkConfigTextSize(Buffer.byteLength(text), file);
  const { data, doc, lines } = parseYamlText(text, file);
  checkConfigStrings(doc, lines, file);
  const parsed = configSchema.safeParse(data ?? {});
  if (parsed.success) {
    checkConfigNotEmpty(doc, data, file);
    return parsed.data;
  }
  throw new ConfigError(
    file,
    describeIssues(parsed.error.issues, { file, doc, lines, data: data ?? {} }, configSchema),
  );
}

/** Read and validate golive.yaml, then apply environment overrides. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  checkConfigFileSize(file);
  const value = validate(readTextFile(file), file);
  return { config: applyEnv(value, env), file, baseDir: dirname(resolve(file)) };
}

/** Same from text (tests, stdin). */
export function loadConfigText(
  text: string,
  file = 'golive.yaml',
  env: NodeJS.ProcessEnv = {},
): LoadedConfig {
  const value = validate(text, file);
  return { config: applyEnv(value, env), file, baseDir: dirname(resolve(file)) };
}

/** Resolve a path written in the config relative to its directory. */
export function resolveConfigPath(loaded: LoadedConfig, p: string): string {
  return isAbsolute(p) ? p : resolve(loaded.baseDir, p);
}

function envInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UserError('E_ENV', `${name}="${v}" is not a port number`, {
      hint: `unset ${name} or give a number from 0 to 65535`,
    });
  }
  return n;
}

/**
 * Environment overrides: GOLIVE_MLLP_HOST, GOLIVE_MLLP_PORT, GOLIVE_FHIR_URL,
 * GOLIVE_CAPTURE_PORT. They win over the file, and lose to command-line flags.
 */
export function applyEnv(config: GoliveConfig, env: NodeJS.ProcessEnv): GoliveConfig {
  const out: GoliveConfig = structuredClone(config);
  const mllpHost = env.GOLIVE_MLLP_HOST;
  const mllpPort = envInt(env, 'GOLIVE_MLLP_PORT');
  if (mllpHost || mllpPort !== undefined) {
    const base = out.target.mllp ?? {
      host: '127.0.0.1',
      port: 0,
      connectTimeout: 5000,
      ackTimeout: 10_000,
    };
    out.target.mllp = { ...base, host: mllpHost || base.host, port: mllpPort ?? base.port };
  }
  const fhirUrl = env.GOLIVE_FHIR_URL;
  if (fhirUrl) {
    try {
      new URL(fhirUrl);
    } catch {
      throw new UserError('E_ENV', `GOLIVE_FHIR_URL="${fhirUrl}" is not a URL`, {
        hint: 'for example http://127.0.0.1:8080/fhir',
      });
    }
    const base = out.target.fhir ?? {
      baseUrl: fhirUrl,
      auth: { type: 'none' as const },
      timeout: 10_000,
      retries: 2,
    };
    out.target.fhir = { ...base, baseUrl: fhirUrl };
  }
  const capturePort = envInt(env, 'GOLIVE_CAPTURE_PORT');
  if (capturePort !== undefined) out.capture = { ...out.capture, port: capturePort };
  return out;
}
