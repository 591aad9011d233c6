/**
 * Running a set of scenarios against a target: a reachability probe first (an unreachable
 * target gives `error` results and exit code 3, never fail or pass), the capture listener,
 * then the scenarios concurrently up to a limit. Scenarios marked `exclusive` (they pause or
 * restart the target) run alone, after the others; scenarios that look back at the whole run
 * (the `audit` step) run alone at the very end.
 */
import net from 'node:net';
import type { CheckResult, Exchange, StepResult } from '../core/index.js';
import { UserError } from '../core/index.js';
import type { AuditSource } from '../compliance/index.js';
import { captureLimits, type FhirAuth, type GoliveConfig } from '../config/index.js';
import { FhirClient, FhirTransportError, type FhirAuthResolved } from '../fhir/index.js';
import { startCapture, type CaptureBuffer } from './capture.js';
import { hooksFromConfig } from './control.js';
import { exitCodeOf as exitCodeFor } from '../core/index.js';
import { readCapabilities, type Capabilities } from '../fhir/index.js';
import { executeScenario, type RunContext, type Target } from './execute.js';
import type { LoadedScenario } from './loader.js';
import { BUILTIN_REGISTRY, type StepRegistry } from './steps/registry.js';
import type { ManualPrompt } from './steps/types.js';
import { TemplateStore } from './templates.js';
import { IdSource } from './values.js';

export type RunEvent =
  | { type: 'run-begin'; total: number; target: string; concurrency: number }
  | { type: 'scenario-begin'; id: string; title: string }
  | { type: 'step-end'; scenario: string; step: StepResult }
  | { type: 'scenario-end'; result: CheckResult; done: number; total: number }
  | { type: 'run-end'; results: CheckResult[]; durationMs: number; exitCode: 0 | 1 | 3 };

export interface RunScenariosOptions {
  config: GoliveConfig;
  scenarios: LoadedScenario[];
  /**
   * Where to run: `'config'` (default) the endpoints of `config.target`, or a prepared Target
   * (the embedded reference site comes from the runner's target factory, runner/targets.ts).
   */
  target?: Target | 'config';
  /** A capture listener already running (the embedded site forwards to it). */
  capture?: CaptureBuffer;
  concurrency?: number;
  onEvent?: (e: RunEvent) => void;
  manual?: ManualPrompt;
  registry?: StepRegistry;
  templates?: TemplateStore;
  ids?: IdSource;
  clock?: () => number;
  /**
   * Where the target's audit records are, for `audit` steps (default: AuditEvent search on the
   * target's FHIR server, with its credentials).
   */
  auditSource?: AuditSource;
  /** Probe the endpoints before running (default true). */
  probe?: boolean;
  signal?: AbortSignal;
}

export interface RunScenariosResult {
  results: CheckResult[];
  exchanges: Exchange[];
  /** The target (or part of it) could not be reached. */
  unreachable: boolean;
  /** 0 all passed (or skipped), 1 any fail, 3 unreachable or inconclusive. */
  exitCode: 0 | 1 | 3;
  durationMs: number;
}

/** Resolve FHIR credentials from the environment (never from the file). */
export function resolveAuth(auth: FhirAuth, env: NodeJS.ProcessEnv): FhirAuthResolved {
  const need = (name: string) => {
    const v = env[name];
    if (!v) {
      throw new UserError('E_AUTH_ENV', `environment variable ${name} is not set`, {
        location: { path: 'target.fhir.auth' },
        hint: `export ${name}=... before running; secrets are never read from golive.yaml`,
      });
    }
    return v;
  };
  if (auth.type === 'basic')
    return { type: 'basic', username: auth.username, password: need(auth.passwordEnv) };
  if (auth.type === 'bearer') return { type: 'bearer', token: need(auth.tokenEnv) };
  return { type: 'none' };
}

/** The target named by golive.yaml's `target` and `control` sections. */
export function targetFromConfig(
  config: GoliveConfig,
  env: NodeJS.ProcessEnv = process.env,
): Target {
  const { mllp, fhir } = config.target;
  if (!mllp && !fhir) {
    throw new UserError(
      'E_CONFIG_TARGET',
      'no target: golive.yaml names neither target.mllp nor target.fhir',
      {
        location: { path: 'target' },
        hint: 'add target.mllp and target.fhir, or use --target embedded to run against the reference site',
      },
    );
  }
  return {
    name: [mllp ? `mllp://${mllp.host}:${mllp.port}` : '', fhir?.baseUrl ?? '']
      .filter(Boolean)
      .join(' + '),
    mllp: mllp && {
      host: mllp.host,
      port: mllp.port,
      connectTimeoutMs: mllp.connectTimeout,
      ackTimeoutMs: mllp.ackTimeout,
    },
    fhir:
      fhir &&
      new FhirClient({
        baseUrl: fhir.baseUrl,
        auth: resolveAuth(fhir.auth, env),
        timeoutMs: fhir.timeout,
        retries: fhir.retries,
      }),
    control: hooksFromConfig(config.control),
  };
}

/** Can we open a connection to each endpoint? Returns the first problem, if any. */
export async function probeTarget(target: Target, timeoutMs = 3000): Promise<string | undefined> {
  if (target.mllp) {
    const { host, port } = target.mllp;
    const problem = await new Promise<string | undefined>((resolve) => {
      const sock = net.connect({ host, port });
      const t = setTimeout(
        () => {
          sock.destroy();
          resolve(`no connection to MLLP ${host}:${port} within ${timeoutMs} ms`);
        },
        Math.min(timeoutMs, target.mllp!.connectTimeoutMs ?? timeoutMs),
      );
      sock.once('connect', () => {
        clearTimeout(t);
        sock.destroy();
        resolve(undefined);
      });
      sock.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(t);
        resolve(`cannot connect to MLLP ${host}:${port} (${e.code ?? e.message})`);
      });
    });
    if (problem) return problem;
  }
  if (target.fhir) {
    try {
      await new FhirClient({ baseUrl: target.fhir.baseUrl, retries: 0, timeoutMs }).request(
        'GET',
        'metadata',
      );
    } catch (e) {
      if (e instanceof FhirTransportError) return `FHIR ${target.fhir.baseUrl}: ${e.message}`;
      throw e;
    }
  }
  return undefined;
}

function unreachableResult(l: LoadedScenario, why: string, at: string): CheckResult {
  const s = l.scenario;
  return {
    check: s.id,
    kind: 'scenario',
    title: s.title,
    domain: s.domain,
    criteria: [...s.criteria],
    outcome: 'error',
    summary: `Inconclusive: the target could not be reached (${why}).`,
    findings: [],
    measurements: {},
    startedAt: at,
    durationMs: 0,
    exchanges: [],
    data: {
      steps: s.steps.map((st, i) => ({
        index: i + 1,
        type: st.type,
        title: st.title,
        outcome: 'skip' as const,
        message: 'not run: the target could not be reached',
        startedAt: at,
        durationMs: 0,
        exchangeIds: [],
      })),
    },
  };
}

/** The target's CapabilityStatement, read once per run (not kept: `golive probe` keeps it). */
function memoCapabilities(target: Target): () => Promise<Capabilities | undefined> {
  let p: Promise<Capabilities | undefined> | undefined;
  return () =>
    (p ??= target.fhir
      ? readCapabilities(target.fhir).then((r) => (r.ok ? r.caps : undefined))
      : Promise.resolve(undefined));
}

/** The exit code of a scenario run: the one map of core/result.ts. */
export function exitCodeOf(results: CheckResult[], unreachable: boolean): 0 | 1 | 3 {
  return exitCodeFor(
    results.map((r) => r.outcome),
    unreachable,
  );
}

async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * The order of a run: most scenarios concurrently; then, one at a time, those that disturb the
 * target (`exclusive`); last, those that look back at the whole run (a step kind marked
 * `afterOthers`, such as `audit`), so that they see every exchange the others made.
 */
export function phasesOf(
  scenarios: LoadedScenario[],
  registry: StepRegistry,
): { concurrent: LoadedScenario[]; exclusive: LoadedScenario[]; last: LoadedScenario[] } {
  const last = (l: LoadedScenario) =>
    l.scenario.steps.some((st) => registry.get(st.type)?.afterOthers === true);
  return {
    concurrent: scenarios.filter((l) => !last(l) && !l.scenario.exclusive),
    exclusive: scenarios.filter((l) => !last(l) && l.scenario.exclusive),
    last: scenarios.filter(last),
  };
}

export async function runScenarios(opts: RunScenariosOptions): Promise<RunScenariosResult> {
  const t0 = performance.now();
  const config = opts.config;
  const target =
    opts.target === undefined || opts.target === 'config' ? targetFromConfig(config) : opts.target;
  const concurrency = opts.concurrency ?? config.scenarios.concurrency;
  const emit = opts.onEvent ?? (() => {});
  const total = opts.scenarios.length;
  emit({ type: 'run-begin', total, target: target.name, concurrency });
  const results = new Map<string, CheckResult>();
  const exchanges: Exchange[] = [];
  let done = 0;
  const finish = (r: CheckResult) => {
    results.set(r.check, r);
    emit({ type: 'scenario-end', result: r, done: ++done, total });
  };
  const problem = opts.probe === false ? undefined : await probeTarget(target);
  let unreachable = problem !== undefined;
  if (problem) {
    const at = new Date().toISOString();
    for (const l of opts.scenarios) finish(unreachableResult(l, problem, at));
  } else {
    const capture =
      opts.capture ??
      (await startCapture(
        config.capture.host,
        config.capture.port,
        config.capture.ackCode,
        captureLimits(config.capture),
      ));
    let n = 0;
    const controller = new AbortController();
    opts.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    const rc: RunContext = {
      config,
      target,
      capture,
      registry: opts.registry ?? BUILTIN_REGISTRY,
      templates: opts.templates ?? new TemplateStore(),
      ids: opts.ids ?? new IdSource(),
      clock: opts.clock ?? Date.now,
      manual: opts.manual,
      keep: (x) => {
        const kept = { id: `x-${++n}`, ...x };
        exchanges.push(kept);
        return kept;
      },
      exchanges: () => exchanges,
      auditSource: opts.auditSource,
      capabilities: memoCapabilities(target),
      onStep: (scenario, step) => emit({ type: 'step-end', scenario, step }),
      signal: controller.signal,
    };
    const run = async (l: LoadedScenario) => {
      emit({ type: 'scenario-begin', id: l.scenario.id, title: l.scenario.title });
      const r = await executeScenario(l, rc);
      if (r.unreachable) unreachable = true;
      finish(r.result);
    };
    const phases = phasesOf(opts.scenarios, rc.registry);
    try {
      await pool(phases.concurrent, concurrency, run);
      for (const l of [...phases.exclusive, ...phases.last]) await run(l);
    } finally {
      if (!opts.capture) await capture.close();
    }
  }
  // Report in the order asked, whatever order they finished in.
  const ordered = opts.scenarios.map((l) => results.get(l.scenario.id)!).filter(Boolean);
  const exitCode = exitCodeOf(ordered, unreachable);
  const durationMs = performance.now() - t0;
  emit({ type: 'run-end', results: ordered, durationMs, exitCode });
  return { results: ordered, exchanges, unreachable, exitCode, durationMs };
}
