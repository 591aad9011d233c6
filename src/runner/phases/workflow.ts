/**
 * The workflow phases, on one target: what it supports (probe), the scenarios, then the audit
 * trail of what they did. The target is the workflow lane's (ctx.workflow()), started once and
 * stopped by the composition when the lane ends.
 */
import { UserError } from '../../core/index.js';
import type { GoliveConfig } from '../../config/index.js';
import { checkAuditTrail, type AuditSource } from '../../compliance/index.js';
import { probeCapabilities, resolveAuth, runScenarios } from '../../scenarios/index.js';
import { PHASE_TITLES } from '../plan.js';
import type { Phase, PhaseContext } from './types.js';

export const probePhase: Phase<'probe'> = {
  id: 'probe',
  title: PHASE_TITLES.probe,
  // Capability discovery first: what this target can show, kept as evidence, so a scenario
  // that ends not applicable is explained by what the target declared.
  async run(ctx) {
    const w = await ctx.workflow();
    const probed = await probeCapabilities({
      config: w.config,
      client: w.target().fhir,
      scenarios: ctx.inputs.scenarios,
    });
    return { checks: [probed], detail: probed.summary };
  },
};

export const scenariosPhase: Phase<'scenarios'> = {
  id: 'scenarios',
  title: PHASE_TITLES.scenarios,
  async run(ctx) {
    const w = await ctx.workflow();
    const scen = await runScenarios({
      config: w.config,
      scenarios: ctx.inputs.scenarios,
      target: w.target(),
      ...(w.capture ? { capture: w.capture } : {}),
      templates: ctx.inputs.templates,
      // A real target was probed before any phase ran; the embedded site is known up.
      probe: !w.embedded,
    });
    ctx.exchanges = scen.exchanges;
    const passed = scen.results.filter((r) => r.outcome === 'pass').length;
    return { checks: scen.results, detail: `${passed}/${scen.results.length} passed` };
  },
};

export const auditPhase: Phase<'audit'> = {
  id: 'audit',
  title: PHASE_TITLES.audit,
  async run(ctx, planned) {
    if (planned.inScenarioRun) {
      // Verified inside the scenario run (compliance.audit-coverage runs after the others).
      const r = ctx.results.get('scenarios')?.find((x) => x.check === 'compliance.audit-coverage');
      return r
        ? { checks: [], detail: r.summary, state: r.outcome }
        : { checks: [], detail: 'in the scenario run', state: 'skip' };
    }
    const au = ctx.loaded.config.compliance!.audit!;
    const audit = await checkAuditTrail({
      exchanges: ctx.exchanges,
      source: await auditSource(ctx),
      now: new Date(),
      ...(au.window !== undefined ? { windowMs: au.window } : {}),
      ...(au.allowedSkew !== undefined ? { skewMs: au.allowedSkew } : {}),
    });
    return { checks: [audit], detail: audit.summary };
  },
};

/** Where the audit records are: an exported log, or the AuditEvents of the workflow target. */
async function auditSource(ctx: PhaseContext): Promise<AuditSource> {
  const au = ctx.inputs.audit!;
  if (au.source !== 'fhir') return { kind: au.source, file: au.file };
  const config: GoliveConfig = (await ctx.workflow()).config;
  const fhir = config.target.fhir;
  if (!fhir) {
    throw new UserError('E_CONFIG', 'compliance.audit: source fhir needs target.fhir', {
      location: { file: ctx.loaded.file, path: 'compliance.audit.source' },
      hint: 'add target.fhir, or read an exported log with source: csv | ndjson and file',
    });
  }
  const auth = resolveAuth(fhir.auth, ctx.env);
  return {
    kind: 'fhir',
    baseUrl: fhir.baseUrl,
    user: 'golive-auditor',
    ...(auth.type === 'basic' ? { basic: { user: auth.username, password: auth.password } } : {}),
    ...(auth.type === 'bearer' ? { bearer: auth.token } : {}),
  };
}
