/**
 * Run a load profile against a target: check it can be reached, prepare subjects, start every
 * executor at once (open-model MLLP and closed-model FHIR users), act on the target mid-run when
 * the profile has a failover, drain end-to-end deliveries, evaluate thresholds.
 * Bounded: nothing new starts after `maxDuration`; in-flight sends end at their ACK timeout;
 * the drain and the lookups have their own limits.
 */
import { UserError } from '../core/index.js';
import type { CheckResult } from '../core/index.js';
import { MllpClient } from '../transports/index.js';
import type { RunContext } from './context.js';
import { FailoverRun, hooksFor, type ControlHooks } from './control.js';
import {
  EndToEndTracker,
  fhirLookup,
  lookupFields,
  type CaptureSource,
  type LookupClass,
} from './end-to-end.js';
import { histogramMode } from './histogram.js';
import { startOpenExecutor } from './mllp-driver.js';
import { prepareSubjects } from './prepare.js';
import { preparedNeeded, type LoadedProfile } from './profile.js';
import { buildResults, type E2eSummary, type Observed } from './result.js';
import { RunStats, type Progress } from './stats.js';
import { compileTemplate, IdentifierSource } from './templates.js';
import { startUsersExecutor } from './users.js';

export interface LoadTarget {
  mllp: { host: string; port: number };
  /** FHIR base URL (needed by concurrent-users executors and FHIR lookups). */
  fhirBase?: string;
  /** Control hooks (restart, pause, resume) used by a failover without its own `via`. */
  control?: ControlHooks;
  /** The capture listener receiving what the target forwards downstream. */
  capture?: CaptureSource;
}

export interface RunLoadOptions {
  profile: LoadedProfile;
  target: LoadTarget;
  /** Called about once a second while the run goes on. */
  onProgress?: (p: Progress) => void;
  /** Prefix of generated identifiers (default: from the start time). */
  idPrefix?: string;
}

export async function runLoadProfile(opts: RunLoadOptions): Promise<CheckResult[]> {
  const lp = opts.profile;
  const p = lp.profile;
  const { target } = opts;
  await probe(target, lp);
  const mode = histogramMode();
  const captureCfg = p.endToEnd?.capture;
  if (captureCfg && !target.capture) {
    throw new UserError(
      'E_LOAD_CAPTURE',
      'the profile checks delivery at a capture listener, but the target has none',
      {
        hint: 'point the target\u2019s downstream at golive (use --target embedded, or configure target.capture)',
      },
    );
  }
  const lookup = p.endToEnd?.fhirLookup;
  const e2e = p.endToEnd
    ? new EndToEndTracker(
        captureCfg?.key ?? 'OBR-3.1',
        captureCfg?.types ?? lookup?.types ?? ['ORU^R01'],
        captureCfg ? target.capture : undefined,
      )
    : undefined;
  const ids = new IdentifierSource(opts.idPrefix ?? `L${Date.now().toString(36).toUpperCase()}`);
  const stats0 = new RunStats(performance.now());
  const ctx: RunContext = {
    stats: stats0,
    ids,
    templates: lp.templates,
    mllp: target.mllp,
    fhirBase: target.fhirBase,
    e2e,
    lookupFields: lookup ? lookupFields(lookup.path) : [],
    prepared: [],
    preparedNext: 0,
    known: [],
    stopping: false,
  };
  let stats = stats0;
  try {
    const wanted = preparedNeeded(lp);
    let prepare: Observed['prepare'];
    if (wanted > 0) {
      const adt = compileTemplate('prepare-adt', { builtin: 'adt-a04' });
      const orm = compileTemplate('prepare-orm', { builtin: 'orm-o01' });
      prepare = await prepareSubjects(ctx, wanted, { adt, orm }, { deadlineMs: p.maxDuration });
      stats0.destroy();
      if (prepare.ok < wanted) {
        // Nothing meaningful can be measured without the orders the results refer to.
        stats = new RunStats(performance.now());
        return buildResults({
          lp,
          stats,
          prepare,
          startedEpoch: Date.now(),
          durationMs: 0,
          hitDeadline: false,
          histogramMode: mode,
          skipped: true,
        });
      }
    }
    // The measured run starts after preparation.
    stats = wanted > 0 ? new RunStats(performance.now()) : stats0;
    ctx.stats = stats;
    const startedEpoch = Date.now();
    const failover = p.failover
      ? new FailoverRun(p.failover, hooksFor(p.failover, target.control))
      : undefined;
    if (failover) ctx.onAa = (at, done) => failover.noteAa(at, done);
    failover?.arm(stats.startPerf);
    let hitDeadline = false;
    const deadline = setTimeout(() => {
      hitDeadline = true;
      ctx.stopping = true;
    }, p.maxDuration);
    const progress = setInterval(() => {
      const now = performance.now();
      const pr = stats.tick(now, (now - stats.startPerf) / 1000);
      opts.onProgress?.(pr);
    }, 1000);
    const closers: (() => Promise<void>)[] = [];
    const running: Promise<void>[] = [];
    for (const [name, ex] of Object.entries(p.executors)) {
      if (ex.executor === 'concurrent-users') running.push(startUsersExecutor(ctx, name, ex).done);
      else {
        const h = startOpenExecutor(ctx, name, ex);
        running.push(h.done);
        closers.push(h.close);
      }
    }
    try {
      await Promise.all(running);
      await failover?.finish();
      if (e2e && captureCfg) await e2e.drain(captureCfg.drain);
    } finally {
      clearTimeout(deadline);
      clearInterval(progress);
      await Promise.all(closers.map((c) => c()));
    }
    const end = performance.now();
    const last = stats.series.at(-1)?.t ?? 0;
    if ((end - stats.startPerf) / 1000 - last > 0.2)
      opts.onProgress?.(stats.tick(end, (end - stats.startPerf) / 1000));
    const e2eSummary = e2e ? await reconcile(e2e, lp, target) : undefined;
    return buildResults({
      lp,
      stats,
      e2e: e2eSummary,
      failover,
      prepare,
      startedEpoch,
      durationMs: end - stats.startPerf,
      hitDeadline,
      histogramMode: mode,
    });
  } finally {
    e2e?.stop();
    stats.destroy();
  }
}

async function reconcile(
  e2e: EndToEndTracker,
  lp: LoadedProfile,
  target: LoadTarget,
): Promise<E2eSummary> {
  const cfg = lp.profile.endToEnd!;
  let lookup: Map<string, LookupClass> | undefined;
  if (cfg.fhirLookup) {
    lookup = await fhirLookup(
      target.fhirBase ?? '',
      cfg.fhirLookup.path,
      e2e.sample(cfg.fhirLookup.sample),
    );
  }
  const r = e2e.reconcile(lookup);
  const counts = { found: 0, missing: 0, duplicated: 0, failed: 0 };
  for (const c of lookup?.values() ?? []) counts[c]++;
  return {
    source: cfg.capture && lookup ? 'capture+fhir-lookup' : cfg.capture ? 'capture' : 'fhir-lookup',
    classes: r.classes,
    unacknowledgedDelivered: r.unacknowledgedDelivered,
    redelivered: r.redelivered,
    ...(lookup ? { lookup: counts } : {}),
    examples: r.lostKeys,
  };
}

/** Fail fast (exit 3) when the target cannot be reached at all, before any load is generated. */
async function probe(target: LoadTarget, lp: LoadedProfile): Promise<void> {
  const p = lp.profile;
  const sendsMllp = Object.values(p.executors).some((e) => e.executor !== 'concurrent-users');
  if (sendsMllp) {
    const c = new MllpClient({ ...target.mllp, connectTimeoutMs: 3000 });
    try {
      await c.connect();
    } finally {
      await c.close();
    }
  }
  const needsFhir =
    Object.values(p.executors).some((e) => e.executor === 'concurrent-users') ||
    !!p.endToEnd?.fhirLookup;
  if (!needsFhir) return;
  if (!target.fhirBase) {
    throw new UserError(
      'E_LOAD_TARGET',
      'the profile makes FHIR requests but the target has no FHIR base URL',
      {
        location: { file: lp.file },
        hint: 'set target.fhir in golive.yaml, or use --target embedded',
      },
    );
  }
  try {
    const res = await fetch(`${target.fhirBase.replace(/\/+$/, '')}/metadata`, {
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
  } catch (e) {
    throw new UserError(
      'E_CONNECT',
      `cannot reach the FHIR server at ${target.fhirBase} (${(e as Error).message})`,
      {
        exitCode: 3,
        hint: 'is the FHIR server running and reachable?',
      },
    );
  }
}
