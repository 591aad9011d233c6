import { DOMAINS, formatLocation, severityCounts, type Domain } from '../core/index.js';
import { REPORT_SCHEMA_VERSION, type ReportJson } from './json-schema.js';
import {
  checkExchangeIds,
  collectFindings,
  durationBetween,
  evidenceList,
  loadData,
  scenarioData,
  summarizeChecks,
} from './model.js';
import type { ReportCheck, ReportInput } from './types.js';

function checkItem(c: ReportCheck): ReportJson['checks']['items'][number] {
  const item: ReportJson['checks']['items'][number] = {
    check: c.check,
    kind: c.kind,
    title: c.title,
    domain: c.domain,
    criteria: [...c.criteria],
    outcome: c.outcome,
    summary: c.summary,
    evidenceId: c.evidenceId,
    hash: c.hash,
    startedAt: c.startedAt,
    durationMs: c.durationMs,
    findings: c.findings.length,
    measurements: { ...c.measurements },
    exchangeIds: checkExchangeIds(c),
  };
  const sd = scenarioData(c);
  if (sd) {
    item.steps = sd.steps.map((s) => ({
      index: s.index,
      ...(s.id !== undefined ? { id: s.id } : {}),
      type: s.type,
      title: s.title,
      outcome: s.outcome,
      message: s.message,
      ...(s.expected !== undefined ? { expected: s.expected } : {}),
      ...(s.actual !== undefined ? { actual: s.actual } : {}),
      durationMs: s.durationMs,
      exchangeIds: [...(s.exchangeIds ?? [])],
    }));
  }
  const ld = loadData(c);
  if (ld) {
    item.load = {
      percentiles: { ...ld.percentiles },
      accounting: { ...ld.accounting },
      thresholds: ld.thresholds.map((t) => ({ ...t })),
      ...(ld.targetRate !== undefined ? { targetRate: ld.targetRate } : {}),
      ...(ld.achievedRate !== undefined ? { achievedRate: ld.achievedRate } : {}),
      seriesPoints: ld.series.length,
    };
  }
  return item;
}

/** The JSON report as an object (see docs/report-json.md and schemas/report.schema.json). */
export function buildJsonReport(input: ReportInput): ReportJson {
  const { review, run } = input;
  const findings = collectFindings(input.checks);
  const byDomain: Partial<Record<Domain, number>> = {};
  for (const d of DOMAINS) byDomain[d] = 0;
  for (const { finding } of findings)
    byDomain[finding.domain] = (byDomain[finding.domain] ?? 0) + 1;
  const durationMs = durationBetween(run.startedAt, run.finishedAt);
  const exchanges = [
    ...new Map(
      [...input.exchanges, ...input.checks.flatMap((c) => c.exchanges ?? [])].map((x) => [x.id, x]),
    ).values(),
  ];

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generator: { name: 'golive', version: run.toolVersion },
    run: {
      id: run.id,
      target: run.target,
      ...(run.config !== undefined ? { config: run.config } : {}),
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      ...(durationMs !== undefined ? { durationMs } : {}),
    },
    decision: review.decision,
    rationale: review.rationale,
    template: review.template,
    policyVersion: review.policyVersion,
    decidedBy: review.decidedBy,
    decidedAt: review.decidedAt,
    questions: review.questions.map((q) => ({ ...q })),
    criteria: review.criteria.map((c) => ({
      id: c.id,
      domain: c.domain,
      title: c.title,
      severity: c.severity,
      owner: c.owner,
      status: c.status,
      reason: c.reason,
      evidence: [...c.evidence],
    })),
    conditions: review.conditions.map((c) => ({ ...c })),
    openMinors: [...review.openMinors],
    checks: { ...summarizeChecks(input.checks), items: input.checks.map(checkItem) },
    findings: {
      total: findings.length,
      bySeverity: severityCounts(findings.map((f) => f.finding)),
      byDomain,
      items: findings.map(({ finding: f, check }) => ({
        rule: f.rule,
        severity: f.severity,
        domain: f.domain,
        message: f.message,
        action: f.action,
        ...(f.location ? { location: { ...f.location } } : {}),
        where: formatLocation(f.location),
        ...(f.detail ? { detail: { ...f.detail } } : {}),
        check: check.check,
        evidenceId: check.evidenceId,
      })),
    },
    exchanges: exchanges.map((x) => ({
      id: x.id,
      protocol: x.protocol,
      direction: x.direction,
      peer: x.peer,
      startedAt: x.startedAt,
      durationMs: x.durationMs,
      summary: x.summary,
      ...(x.error !== undefined ? { error: x.error } : {}),
    })),
    evidence: evidenceList(input),
  };
}

/** The JSON report as text: two-space indented, newline-terminated. */
export function renderJson(input: ReportInput): string {
  return `${JSON.stringify(buildJsonReport(input), null, 2)}\n`;
}
