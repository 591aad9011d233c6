/**
 * The read step of `golive run`: every file golive.yaml names is read and checked here, before
 * anything is planned or sent. A bad row or an unknown profile is a UserError with its file and
 * path (exit 2), and nothing is half-imported. What comes back is data: the plan is made from it
 * (plan.ts, pure) and the phases produce results from it (phases/).
 *
 * Files are read in the order a reviewer meets them (review template, scenarios, lint, load,
 * compliance, adoption, attestations, waivers), so the first bad input reported is stable.
 */
import type { Attestation, Waiver } from '../core/index.js';
import { UserError } from '../core/index.js';
import { resolveConfigPath, type LoadedConfig } from '../config/index.js';
import {
  loadAccessFiles,
  loadChanges,
  loadDevices,
  type AccessFiles,
  type AccessPolicy,
  type LoadedAccess,
  type RegisterFiles,
} from '../compliance/index.js';
import {
  loadGuides,
  loadPlan,
  loadRoster,
  loadSignals,
  loadTasks,
  type AdoptionFiles,
  type LaunchPlan,
} from '../adoption/index.js';
import {
  BUILTIN_PROFILES,
  loadBuiltinProfile,
  loadProfileFile,
  storageFromConfig,
  type LoadedProfile,
  type StorageDeclaration,
} from '../load/index.js';
import { loadLintConfig, parseLintConfig, type LintConfig } from '../lint/index.js';
import { resolveHl7Inputs } from '../inputs/index.js';
import {
  selectScenarios,
  templateStoreFor,
  type LoadedScenario,
  type TemplateStore,
} from '../scenarios/index.js';
import { STANDARD_TEMPLATE, withThresholds, type ReviewTemplate } from '../review/index.js';
import { loadAttestations, loadWaivers } from './attestations.js';

export interface LintInputs {
  /** Inputs as golive.yaml gives them (files, folders, globs), resolved from its folder. */
  inputs: string[];
  /** The files they matched. */
  files: string[];
  config: LintConfig;
  /** Lint what the target forwarded during the scenarios too (lint.capturedTraffic). */
  captured: boolean;
}

/** Records reviewed without a target: access, registers, adoption (parsed, not yet reviewed). */
export interface RecordInputs {
  access?: { files: AccessFiles; loaded: LoadedAccess; policy: Partial<AccessPolicy> };
  registers?: {
    files: RegisterFiles;
    devices?: ReturnType<typeof loadDevices>;
    changes?: ReturnType<typeof loadChanges>;
  };
  adoption?: {
    files: AdoptionFiles;
    tasks?: ReturnType<typeof loadTasks>;
    guides?: ReturnType<typeof loadGuides>;
    signals?: ReturnType<typeof loadSignals>;
    roster?: ReturnType<typeof loadRoster>;
    plan?: LaunchPlan;
    thresholdPct?: number;
  };
}

/** Where the audit trail is read: the target's AuditEvents, or an exported log. */
export type AuditInput = { source: 'fhir' } | { source: 'csv' | 'ndjson'; file: string };

export interface RunInputs {
  template: ReviewTemplate;
  templates: TemplateStore;
  scenarios: LoadedScenario[];
  lint?: LintInputs;
  profiles: LoadedProfile[];
  failover?: LoadedProfile;
  storage?: StorageDeclaration;
  audit?: AuditInput;
  records: RecordInputs;
  attestations: Attestation[];
  waivers: Waiver[];
}

export function readInputs(loaded: LoadedConfig): RunInputs {
  const c = loaded.config;
  const path = (p: string) => resolveConfigPath(loaded, p);
  const template = templateOf(loaded);
  const templates = templateStoreFor(loaded);
  const scenarios = selectScenarios([], {
    include: c.scenarios.include,
    exclude: c.scenarios.exclude,
    files: (c.scenarios.files ?? []).map(path),
    loadOptions: { templates },
  });
  const lint = c.lint ? readLint(loaded) : undefined;
  const profiles = (c.load?.profiles ?? []).map((p, i) =>
    readProfile(loaded, p, `load.profiles[${i}]`),
  );
  const failover = readFailover(loaded);
  const storage = c.load ? storageFromConfig(loaded) : undefined;
  const audit = readAudit(loaded);
  const records = readRecords(loaded);
  const rv = c.review;
  return {
    template,
    templates,
    scenarios,
    ...(lint ? { lint } : {}),
    profiles,
    ...(failover ? { failover } : {}),
    ...(storage ? { storage } : {}),
    ...(audit ? { audit } : {}),
    records,
    attestations: rv?.attestations ? loadAttestations(path(rv.attestations)) : [],
    waivers: rv?.waivers ? loadWaivers(path(rv.waivers)) : [],
  };
}

function readLint(loaded: LoadedConfig): LintInputs {
  const l = loaded.config.lint!;
  const inputs = (l.inputs ?? []).map((p) => resolveConfigPath(loaded, p));
  // Unreadable paths stop here (exit 2), not after the scenarios ran.
  const files = inputs.length ? resolveHl7Inputs(inputs).map((f) => f.path) : [];
  return { inputs, files, config: lintConfigOf(loaded), captured: l.capturedTraffic ?? true };
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

/** load.failover: its profile, with the action and recovery objective golive.yaml sets. */
function readFailover(loaded: LoadedConfig): LoadedProfile | undefined {
  const fo = loaded.config.load?.failover;
  if (!fo?.profile) return undefined;
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
  return lp;
}

/** compliance.audit: an exported log needs its file (checked now, not after the scenarios). */
function readAudit(loaded: LoadedConfig): AuditInput | undefined {
  const au = loaded.config.compliance?.audit;
  if (!au) return undefined;
  const source = au.source ?? 'fhir';
  if (source === 'fhir') return { source };
  if (!au.file) {
    throw new UserError('E_CONFIG', `compliance.audit: source ${source} needs file`, {
      location: { file: loaded.file, path: 'compliance.audit.file' },
      hint: 'name the exported audit log (docs/compliance.md)',
    });
  }
  return { source, file: resolveConfigPath(loaded, au.file) };
}

function readRecords(loaded: LoadedConfig): RecordInputs {
  const c = loaded.config;
  const path = (p: string | undefined) => (p ? resolveConfigPath(loaded, p) : undefined);
  const out: RecordInputs = {};
  const acc = c.compliance?.access;
  if (acc?.accounts || acc?.roles || acc?.duties) {
    if (!acc.accounts || !acc.roles || !acc.duties) {
      throw new UserError('E_CONFIG', 'compliance.access needs accounts, roles and duties', {
        location: { file: loaded.file, path: 'compliance.access' },
        hint: 'the access review compares accounts and their roles against clinical duties: give all three files',
      });
    }
    const files = {
      accounts: path(acc.accounts)!,
      roles: path(acc.roles)!,
      duties: path(acc.duties)!,
    };
    const policy: Partial<AccessPolicy> = {
      ...(acc.dormantAfter !== undefined
        ? { dormantAfterDays: Math.round(acc.dormantAfter / 86_400_000) }
        : {}),
      ...(acc.sharedAccountPatterns ? { genericIdPatterns: acc.sharedAccountPatterns } : {}),
    };
    out.access = { files, loaded: loadAccessFiles(files), policy };
  }
  const reg = c.compliance?.registers;
  if (reg) {
    const files = {
      devices: path(reg.devices),
      changes: path(reg.changes),
      validations: path(reg.validations),
    };
    out.registers = {
      files,
      ...(files.devices ? { devices: loadDevices(files.devices) } : {}),
      ...(files.changes ? { changes: loadChanges(files.changes, files.validations) } : {}),
    };
  }
  if (c.adoption) out.adoption = readAdoption(loaded);
  return out;
}

function readAdoption(loaded: LoadedConfig): RecordInputs['adoption'] {
  const ad = loaded.config.adoption!;
  const path = (p: string | undefined) => (p ? resolveConfigPath(loaded, p) : undefined);
  const files: AdoptionFiles = {
    tasks: path(ad.tasks),
    guides: path(ad.guides),
    signals: path(ad.signals),
    roster: path(ad.roster),
    plan: path(ad.launchPlan),
  };
  // Every file is validated before any analysis: nothing half-imported.
  return {
    files,
    ...(files.tasks ? { tasks: loadTasks(files.tasks) } : {}),
    ...(files.guides ? { guides: loadGuides(files.guides) } : {}),
    ...(files.signals ? { signals: loadSignals(files.signals) } : {}),
    ...(files.roster ? { roster: loadRoster(files.roster) } : {}),
    ...(files.plan ? { plan: loadPlan(files.plan) } : {}),
    ...(ad.thresholds?.unaidedExceptions !== undefined
      ? { thresholdPct: ad.thresholds.unaidedExceptions * 100 }
      : {}),
  };
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
