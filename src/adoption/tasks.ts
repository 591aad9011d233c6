/**
 * Task simulation evidence: can each role do its critical tasks without coaching
 * (adoption.unaided-tasks), and its exception tasks too, with a quick-reference guide for each
 * (adoption.exceptions-understood)? Pure; `now` is injected.
 */
import type { CheckResult } from '../core/index.js';
import type { Finding, Location } from '../core/index.js';
import { buildResult, pct } from '../core/index.js';
import { cell, type TableRow } from '../inputs/index.js';
import type { GuideRow, TaskRow } from './schema.js';

export const DEFAULT_THRESHOLD_PCT = 90;

export interface TaskOptions {
  now: Date;
  /** Minimum % of attempts completed unaided (REVIEW.md default 90). */
  thresholdPct?: number;
  /** Roles that must have simulation records (from the launch plan). */
  requiredRoles?: string[];
}

type Task = TableRow<TaskRow>;

/** Task names compare without case or spacing differences ("Cancel order" = "cancel  order"). */
export const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

interface Rate {
  attempts: number;
  unaided: number;
  pct: number;
  /** Tasks with at least one coached attempt. */
  coached: string[];
}

function rate(rows: Task[]): Rate {
  const unaided = rows.filter((r) => r.value.unaided).length;
  return {
    attempts: rows.length,
    unaided,
    pct: pct(unaided, rows.length),
    coached: [...new Set(rows.filter((r) => !r.value.unaided).map((r) => r.value.task))],
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The slowest tasks of a role by median duration: where training or build needs a look. */
function slowest(rows: Task[], n = 3): { task: string; median_s: number; attempts: number }[] {
  const byTask = new Map<string, number[]>();
  for (const r of rows)
    if (r.value.duration_s !== undefined)
      byTask.set(r.value.task, [...(byTask.get(r.value.task) ?? []), r.value.duration_s]);
  return [...byTask]
    .map(([task, d]) => ({ task, median_s: median(d), attempts: d.length }))
    .sort((a, b) => b.median_s - a.median_s)
    .slice(0, n);
}

function byRole(tasks: Task[]): Map<string, Task[]> {
  const m = new Map<string, Task[]>();
  for (const t of tasks) m.set(t.value.role, [...(m.get(t.value.role) ?? []), t]);
  return m;
}

function f(
  rule: string,
  location: Location | undefined,
  message: string,
  action: string,
  detail?: Record<string, unknown>,
): Finding {
  return {
    rule,
    severity: 'error',
    domain: 'adoption',
    message,
    action,
    ...(location ? { location } : {}),
    ...(detail ? { detail } : {}),
  };
}

export function reviewUnaidedTasks(tasks: Task[], opts: TaskOptions): CheckResult {
  const threshold = opts.thresholdPct ?? DEFAULT_THRESHOLD_PCT;
  const findings: Finding[] = [];
  const roles = byRole(tasks);
  const perRole: Record<string, unknown>[] = [];
  let min = Number.POSITIVE_INFINITY;
  let below = 0;
  for (const role of opts.requiredRoles ?? []) {
    if (!roles.has(role)) {
      findings.push(
        f(
          'adoption.role-not-simulated',
          undefined,
          `role "${role}" is in the launch plan but has no task simulation records`,
          `Run task simulations for "${role}" (critical and exception tasks) before go-live.`,
        ),
      );
    }
  }
  for (const [role, rows] of roles) {
    const critical = rows.filter((r) => r.value.critical);
    const r = rate(critical);
    perRole.push({ role, critical: r, slowest: slowest(rows) });
    if (critical.length === 0) {
      findings.push(
        f(
          'adoption.role-no-critical-tasks',
          cell(rows[0]!.at, 'critical'),
          `role "${role}" has simulation records but none for a critical task`,
          `Simulate the critical tasks of "${role}": without them its day-one safety is not evidenced.`,
        ),
      );
      continue;
    }
    min = Math.min(min, r.pct);
    if (r.pct < threshold) {
      below++;
      const firstCoached = critical.find((t) => !t.value.unaided)!;
      findings.push(
        f(
          'adoption.unaided-below-threshold',
          cell(firstCoached.at, 'unaided'),
          `role "${role}": ${r.pct}% of critical task attempts completed unaided (${r.unaided} of ${r.attempts}), below the ${threshold}% threshold; coached on: ${r.coached.join(', ')}`,
          `Retrain "${role}" on ${r.coached.join(', ')} (or fix the build where the workflow confuses) and re-run the simulation.`,
          { role, pct: r.pct, unaided: r.unaided, attempts: r.attempts, coached: r.coached },
        ),
      );
    }
  }
  const measured = Number.isFinite(min);
  return buildResult({
    check: 'adoption.unaided-tasks',
    kind: 'adoption',
    title: 'Task simulations: critical tasks completed unaided, per role',
    domain: 'adoption',
    criteria: ['adoption.unaided-tasks'],
    findings:
      tasks.length === 0
        ? [
            f(
              'adoption.no-task-records',
              undefined,
              'no task simulation records',
              'Run task simulations with end users of every role and record them.',
            ),
          ]
        : findings,
    measurements: {
      ...(measured ? { unaided_critical_pct_min: min } : {}),
      roles_simulated: roles.size,
      roles_below_threshold: below,
      critical_attempts: tasks.filter((t) => t.value.critical).length,
      threshold_pct: threshold,
    },
    now: opts.now,
    passSummary: `Every simulated role (${roles.size}) completed at least ${threshold}% of critical tasks unaided (lowest ${measured ? min : '-'}%).`,
    failSummary: () =>
      `${below} of ${roles.size} roles below ${threshold}% unaided on critical tasks (lowest ${measured ? min : '-'}%).`,
    data: { roles: perRole },
  });
}

export function reviewExceptions(
  tasks: Task[],
  guides: TableRow<GuideRow>[],
  opts: TaskOptions,
): CheckResult {
  const threshold = opts.thresholdPct ?? DEFAULT_THRESHOLD_PCT;
  const findings: Finding[] = [];
  const exceptions = tasks.filter((t) => t.value.exception);
  const guided = new Set(guides.map((g) => norm(g.value.task)));
  let min = Number.POSITIVE_INFINITY;
  for (const [role, rows] of byRole(exceptions)) {
    const r = rate(rows);
    min = Math.min(min, r.pct);
    if (r.pct < threshold) {
      findings.push(
        f(
          'adoption.exception-below-threshold',
          cell(rows.find((t) => !t.value.unaided)!.at, 'unaided'),
          `role "${role}": ${r.pct}% of exception task attempts completed unaided (${r.unaided} of ${r.attempts}), below ${threshold}%; coached on: ${r.coached.join(', ')}`,
          `Drill "${role}" on ${r.coached.join(', ')} with the quick-reference guide, and re-run the simulation.`,
          { role, pct: r.pct, coached: r.coached },
        ),
      );
    }
  }
  const firstRow = new Map<string, Task>();
  for (const t of exceptions)
    if (!firstRow.has(norm(t.value.task))) firstRow.set(norm(t.value.task), t);
  const noGuide = [...firstRow.values()].filter((t) => !guided.has(norm(t.value.task)));
  for (const t of noGuide) {
    findings.push(
      f(
        'adoption.exception-no-guide',
        cell(t.at, 'task'),
        `exception task "${t.value.task}" has no quick-reference guide`,
        `Write a one-page quick-reference guide for "${t.value.task}", put it where the task is done, and list it in the guides file.`,
      ),
    );
  }
  return buildResult({
    check: 'adoption.exceptions-understood',
    kind: 'adoption',
    title: 'Exception tasks: completed unaided, with a quick-reference guide',
    domain: 'adoption',
    criteria: ['adoption.exceptions-understood'],
    findings:
      exceptions.length === 0
        ? [
            f(
              'adoption.no-exception-tasks',
              undefined,
              'no exception task was simulated',
              'Simulate the exception workflows (cancel, re-label, downtime, unknown patient...) with end users.',
            ),
          ]
        : findings,
    measurements: {
      ...(Number.isFinite(min) ? { exception_unaided_pct_min: min } : {}),
      exception_tasks: firstRow.size,
      exception_tasks_without_guide: noGuide.length,
    },
    now: opts.now,
    passSummary: `All ${firstRow.size} exception tasks were completed unaided by every role and each has a quick-reference guide.`,
    failSummary: (n) =>
      `${n} gap(s) in exception handling: tasks needing coaching or without a quick-reference guide.`,
  });
}
