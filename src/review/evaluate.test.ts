import { describe, expect, it } from 'vitest';
import type { Attestation, CheckResult, Outcome, Waiver } from '../core/index.js';
import { UserError } from '../core/index.js';
import { evaluateCriterion } from './evaluate.js';
import { withThresholds } from './records.js';
import { STANDARD_TEMPLATE } from './standard.js';
import type { Evidenced, ReviewEvidence, ReviewTemplate, TemplateCriterion } from './types.js';

const NOW = '2026-11-27T10:00:00Z';
const NOW_MS = Date.parse(NOW);

function crit(id: string, template: ReviewTemplate = STANDARD_TEMPLATE): TemplateCriterion {
  const c = template.criteria.find((x) => x.id === id);
  if (!c) throw new Error(`no criterion ${id}`);
  return c;
}

function check(
  id: string,
  criterion: string,
  outcome: Outcome,
  measurements: Record<string, number> = {},
  kind: CheckResult['kind'] = 'scenario',
): Evidenced<CheckResult> {
  return {
    id,
    hash: `h-${id}`,
    value: {
      check: `chk.${id}`,
      kind,
      title: id,
      domain: 'workflow',
      criteria: [criterion],
      outcome,
      summary: `summary of ${id}`,
      findings: [],
      measurements,
      startedAt: NOW,
      durationMs: 1,
    },
  };
}

function att(id: string, criterion: string, holds: boolean): Evidenced<Attestation> {
  return {
    id,
    hash: `h-${id}`,
    value: {
      criterion,
      statement: 's',
      attestedBy: 'Dr A',
      role: 'observer',
      at: '2026-11-20',
      holds,
    },
  };
}

function waiver(id: string, criterion: string, over: Partial<Waiver> = {}): Evidenced<Waiver> {
  return {
    id,
    hash: `h-${id}`,
    value: {
      criterion,
      approver: 'C. Medical',
      approverRole: 'chief medical officer',
      reason: 'accepted for two weeks',
      owner: 'training lead',
      expires: '2026-12-15',
      grantedAt: '2026-11-20',
      ...over,
    },
  };
}

function ev(parts: Partial<ReviewEvidence>): ReviewEvidence {
  return { checks: [], attestations: [], waivers: [], ...parts };
}

function status(id: string, evidence: ReviewEvidence, template = STANDARD_TEMPLATE) {
  return evaluateCriterion(crit(id, template), evidence, template.policy, NOW_MS);
}

describe('status from check outcomes and attestations (needs: check)', () => {
  const ID = 'workflow.exceptions';
  const cases: [string, Outcome[], boolean[], string][] = [
    ['nothing', [], [], 'not-evidenced'],
    ['one pass', ['pass'], [], 'met'],
    ['pass and fail', ['pass', 'fail'], [], 'not-met'],
    ['pass and error', ['pass', 'error'], [], 'inconclusive'],
    ['fail and error: a definite failure wins', ['fail', 'error'], [], 'not-met'],
    ['only skips', ['skip', 'skip'], [], 'not-evidenced'],
    ['skip and pass', ['skip', 'pass'], [], 'met'],
    ['skip and error', ['skip', 'error'], [], 'inconclusive'],
    ['pass, refuted attestation', ['pass'], [false], 'not-met'],
    ['attestation alone is not a check', [], [true], 'not-evidenced'],
    ['error and refuted attestation', ['error'], [false], 'not-met'],
  ];
  it.each(cases)('%s', (_name, outcomes, attests, expected) => {
    const r = status(
      ID,
      ev({
        checks: outcomes.map((o, i) => check(`e${i}`, ID, o)),
        attestations: attests.map((h, i) => att(`a${i}`, ID, h)),
      }),
    );
    expect(r.status).toBe(expected);
    expect(r.evidence).toEqual(
      [...outcomes.map((_, i) => `e${i}`), ...attests.map((_, i) => `a${i}`)].sort(),
    );
  });

  it('names the evidence ids and the failing check in the reason', () => {
    const r = status(ID, ev({ checks: [check('ev-2', ID, 'pass'), check('ev-7', ID, 'fail')] }));
    expect(r.reason).toContain('chk.ev-7 [ev-7] failed: summary of ev-7');
    const e = status(ID, ev({ checks: [check('ev-3', ID, 'error')] }));
    expect(e.reason).toContain('[ev-3]');
    expect(e.reason).toMatch(/never counts as met/);
    const s = status(ID, ev({ checks: [check('ev-4', ID, 'skip')] }));
    expect(s.reason).toContain('only skipped checks (ev-4)');
  });

  it('ignores evidence for other criteria', () => {
    const r = status(ID, ev({ checks: [check('x', 'interop.identity', 'fail')] }));
    expect(r.status).toBe('not-evidenced');
    expect(r.evidence).toEqual([]);
  });
});

describe('criteria that need a person to attest', () => {
  const cases: [string, string, Outcome[], boolean[], string, RegExp?][] = [
    ['workflow.live-simulation', 'attested', [], [true], 'met'],
    ['workflow.live-simulation', 'refuted', [], [false], 'not-met'],
    ['workflow.live-simulation', 'nothing', [], [], 'not-evidenced'],
    ['workflow.live-simulation', 'attested, check errored', ['error'], [true], 'inconclusive'],
    ['workflow.downtime-recovery', 'scenario and rehearsal', ['pass'], [true], 'met'],
    [
      'workflow.downtime-recovery',
      'scenario without rehearsal',
      ['pass'],
      [],
      'not-evidenced',
      /no attestation that staff rehearsed/,
    ],
    [
      'workflow.downtime-recovery',
      'rehearsal without scenario',
      [],
      [true],
      'not-evidenced',
      /no check result/,
    ],
    ['workflow.downtime-recovery', 'scenario failed', ['fail'], [true], 'not-met'],
    ['infrastructure.environment', 'attested', [], [true], 'met'],
    ['infrastructure.environment', 'check only', ['pass'], [], 'not-evidenced'],
    ['infrastructure.point-of-care', 'attestation only', [], [true], 'met'],
    ['infrastructure.point-of-care', 'check only', ['pass'], [], 'met'],
    ['infrastructure.point-of-care', 'neither', ['skip'], [], 'not-evidenced'],
  ];
  it.each(cases)('%s: %s', (id, _name, outcomes, attests, expected, reason) => {
    const r = status(
      id,
      ev({
        checks: outcomes.map((o, i) => check(`e${i}`, id, o)),
        attestations: attests.map((h, i) => att(`a${i}`, id, h)),
      }),
    );
    expect(r.status).toBe(expected);
    if (reason) expect(r.reason).toMatch(reason);
  });

  it('an attestation recorded as a check of kind attestation counts as the attestation', () => {
    const id = 'workflow.live-simulation';
    const r = status(id, ev({ checks: [check('k', id, 'pass', {}, 'attestation')] }));
    expect(r.status).toBe('met');
    // ...but never as the automated half of check+attestation.
    const d = 'workflow.downtime-recovery';
    const r2 = status(d, ev({ checks: [check('k', d, 'pass', {}, 'attestation')] }));
    expect(r2.status).toBe('not-evidenced');
  });
});

describe('thresholds on measurements', () => {
  const U = 'adoption.unaided-tasks';
  const cases: [string, Outcome, Record<string, number>, string][] = [
    ['above the default 90%', 'pass', { unaided_critical_pct_min: 94 }, 'met'],
    ['exactly at the threshold', 'pass', { unaided_critical_pct_min: 90 }, 'met'],
    ['below', 'pass', { unaided_critical_pct_min: 89.9 }, 'not-met'],
    [
      'one role below (qualified key)',
      'pass',
      { 'unaided_critical_pct_min.nurse': 80, 'unaided_critical_pct_min.clerk': 99 },
      'not-met',
    ],
    ['all roles above (qualified keys)', 'pass', { 'unaided_critical_pct_min.nurse': 92 }, 'met'],
    ['required measurement missing', 'pass', { other: 1 }, 'not-evidenced'],
    [
      'errored check figures are not judged',
      'error',
      { unaided_critical_pct_min: 10 },
      'inconclusive',
    ],
    ['prefix must be a whole name', 'pass', { unaided_critical_pct_minimum: 10 }, 'not-evidenced'],
  ];
  it.each(cases)('%s', (_n, outcome, m, expected) => {
    expect(status(U, ev({ checks: [check('e1', U, outcome, m, 'adoption')] })).status).toBe(
      expected,
    );
  });

  it('says which measurement broke which threshold, with the evidence id', () => {
    const r = status(
      U,
      ev({ checks: [check('ev-9', U, 'pass', { 'unaided_critical_pct_min.nurse': 80 })] }),
    );
    expect(r.reason).toContain('unaided_critical_pct_min.nurse = 80 %, threshold >= 90 [ev-9]');
  });

  it('applies every rule of a criterion (failover: lost, duplicated, recovery)', () => {
    const F = 'infrastructure.failover';
    const ok = { lost: 0, duplicated: 0, recovery_s: 40 };
    expect(status(F, ev({ checks: [check('f', F, 'pass', ok)] })).status).toBe('met');
    expect(
      status(F, ev({ checks: [check('f', F, 'pass', { ...ok, duplicated: 2 })] })).status,
    ).toBe('not-met');
    expect(
      status(F, ev({ checks: [check('f', F, 'pass', { lost: 0, duplicated: 0 })] })).status,
    ).toBe('not-evidenced');
  });

  it('an optional measurement is judged only where reported (point of care)', () => {
    const P = 'infrastructure.point-of-care';
    expect(
      status(P, ev({ checks: [check('p', P, 'pass', { poc_response_p95_ms: 2500 })] })).status,
    ).toBe('not-met');
    expect(
      status(P, ev({ checks: [check('p', P, 'pass', { poc_response_p95_ms: 800 })] })).status,
    ).toBe('met');
  });

  it('site overrides change the threshold; unknown names are user errors', () => {
    const strict = withThresholds(STANDARD_TEMPLATE, { [U]: { unaided_critical_pct_min: 95 } });
    const e = ev({ checks: [check('e1', U, 'pass', { unaided_critical_pct_min: 94 })] });
    expect(status(U, e, strict).status).toBe('not-met');
    expect(status(U, e).status).toBe('met');
    expect(() => withThresholds(STANDARD_TEMPLATE, { 'adoption.nope': { x: 1 } })).toThrow(
      UserError,
    );
    expect(() => withThresholds(STANDARD_TEMPLATE, { [U]: { unaided_pct: 1 } })).toThrow(
      /no threshold/,
    );
  });
});

describe('waivers', () => {
  const M = 'adoption.floor-support'; // major
  const failing = (w: Evidenced<Waiver>[]) =>
    ev({ checks: [check('ev-1', M, 'fail')], waivers: w });
  const cases: [string, Partial<Waiver>, string, RegExp][] = [
    [
      'valid',
      {},
      'waived',
      /Waived by C\. Medical \(chief medical officer\) until 2026-12-15 \[w1\]/,
    ],
    [
      'expired',
      { expires: '2026-11-26' },
      'not-met',
      /waiver \[w1\] not applied: it expired on 2026-11-26/i,
    ],
    [
      'expires today (date covers the whole day)',
      { expires: '2026-11-27' },
      'waived',
      /until 2026-11-27/,
    ],
    ['expired an instant ago', { expires: '2026-11-27T09:59:59Z' }, 'not-met', /expired/],
    ['no approver role', { approverRole: '' }, 'not-met', /lacks approverRole/],
    ['no approver', { approver: ' ' }, 'not-met', /lacks approver/],
    ['no reason', { reason: '' }, 'not-met', /lacks reason/],
    ['no owner', { owner: '' }, 'not-met', /lacks owner/],
    ['no expiry', { expires: '' }, 'not-met', /lacks expires/],
    ['expiry not a date', { expires: 'soon' }, 'not-met', /"soon" is not a date/],
    [
      'granted after the review',
      { grantedAt: '2026-11-28' },
      'not-met',
      /granted after the review time/,
    ],
  ];
  it.each(cases)('%s', (_n, over, expected, reason) => {
    const r = status(M, failing([waiver('w1', M, over)]));
    expect(r.status).toBe(expected);
    expect(r.reason).toMatch(reason);
    expect(r.evidence).toEqual(['ev-1', 'w1']);
  });

  it('keeps the underlying status and its evidence in the reason', () => {
    const r = status(M, failing([waiver('w1', M)]));
    expect(r.reason).toContain('Underlying: Not met: chk.ev-1 [ev-1] failed');
    expect(r.waiver).toEqual({ id: 'w1', owner: 'training lead', expires: '2026-12-15' });
  });

  it('never waives a blocker under the standard policy', () => {
    const B = 'interop.identity';
    const r = status(B, ev({ checks: [check('ev-1', B, 'fail')], waivers: [waiver('w1', B)] }));
    expect(r.status).toBe('not-met');
    expect(r.reason).toMatch(/does not let a blocker criterion be waived/);
  });

  it('waives a not-evidenced or inconclusive major, and a minor', () => {
    expect(status(M, ev({ waivers: [waiver('w1', M)] })).status).toBe('waived');
    const e = ev({ checks: [check('e', M, 'error')], waivers: [waiver('w1', M)] });
    expect(status(M, e).status).toBe('waived');
    const S = 'infrastructure.storage';
    expect(status(S, ev({ waivers: [waiver('w1', S)] })).status).toBe('waived');
  });

  it('leaves a met criterion met', () => {
    const r = status(M, ev({ checks: [check('e', M, 'pass')], waivers: [waiver('w1', M)] }));
    expect(r.status).toBe('met');
  });

  it('chooses the longest valid waiver and reports the rejected ones', () => {
    const r = status(
      M,
      failing([
        waiver('w3', M, { expires: '2026-12-01', owner: 'short' }),
        waiver('w2', M, { expires: '2027-01-31', owner: 'long' }),
        waiver('w1', M, { expires: '2026-01-01' }),
      ]),
    );
    expect(r.status).toBe('waived');
    expect(r.waiver?.owner).toBe('long');
    expect(r.reason).toMatch(/Also: waiver \[w1\] not applied: it expired on 2026-01-01/);
  });
});
