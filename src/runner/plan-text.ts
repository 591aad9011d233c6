/**
 * The plan of `golive run` as text (`golive run --plan`): the target, then each phase in order
 * with what it will read, run and give evidence for. Pure: the plan and the working folder in,
 * lines out.
 */
import { isAbsolute, relative } from 'node:path';
import type { PlannedPhase, ProfilePlan, RunPlan } from './plan.js';

export interface PlanTextOptions {
  /** Paths under it are shown relative to it. */
  cwd: string;
}

export function renderPlan(plan: RunPlan, o: PlanTextOptions): string {
  const show = (p: string) => {
    if (!isAbsolute(p)) return p;
    const r = relative(o.cwd, p);
    if (r === '') return '.';
    return r.startsWith('..') ? p : r;
  };
  const lines = [`Plan of golive run${plan.config ? `: ${show(plan.config)}` : ''}`];
  lines.push(`Target: ${targetLine(plan)}`);
  lines.push(`Paths are relative to the config folder ${show(plan.baseDir)}.`, '');
  const w = Math.max(...plan.phases.map((p) => p.id.length));
  plan.phases.forEach((p, i) => {
    lines.push(`${String(i + 1).padStart(2)}. ${p.id.padEnd(w)}  ${p.title}`);
    for (const d of phaseLines(p, show)) lines.push(`      ${d}`);
  });
  lines.push('');
  if (plan.overlap)
    lines.push('The workflow phases run beside load and failover, each on its own embedded site.');
  if (plan.notRun.length)
    lines.push(`Not run: ${plan.notRun.map((n) => `${n.id} (${n.why})`).join('; ')}.`);
  lines.push('Nothing was sent or stored: this is the plan only.');
  return lines.join('\n');
}

function targetLine(plan: RunPlan): string {
  const t = plan.target;
  if (t.kind === 'embedded') {
    const f = t.faults;
    const faults = f
      ? `faults: scenarios [${f.scenarios.join(', ')}], load [${f.load.join(', ')}], failover [${f.failover.join(', ')}]`
      : 'no faults';
    return `${t.name}\n  started in-process, one site per phase; ${t.profile ?? 'standard'} profile; ${faults}`;
  }
  if (t.kind === 'none')
    return `${t.name}: golive.yaml names neither target.mllp nor target.fhir${t.reachability ? ' (the run would stop before sending anything: give --target embedded or add a target)' : ''}`;
  const endpoints = [t.mllp ? `MLLP ${t.mllp}` : '', t.fhir ? `FHIR ${t.fhir}` : '']
    .filter(Boolean)
    .join(', ');
  return `${endpoints}${t.reachability ? ' (checked for reachability first: exit 3 when unreachable)' : ''}`;
}

function phaseLines(p: PlannedPhase, show: (p: string) => string): string[] {
  switch (p.id) {
    case 'records':
      return p.records.length
        ? p.records.map(
            (r) =>
              `${r.kind}: ${r.files.length ? r.files.join(', ') : 'review.handoffs of the config'} -> ${r.criteria.join(', ') || 'nothing (no analysis these files allow)'}`,
          )
        : ['no record files named'];
    case 'probe': {
      const lookups = Object.entries(p.lookups)
        .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
        .join('; ');
      return [
        p.fhir
          ? 'the CapabilityStatement and one harmless search per lookup strategy'
          : 'MLLP only: no FHIR endpoint to probe',
        `lookups: ${lookups}`,
        `rates which of ${p.scenarios} scenario(s) can be exercised on this target`,
      ];
    }
    case 'scenarios':
      return scenarioLines(p);
    case 'audit':
      return [
        p.source === 'fhir'
          ? `AuditEvents on the target's FHIR server, ${p.inScenarioRun ? 'verified by the scenario run (its audit step runs last, over every exchange)' : 'checked against every action the scenarios performed'}`
          : `exported ${p.source} log ${p.file}, checked against every action the scenarios performed`,
      ];
    case 'lint':
      return [
        `inputs: ${p.inputs.join(', ') || 'none'}${p.files.length ? ` (${p.files.length} file(s): ${p.files.join(', ')})` : ''}`,
        p.capturedTraffic
          ? 'and what the target forwards during the scenarios (kept as forwarded-traffic.hl7 in the reports folder)'
          : 'captured traffic is not linted (lint.capturedTraffic: false)',
      ];
    case 'load':
      return p.profiles.map(profileLine);
    case 'storage':
      return [`${p.declaration}, with message sizes measured by the ${p.measuredBy} run`];
    case 'failover':
      return [
        profileLine(p.profile),
        `${p.action} at ${duration(p.atMs)}, recovery objective ${duration(p.recoveryObjectiveMs)}`,
      ];
    case 'review':
      return [
        `${p.template} template (${p.criteria} criteria), ${p.attestations} attestation(s), ${p.waivers} waiver(s)`,
        `evidence: ${show(p.evidence)}`,
        `reports: ${show(p.reports)}`,
      ];
  }
}

function scenarioLines(p: Extract<PlannedPhase, { id: 'scenarios' }>): string[] {
  const w = Math.max(0, ...p.scenarios.map((s) => s.id.length));
  const order = { concurrent: '', exclusive: ' (alone: disturbs the target)', last: ' (last)' };
  return [
    `${p.scenarios.length} scenario(s), up to ${p.concurrency} at a time:`,
    ...p.scenarios.map(
      (s) => `  ${s.id.padEnd(w)}  ${s.domain.padEnd(14)} ${s.source}${order[s.order]}`,
    ),
  ];
}

function profileLine(p: ProfilePlan): string {
  const ex = p.executors.map((e) => `${e.name} (${e.executor})`).join(', ');
  const src = p.source === 'builtin' ? 'built-in' : p.source;
  return `${p.name} (${src}): ${p.title ?? ''}${p.title ? '; ' : ''}at most ${duration(p.maxDurationMs)}; executors ${ex}; evidence for ${p.criteria.join(', ') || 'its own result only'}`;
}

function duration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
