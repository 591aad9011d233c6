import { describe, expect, it } from 'vitest';
import { guideRow, rosterRow, signalRow, taskRow } from './schema.js';
import { reviewExceptions, reviewUnaidedTasks } from './tasks.js';
import { reviewWorkarounds } from './signals.js';
import { reviewFloorSupport, type PlannedShift } from './roster.js';

const NOW = new Date('2026-02-27T12:00:00Z');
const rows = <T>(parse: (v: unknown) => T, vs: Record<string, unknown>[], file: string) =>
  vs.map((v, i) => ({ value: parse(v), at: { file, row: i + 1, line: i + 2 } }));

/** n attempts of a task by a role, `unaided` of them without help. */
function attempts(
  role: string,
  task: string,
  n: number,
  unaided: number,
  extra: Record<string, unknown> = {},
) {
  return Array.from({ length: n }, (_, i) => ({
    role,
    participant: `P${i}`,
    task,
    critical: 'yes',
    unaided: i < unaided ? 'yes' : 'no',
    duration_s: String(60 + i * 10),
    date: '2026-02-10',
    ...extra,
  }));
}
const tasks = (vs: Record<string, unknown>[]) => rows((v) => taskRow.parse(v), vs, 'tasks.csv');

describe('unaided critical tasks', () => {
  it('fails a role below 90% and names the coached tasks; 90% exactly passes', () => {
    const r = reviewUnaidedTasks(
      tasks([...attempts('nurse', 'Ack critical', 10, 8), ...attempts('lab', 'Receive', 10, 9)]),
      { now: NOW },
    );
    expect(r.outcome).toBe('fail');
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0]!;
    expect(f.rule).toBe('adoption.unaided-below-threshold');
    expect(f.message).toContain('nurse');
    expect(f.message).toContain('80%');
    expect(f.message).toContain('Ack critical');
    expect(f.location).toMatchObject({ file: 'tasks.csv', row: 9, column: 'unaided' });
    expect(r.measurements.unaided_critical_pct_min).toBe(80);
    expect(r.criteria).toEqual(['adoption.unaided-tasks']);
  });

  it('ignores non-critical tasks and honours a custom threshold', () => {
    const t = tasks([
      ...attempts('nurse', 'A', 10, 10),
      ...attempts('nurse', 'Optional', 5, 0, { critical: 'no' }),
    ]);
    expect(reviewUnaidedTasks(t, { now: NOW }).outcome).toBe('pass');
    expect(
      reviewUnaidedTasks(tasks(attempts('nurse', 'A', 10, 8)), { now: NOW, thresholdPct: 75 })
        .outcome,
    ).toBe('pass');
  });

  it('reports the slowest tasks per role as data', () => {
    const r = reviewUnaidedTasks(
      tasks([
        ...attempts('nurse', 'Fast', 2, 2, { duration_s: '30' }),
        ...attempts('nurse', 'Slow', 2, 2, { duration_s: '300' }),
      ]),
      { now: NOW },
    );
    const roles = (r.data as { roles: { slowest: { task: string }[] }[] }).roles;
    expect(roles[0]!.slowest[0]!.task).toBe('Slow');
  });

  it('treats missing evidence as a failure, never a pass', () => {
    expect(reviewUnaidedTasks([], { now: NOW }).outcome).toBe('fail');
    expect(
      reviewUnaidedTasks(tasks(attempts('clerk', 'Register', 3, 3, { critical: 'no' })), {
        now: NOW,
      }).findings[0]!.rule,
    ).toBe('adoption.role-no-critical-tasks');
    const r = reviewUnaidedTasks(tasks(attempts('nurse', 'A', 3, 3)), {
      now: NOW,
      requiredRoles: ['nurse', 'porter'],
    });
    expect(r.findings.map((f) => f.rule)).toEqual(['adoption.role-not-simulated']);
  });
});

describe('exceptions understood', () => {
  const guides = rows(
    (v) => guideRow.parse(v),
    [{ task: 'cancel  ORDER', guide: 'QRG-7' }],
    'guides.csv',
  );
  it('flags exception tasks without a guide (names compared loosely) and below-threshold roles', () => {
    const t = tasks([
      ...attempts('nurse', 'Cancel order', 2, 2, { exception: 'yes' }),
      ...attempts('nurse', 'Relabel specimen', 2, 2, { exception: 'yes' }),
    ]);
    const r = reviewExceptions(t, guides, { now: NOW });
    expect(r.findings.map((f) => [f.rule, f.location?.row])).toEqual([
      ['adoption.exception-no-guide', 3],
    ]);
    const coached = reviewExceptions(
      tasks(attempts('nurse', 'Cancel order', 4, 3, { exception: 'yes' })),
      guides,
      { now: NOW },
    );
    expect(coached.findings.map((f) => f.rule)).toEqual(['adoption.exception-below-threshold']);
    expect(
      reviewExceptions(
        tasks(attempts('nurse', 'Cancel order', 4, 4, { exception: 'yes' })),
        guides,
        { now: NOW },
      ).outcome,
    ).toBe('pass');
  });
});

describe('workaround signals', () => {
  const sig = (v: Record<string, unknown>) =>
    reviewWorkarounds(
      rows(
        (x) => signalRow.parse(x),
        [{ date: '2026-02-19', unit: 'Ward 4B', ...v }],
        'signals.csv',
      ),
      { now: NOW },
    );
  it('fails on an open high-risk signal only', () => {
    expect(
      sig({ kind: 'Sticky note', severity: 'high', status: 'open' }).findings.map((f) => f.rule),
    ).toEqual(['adoption.workaround-open-high-risk']);
    expect(sig({ kind: 'verbal relay', severity: 'high', status: 'closed' }).findings).toEqual([]);
    const medium = sig({ kind: 'parallel spreadsheet', severity: 'medium', status: 'in progress' });
    expect(medium.outcome).toBe('pass');
    expect(medium.findings.map((f) => f.rule)).toEqual(['adoption.workaround-open']);
  });
  it('treats an open password-sharing request as high risk whatever was logged', () => {
    const r = sig({ kind: 'password-sharing request', severity: 'low', status: 'open' });
    expect(r.findings.map((f) => f.rule)).toEqual(['adoption.workaround-open-high-risk']);
    expect(
      sig({ kind: 'password-sharing request', severity: 'low', status: 'mitigated' }).findings,
    ).toEqual([]);
  });
});

describe('floor support', () => {
  const plan = (pairs: [string, string, string?][]): PlannedShift[] =>
    pairs.map(([unit, shift, date]) => ({
      unit,
      shift,
      ...(date ? { date } : {}),
      at: { file: 'plan.yaml', line: 2 },
    }));
  const roster = (vs: Record<string, unknown>[]) =>
    rows(
      (v) => rosterRow.parse(v),
      vs.map((v) => ({ staff: 'S', role: 'super-user', ...v })),
      'roster.csv',
    );
  it('reports every planned unit shift with nobody rostered', () => {
    const r = reviewFloorSupport(
      plan([
        ['ICU', 'day'],
        ['ICU', 'night'],
        ['ED', 'night'],
      ]),
      roster([
        { unit: 'icu', shift: 'Day' },
        { unit: 'ED', shift: 'night' },
      ]),
      { now: NOW },
    );
    expect(r.findings.map((f) => f.message)).toEqual([
      'no floor support rostered for ICU night shift',
    ]);
    expect(r.measurements).toMatchObject({ uncovered_shifts: 1, planned_shifts: 3 });
  });
  it('matches dates when both plan and roster give them; an undated roster row covers every day', () => {
    const p = plan([
      ['ICU', 'night', '2026-03-02'],
      ['ICU', 'night', '2026-03-03'],
    ]);
    expect(
      reviewFloorSupport(p, roster([{ unit: 'ICU', shift: 'night', date: '2026-03-02' }]), {
        now: NOW,
      }).measurements.uncovered_shifts,
    ).toBe(1);
    expect(
      reviewFloorSupport(p, roster([{ unit: 'ICU', shift: 'night' }]), { now: NOW }).outcome,
    ).toBe('pass');
  });
  it('fails an empty plan rather than passing it', () => {
    expect(reviewFloorSupport([], [], { now: NOW }).outcome).toBe('fail');
  });
});
