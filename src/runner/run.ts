/**
 * `golive run`: plan and execute everything golive.yaml names (scenarios, the audit trail of
 * what the scenarios did, lint of captured traffic and of what the target forwarded, load
 * profiles, failover, storage growth, compliance and adoption records, handoffs, attestations
 * and waivers), store the evidence, evaluate the review and write the reports.
 *
 * Order matters for trust: every file input is read and validated first (a bad row stops the
 * run before any traffic is sent, nothing half-imported), then the target is probed (an
 * unreachable target is exit 3, not a review full of failures), then the live checks run.
 * `golive demo` is this runner with the example configuration and the embedded site.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Attestation, CheckResult, Exchange, Waiver } from '../core/index.js';
import { UserError } from '../core/errors.js';
import { resolveConfigPath, type GoliveConfig, type LoadedConfig } from '../config/index.js';
import {
  loadBuiltinScenarios,
  probeTarget,
  probeCapabilities,
  resolveAuth,
  runScenarios,
  selectScenarios,
  startEmbeddedTarget,
  targetFromConfig,
  templateStoreFor,
} from '../scenarios/index.js';
import {
  checkAuditTrail,
  reviewAccessFiles,
  reviewRegisterFiles,
  type AuditSource,
} from '../compliance/index.js';
import { reviewAdoptionFiles } from '../adoption/index.js';
import {
  BUILTIN_PROFILES,
  loadBuiltinProfile,
  loadProfileFile,
  loadTargetFromConfig,
  measuredSizesOf,
  projectStorage,
  runLoadProfile,
  storageFromConfig,
  type LoadTarget,
  type LoadedProfile,
  type StorageDeclaration,
} from '../load/index.js';
import { startEmbeddedTarget as startLoadTarget } from '../load/embedded.js';
import {
  lintInputs,
  lintToCheckResult,
  loadLintConfig,
  parseLintConfig,
  type LintConfig,
} from '../lint/index.js';
import { resolveHl7Inputs } from '../inputs/hl7-files.js';
import type { SiteConfigInput } from '../site/index.js';
import { openEvidenceStore } from '../evidence/index.js';
import { STANDARD_TEMPLATE, withThresholds, type ReviewTemplate } from '../review/index.js';
import { checkHandoffs, loadAttestations, loadWaivers } from './attestations.js';
import { recordAndDecide, type Decided } from './decide.js';
import type { TaskList } from './progress.js';

/** Reference-site faults per phase, when the target is the embedded site. */
export interface EmbeddedFaults {
  scenarios: string[];
  load: string[];
  failover: string[];
  /** Fault intensities for the load and failover sites (docs/site.md, faultOptions). */
  faultOptions?: SiteConfigInput['faultOptions'];
  /** How the site represents what it stores (docs/site.md, Profiles); default standard. */
  profile?: 'standard' | 'minimal';
}

export interface RunReviewOptions {
  loaded: LoadedConfig;
  /** Run against the embedded reference site (with these faults) instead of `target`. */
  embedded?: EmbeddedFaults;
  tasks: TaskList;
  toolVersion: string;
  /** Recorded as the author of every piece of evidence. */
  author: string;
  /** Prefix of the run id (`run`, `demo`). */
  label?: string;
  /** Reports folder (default: review.reports of the config, else .golive/reports). */
  reportDir?: string;
  /** Evidence store (default: review.evidence of the config, else .golive/evidence.db). */
  evidence?: string;
  /** "Now" for dated records (accounts, waivers, rosters); default the real clock. */
  asOf?: Date;
  /** A shorter name of the target for the report, e.g. "embedded reference site". */
  targetLabel?: string;
  /**
   * With `embedded` only: run the workflow chain beside the load and failover phases, each
   * against its own embedded site (the demo does, to stay short). Never against a real target.
   */
  overlapPhases?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface RunReviewResult extends Decided {
  runId: string;
  evidencePath: string;
}

/** What the plan phase read from files: everything validated before the target is touched. */
interface Plan {
  checks: CheckResult[];
  attestations: Attestation[];
  waivers: Waiver[];
  template: ReviewTemplate;
  lint?: { inputs: string[]; config: LintConfig; captured: boolean };
  profiles: LoadedProfile[];
  failover?: LoadedProfile;
  storage?: StorageDeclaration;
  scenarios: ReturnType<typeof loadBuiltinScenarios>;
  templates: ReturnType<typeof templateStoreFor>;
}

function readProfile(loaded: LoadedConfig, p: string, path: string): LoadedProfile {
  if ((BUILTIN_PROFILES as readonly string[]).includes(p)) return loadBuiltinProfile(p);
  if (!p.endsWith('.yaml') && !p.endsWith('.yml') && !p.includes('/')) {
    throw new UserError('E_CONFIG', `${path}: "${p}" is neither a built-in profile nor a file`, {
      location: { file: loaded.file, path },
      hint: `built-in profiles: ${BUILTIN_PROFILES.join(', ')}; or a profile YAML file relative to golive.yaml`,
    });
  }
  return loadProfileFile(resolveConfigPath(loaded, p));
}

/** The lint section as the lint engine's configuration (an optional base file; keys here win). */
function lintConfigOf(loaded: LoadedConfig): LintConfig {
  const l = loaded.config.lint!;
  const base = l.config ? loadLintConfig(resolveConfigPath(loaded, l.config)) : parseLintConfig({});
  const site: Record<string, unknown> = { ...base.site };
  if (!site.timeZone && loaded.config.site.timeZone) site.timeZone = loaded.config.site.timeZone;
  if (l.expectedUnits) site.expectedUnits = { ...base.site.expectedUnits, ...l.expectedUnits };
  if (l.codeSystems) site.codeSystems = l.codeSystems;
  if (l.acceptedUnits) site.acceptedUnits = l.acceptedUnits;
  if (l.clockSkew !== undefined)
    site.skewThresholdSeconds = Math.max(1, Math.round(l.clockSkew / 1000));
  if (l.tolerance !== undefined) site.toleranceSeconds = Math.round(l.tolerance / 1000);
  if (l.identity?.threshold !== undefined) site.identityThreshold = l.identity.threshold;
  return parseLintConfig(
    { rules: { ...base.rules, ...(l.rules ?? {}) }, site, limits: base.limits },
    loaded.file ? `${loaded.file} (lint)` : 'golive.yaml (lint)',
  );
}

/** Criterion owners from review.owners: a criterion id or an owner role -> the person. */
function withOwners(t: ReviewTemplate, owners: Record<string, string> | undefined): ReviewTemplate {
  if (!owners) return t;
  return {
    ...t,
    criteria: t.criteria.map((c) => {
      const person = owners[c.id] ?? owners[c.owner];
      return person ? { ...c, owner: `${c.owner} (${person})` } : c;
    }),
  };
}

function templateOf(loaded: LoadedConfig): ReviewTemplate {
  const r = loaded.config.review;
  if (r?.template && r.template !== 'standard') {
    throw new UserError('E_CONFIG', `review.template: unknown template "${r.template}"`, {
      location: { file: loaded.file, path: 'review.template' },
      hint: 'the template shipped with golive is "standard" (REVIEW.md); tune it with review.thresholds and review.owners',
    });
  }
  const thresholds: Record<string, Record<string, number>> = structuredClone(r?.thresholds ?? {});
  const a = loaded.config.adoption?.thresholds;
  if (a?.unaidedCritical !== undefined) {
    thresholds['adoption.unaided-tasks'] = {
      ...thresholds['adoption.unaided-tasks'],
      unaided_critical_pct_min: Math.round(a.unaidedCritical * 1000) / 10,
    };
  }
  return withOwners(withThresholds(STANDARD_TEMPLATE, thresholds), r?.owners);
}

/** Phase 1: read and check every file input, and review the records that need no target. */
function plan(o: RunReviewOptions): Plan {
  const { loaded } = o;
  const c = loaded.config;
  const path = (p: string | undefined) => (p ? resolveConfigPath(loaded, p) : undefined);
  const now = o.asOf ?? new Date();
  const checks: CheckResult[] = [];

  const template = templateOf(loaded);
  const templates = templateStoreFor(loaded);
  const scenarios = selectScenarios([], {
    include: c.scenarios.include,
    exclude: c.scenarios.exclude,
    files: (c.scenarios.files ?? []).map((f) => resolveConfigPath(loaded, f)),
    loadOptions: { templates },
  });

  let lint: Plan['lint'];
  if (c.lint) {
    const inputs = (c.lint.inputs ?? []).map((p) => resolveConfigPath(loaded, p));
    if (inputs.length) resolveHl7Inputs(inputs); // unreadable paths stop here (exit 2)
    lint = { inputs, config: lintConfigOf(loaded), captured: c.lint.capturedTraffic ?? true };
  }

  const profiles = (c.load?.profiles ?? []).map((p, i) =>
    readProfile(loaded, p, `load.profiles[${i}]`),
  );
  let failover: LoadedProfile | undefined;
  const fo = c.load?.failover;
  if (fo?.profile) {
    const lp = readProfile(loaded, fo.profile, 'load.failover.profile');
    if (!lp.profile.failover) {
      throw new UserError(
        'E_CONFIG',
        `load.failover.profile: ${fo.profile} has no failover: section`,
        {
          location: { file: loaded.file, path: 'load.failover.profile' },
          hint: 'the failover profile names when and how to disrupt the target (docs/load.md, "Failover")',
        },
      );
    }
    if (fo.action) lp.profile.failover.action = fo.action;
    if (fo.recoveryObjective !== undefined)
      lp.profile.failover.recoveryObjective = fo.recoveryObjective;
    failover = lp;
  }
  const storage = c.load ? storageFromConfig(loaded) : undefined;

  const acc = c.compliance?.access;
  if (acc?.accounts || acc?.roles || acc?.duties) {
    if (!acc.accounts || !acc.roles || !acc.duties) {
      throw new UserError('E_CONFIG', 'compliance.access needs accounts, roles and duties', {
        location: { file: loaded.file, path: 'compliance.access' },
        hint: 'the access review compares accounts and their roles against clinical duties: give all three files',
      });
    }
    checks.push(
      ...reviewAccessFiles(
        { accounts: path(acc.accounts)!, roles: path(acc.roles)!, duties: path(acc.duties)! },
        {
          now,
          policy: {
            ...(acc.dormantAfter !== undefined
              ? { dormantAfterDays: Math.round(acc.dormantAfter / 86_400_000) }
              : {}),
            ...(acc.sharedAccountPatterns ? { genericIdPatterns: acc.sharedAccountPatterns } : {}),
          },
        },
      ),
    );
  }
  const reg = c.compliance?.registers;
  if (reg)
    checks.push(
      ...reviewRegisterFiles(
        {
          devices: path(reg.devices),
          changes: path(reg.changes),
          validations: path(reg.validations),
        },
        { now },
      ),
    );
  const ad = c.adoption;
  if (ad) {
    checks.push(
      ...reviewAdoptionFiles(
        {
          tasks: path(ad.tasks),
          guides: path(ad.guides),
          signals: path(ad.signals),
          roster: path(ad.roster),
          plan: path(ad.launchPlan),
        },
        {
          now,
          ...(ad.thresholds?.unaidedExceptions !== undefined
            ? { thresholdPct: ad.thresholds.unaidedExceptions * 100 }
            : {}),
        },
      ),
    );
  }
  const rv = c.review;
  if (rv?.handoffs) {
    const owners = rv.owners ?? {};
    checks.push(
      checkHandoffs(
        rv.handoffs.map((h) => ({
          ...h,
          owner: h.owner && owners[h.owner] ? `${h.owner} (${owners[h.owner]})` : h.owner,
        })),
        loaded.file ? relative(process.cwd(), loaded.file) : 'golive.yaml',
        now,
      ),
    );
  }
  const attestations = rv?.attestations ? loadAttestations(path(rv.attestations)!) : [];
  const waivers = rv?.waivers ? loadWaivers(path(rv.waivers)!) : [];
  return {
    checks,
    attestations,
    waivers,
    template,
    lint,
    profiles,
    failover,
    storage,
    scenarios,
    templates,
  };
}

const stateOf = (cs: readonly CheckResult[]) =>
  cs.some((c) => c.outcome === 'error')
    ? 'error'
    : cs.some((c) => c.outcome === 'fail')
      ? 'fail'
      : cs.length === 0 || cs.every((c) => c.outcome === 'skip')
        ? 'skip'
        : 'pass';

/** The HL7 messages the target forwarded to golive's capture listener, one per line. */
function forwardedTraffic(exchanges: readonly Exchange[]): string {
  return exchanges
    .filter(
      (x) => x.protocol === 'mllp' && x.direction === 'inbound' && x.request.startsWith('MSH'),
    )
    .map((x) => `${x.request.replace(/\r?\n/g, '\r').replace(/\r+$/, '')}\r\n`)
    .join('');
}

export async function runReview(o: RunReviewOptions): Promise<RunReviewResult> {
  const started = new Date();
  const { loaded, tasks: t } = o;
  const env = o.env ?? process.env;
  const c = loaded.config;
  const reportDir = resolve(
    o.reportDir ??
      (c.review?.reports ? resolveConfigPath(loaded, c.review.reports) : '.golive/reports'),
  );
  const evidencePath =
    o.evidence ??
    (c.review?.evidence
      ? /^postgres(ql)?:\/\//.test(c.review.evidence)
        ? c.review.evidence
        : resolveConfigPath(loaded, c.review.evidence)
      : resolve('.golive/evidence.db'));
  const runId = `${o.label ?? 'run'}-${started.toISOString().replace(/[:.]/g, '')}`;

  t.add('plan', 'Read and check the site files (compliance, adoption, review, profiles)');
  const runsScenarios = plannedScenarios(c, !!o.embedded);
  if (runsScenarios) {
    t.add('probe', 'What the target supports (CapabilityStatement, lookups, coverage)');
    t.add('scenarios', 'Workflow scenarios over MLLP and FHIR');
  }
  if (c.compliance?.audit) t.add('audit', 'Audit trail of every action the scenarios performed');
  if (c.lint) t.add('lint', 'Semantic lint of traffic');
  if (c.load?.profiles?.length) t.add('load', 'Load profiles and storage growth');
  if (c.load?.failover?.profile)
    t.add('failover', 'Failover: disruption mid-stream, loss and recovery');
  t.add('review', 'Evidence store, review and reports');

  t.start('plan');
  let p: Plan;
  try {
    p = plan(o);
  } catch (e) {
    t.finish('plan', 'error', (e as Error).message);
    throw e;
  }
  t.finish(
    'plan',
    stateOf(p.checks) === 'error' ? 'error' : 'pass',
    `${p.checks.length} record check(s), ${p.attestations.length} attestation(s), ${p.waivers.length} waiver(s)`,
  );
  const checks: CheckResult[] = [...p.checks];
  mkdirSync(reportDir, { recursive: true });

  // Phase 2: the target. Probe first: an unreachable target ends the run with exit 3.
  let targetName = o.targetLabel ?? '';
  if (
    !o.embedded &&
    (runsScenarios || c.load?.profiles?.length || c.compliance?.audit?.source === 'fhir')
  ) {
    const target = targetFromConfig(c, env);
    targetName ||= target.name;
    const problem = await probeTarget(target);
    if (problem) {
      throw new UserError('E_UNREACHABLE', `the target cannot be reached: ${problem}`, {
        exitCode: 3,
        location: loaded.file ? { file: loaded.file, path: 'target' } : undefined,
        hint: 'start the system under test or fix target in golive.yaml; nothing was recorded',
      });
    }
  }
  targetName ||= o.embedded ? 'embedded reference site' : '(no target)';

  // The workflow chain (scenarios, then the audit trail of what they did, then lint of the
  // traffic) and the infrastructure phases. Against one target they run one after another so
  // load never disturbs a scenario; with embedded sites (one per phase) they may overlap.
  const workflowChain = async (): Promise<CheckResult[]> => {
    const out: CheckResult[] = [];
    let exchanges: Exchange[] = [];
    if (runsScenarios || c.compliance?.audit) {
      const emb = o.embedded
        ? await startEmbeddedTarget(c, {
            faults: o.embedded.scenarios,
            ...(o.embedded.profile ? { profile: o.embedded.profile } : {}),
          })
        : undefined;
      const config: GoliveConfig = emb?.config ?? c;
      try {
        if (runsScenarios) {
          // Capability discovery first: what this target can show, kept as evidence, so a
          // scenario that ends not applicable is explained by what the target declared.
          t.start('probe');
          const probed = await probeCapabilities({
            config,
            client: (emb ? emb.target : targetFromConfig(c, env)).fhir,
            scenarios: p.scenarios,
          });
          out.push(probed);
          t.finish('probe', stateOf([probed]), probed.summary);
          t.start('scenarios');
          const scen = await runScenarios({
            config,
            scenarios: p.scenarios,
            target: emb ? emb.target : 'config',
            ...(emb ? { capture: emb.capture } : {}),
            templates: p.templates,
            probe: !emb,
          });
          out.push(...scen.results);
          exchanges = scen.exchanges;
          const failed = scen.results.filter((r) => r.outcome !== 'pass').length;
          t.finish(
            'scenarios',
            stateOf(scen.results),
            `${scen.results.length - failed}/${scen.results.length} passed`,
          );
        }
        // Read from the target's AuditEvents, the audit trail is verified inside the scenario
        // run (compliance.audit-coverage runs after the others, over all their exchanges). An
        // exported log (csv, ndjson), or a run without that scenario, is checked here.
        const au = c.compliance?.audit;
        const inRun = p.scenarios.some((s) => s.scenario.steps.some((st) => st.type === 'audit'));
        const exported = au?.source === 'csv' || au?.source === 'ndjson';
        if (au && (exported || !(runsScenarios && inRun))) {
          t.start('audit');
          const audit = await checkAuditTrail({
            exchanges,
            source: auditSource(loaded, config, env),
            now: new Date(),
            ...(au.window !== undefined ? { windowMs: au.window } : {}),
            ...(au.allowedSkew !== undefined ? { skewMs: au.allowedSkew } : {}),
          });
          out.push(audit);
          t.finish('audit', stateOf([audit]), audit.summary);
        } else if (au) {
          const r = out.find((x) => x.check === 'compliance.audit-coverage');
          t.finish('audit', r ? stateOf([r]) : 'skip', r?.summary ?? 'in the scenario run');
        }
      } finally {
        await emb?.stop();
      }
    }
    if (p.lint) {
      t.start('lint');
      const inputs = [...p.lint.inputs];
      if (p.lint.captured && exchanges.length) {
        const text = forwardedTraffic(exchanges);
        if (text) {
          const file = join(reportDir, 'forwarded-traffic.hl7');
          writeFileSync(file, text);
          inputs.push(file);
        }
      }
      const t0 = performance.now();
      // "Now" for future-time checks is the real clock, even with --as-of: the traffic the
      // target forwarded during this run is stamped now, and older captures are in the past.
      const result = await lintInputs(inputs, { config: p.lint.config, nowMs: Date.now() });
      const lc = lintToCheckResult(result, {
        inputs: inputs.map((f) => relative(process.cwd(), f)),
        startedAt: new Date().toISOString(),
        durationMs: performance.now() - t0,
      });
      out.push(...lc);
      t.finish(
        'lint',
        stateOf(lc),
        `${result.summary.messages} message(s) from ${inputs.length} input(s): ${result.findings.filter((f) => f.severity === 'error').length} error-level finding(s) listed`,
      );
    }
    return out;
  };

  const loadPhase = async (): Promise<CheckResult[]> => {
    if (!p.profiles.length) return [];
    t.start('load');
    const out: CheckResult[] = [];
    for (const lp of p.profiles) {
      const lt = await loadTarget(o, loaded, lp, o.embedded?.load);
      try {
        out.push(...(await runLoadProfile({ profile: lp, target: lt.target })));
      } finally {
        await lt.stop();
      }
    }
    const first = out.find((x) => x.kind === 'load');
    if (p.storage && first) out.push(projectStorage(p.storage, measuredSizesOf(first)));
    t.finish('load', stateOf(out), first?.summary ?? '');
    return out;
  };

  const failoverPhase = async (): Promise<CheckResult[]> => {
    if (!p.failover) return [];
    t.start('failover');
    const lt = await loadTarget(o, loaded, p.failover, o.embedded?.failover);
    let fo: CheckResult[];
    try {
      fo = await runLoadProfile({ profile: p.failover, target: lt.target });
    } finally {
      await lt.stop();
    }
    t.finish('failover', stateOf(fo), fo[fo.length - 1]?.summary ?? '');
    return fo;
  };

  if (o.embedded && o.overlapPhases) {
    // Load runs stay one at a time: two runs' WebAssembly histograms in one process were seen
    // to abort in hdr-histogram-js (`Object is not pinned` on destroy).
    const infra = async () => [...(await loadPhase()), ...(await failoverPhase())];
    const parts = await Promise.all([workflowChain(), infra()]);
    for (const part of parts) checks.push(...part);
  } else {
    checks.push(...(await workflowChain()));
    checks.push(...(await loadPhase()));
    checks.push(...(await failoverPhase()));
  }

  t.start('review');
  if (!/^postgres(ql)?:\/\//.test(evidencePath))
    mkdirSync(resolve(evidencePath, '..'), { recursive: true });
  const store = await openEvidenceStore(evidencePath);
  try {
    const decided = await recordAndDecide({
      store,
      runId,
      author: o.author,
      collected: { checks, attestations: p.attestations, waivers: p.waivers },
      template: p.template,
      now: () => new Date(),
      startedAt: started,
      target: targetName,
      configFile: loaded.file ? relative(process.cwd(), loaded.file) : undefined,
      toolVersion: o.toolVersion,
      reportDir,
    });
    t.finish('review', 'pass', decided.review.decision.replace('_', ' '));
    return { ...decided, runId, evidencePath };
  } finally {
    await store.close();
  }
}

/** Scenarios run when some are in scope and there is a target to run them against. */
function plannedScenarios(c: GoliveConfig, embedded: boolean): boolean {
  // No include list means every built-in scenario (as for `golive scenarios run`).
  const inScope = (c.scenarios.include ?? ['*']).length > 0 || (c.scenarios.files ?? []).length > 0;
  return inScope && (embedded || !!c.target.mllp || !!c.target.fhir);
}

function auditSource(
  loaded: LoadedConfig,
  config: GoliveConfig,
  env: NodeJS.ProcessEnv,
): AuditSource {
  const au = loaded.config.compliance!.audit!;
  const kind = au.source ?? 'fhir';
  if (kind !== 'fhir') {
    if (!au.file) {
      throw new UserError('E_CONFIG', `compliance.audit: source ${kind} needs file`, {
        location: { file: loaded.file, path: 'compliance.audit.file' },
        hint: 'name the exported audit log (docs/compliance.md)',
      });
    }
    return { kind, file: resolveConfigPath(loaded, au.file) };
  }
  const fhir = config.target.fhir;
  if (!fhir) {
    throw new UserError('E_CONFIG', 'compliance.audit: source fhir needs target.fhir', {
      location: { file: loaded.file, path: 'compliance.audit.source' },
      hint: 'add target.fhir, or read an exported log with source: csv | ndjson and file',
    });
  }
  const auth = resolveAuth(fhir.auth, env);
  return {
    kind: 'fhir',
    baseUrl: fhir.baseUrl,
    user: 'golive-auditor',
    ...(auth.type === 'basic' ? { basic: { user: auth.username, password: auth.password } } : {}),
    ...(auth.type === 'bearer' ? { bearer: auth.token } : {}),
  };
}

async function loadTarget(
  o: RunReviewOptions,
  loaded: LoadedConfig,
  lp: LoadedProfile,
  faults: string[] | undefined,
): Promise<{ target: LoadTarget; stop(): Promise<void> }> {
  if (!o.embedded) return loadTargetFromConfig(loaded, lp);
  const e = await startLoadTarget({
    faults: faults ?? [],
    durable: !!lp.profile.failover,
    ...(o.embedded.faultOptions ? { faultOptions: o.embedded.faultOptions } : {}),
    ...(o.embedded.profile ? { profile: o.embedded.profile } : {}),
  });
  return { target: e.target, stop: e.stop };
}
