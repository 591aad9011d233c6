import { describe, expect, it } from 'vitest';
import type { CriterionStatus, Domain, Outcome, StoredCheckResult, Waiver } from '../core/index.js';
import { DOMAINS } from '../core/index.js';
import { evaluateReview } from './decide.js';
import { evidenceFromRecords } from './records.js';
import { STANDARD_TEMPLATE } from './standard.js';
import type { Evidenced, ReviewEvidence, ReviewTemplate, TemplateCriterion } from './types.js';

const NOW = '2026-11-27T10:00:00Z';

function tc(
  id: string,
  domain: Domain,
  severity: TemplateCriterion['severity'],
): TemplateCriterion {
  return {
    id,
    domain,
    title: id,
    why: 'w',
    signal: 's',
    sources: ['scenario'],
    severity,
    owner: `${id} owner`,
    needs: 'check',
    measurements: [],
  };
}

/** One criterion per severity, each in its own domain, so questions can be told apart. */
const MINI: ReviewTemplate = {
  id: 'mini',
  title: 'mini',
  policy: { version: 'mini-1', conditionDueDays: 14, waivable: ['major', 'minor'] },
  questions: {
    workflow: 'W?',
    interop: 'I?',
    compliance: 'C?',
    adoption: 'A?',
    infrastructure: 'X?',
  },
  criteria: [
    tc('b', 'workflow', 'blocker'),
    tc('m', 'interop', 'major'),
    tc('n', 'compliance', 'minor'),
    tc('m2', 'adoption', 'major'),
    tc('b2', 'infrastructure', 'blocker'),
  ],
};

function check(
  id: string,
  criteria: string[],
  outcome: Outcome,
  extra: Partial<StoredCheckResult> = {},
): Evidenced<StoredCheckResult> {
  return {
    id,
    hash: `sha-${id}`,
    value: {
      check: `chk-${id}`,
      kind: 'scenario',
      title: id,
      domain: 'workflow',
      criteria,
      outcome,
      summary: `s-${id}`,
      findings: [],
      measurements: {},
      startedAt: NOW,
      durationMs: 1,
      ...extra,
    },
  };
}

function waiver(id: string, criterion: string, expires = '2026-12-20'): Evidenced<Waiver> {
  return {
    id,
    hash: `sha-${id}`,
    value: {
      criterion,
      approver: 'A. Approver',
      approverRole: 'CMO',
      reason: 'risk accepted',
      owner: `${criterion} fixer`,
      expires,
      grantedAt: '2026-11-01',
    },
  };
}

type Want = CriterionStatus | 'waiver-attempt';

/** Evidence that gives criterion `id` the wanted status. */
function evidenceFor(id: string, want: Want, into: ReviewEvidence): void {
  const map: Record<Exclude<Want, 'not-evidenced'>, Outcome> = {
    met: 'pass',
    'not-met': 'fail',
    inconclusive: 'error',
    waived: 'fail',
    'waiver-attempt': 'fail',
  };
  if (want !== 'not-evidenced') into.checks.push(check(`c-${id}`, [id], map[want]));
  if (want === 'waived' || want === 'waiver-attempt') into.waivers.push(waiver(`w-${id}`, id));
}

function run(statuses: Record<string, Want>, template = MINI) {
  const evidence: ReviewEvidence = { checks: [], attestations: [], waivers: [] };
  for (const c of template.criteria) evidenceFor(c.id, statuses[c.id] ?? 'met', evidence);
  return evaluateReview({ template, evidence, now: NOW, decidedBy: 'steering committee' });
}

describe('decision rule, one criterion at a time (others met)', () => {
  const cases: [string, Want, string, CriterionStatus][] = [
    ['b', 'met', 'GO', 'met'],
    ['b', 'not-met', 'NO_GO', 'not-met'],
    ['b', 'not-evidenced', 'NO_GO', 'not-evidenced'],
    ['b', 'inconclusive', 'NO_GO', 'inconclusive'],
    ['b', 'waiver-attempt', 'NO_GO', 'not-met'],
    ['m', 'not-met', 'CONDITIONAL_GO', 'not-met'],
    ['m', 'not-evidenced', 'CONDITIONAL_GO', 'not-evidenced'],
    ['m', 'inconclusive', 'CONDITIONAL_GO', 'inconclusive'],
    ['m', 'waived', 'CONDITIONAL_GO', 'waived'],
    ['n', 'not-met', 'GO', 'not-met'],
    ['n', 'not-evidenced', 'GO', 'not-evidenced'],
    ['n', 'inconclusive', 'GO', 'inconclusive'],
    ['n', 'waived', 'GO', 'waived'],
  ];
  it.each(cases)('%s %s -> %s', (id, want, decision, status) => {
    const r = run({ [id]: want });
    expect(r.decision).toBe(decision);
    expect(r.criteria.find((c) => c.id === id)?.status).toBe(status);
    expect(r.openMinors).toEqual(id === 'n' && want !== 'met' ? ['n'] : []);
  });
});

describe('decision rule over every combination of statuses', () => {
  const wants: Want[] = ['met', 'not-met', 'not-evidenced', 'inconclusive', 'waived'];
  // REVIEW.md restated: a waiver on a blocker is not applied, so it stays open.
  for (const b of wants)
    for (const m of wants)
      for (const n of wants) {
        const expected = b !== 'met' ? 'NO_GO' : m !== 'met' ? 'CONDITIONAL_GO' : 'GO';
        it(`b=${b} m=${m} n=${n} -> ${expected}`, () => {
          const r = run({ b, m, n });
          expect(r.decision).toBe(expected);
          const conds = r.conditions.map((c) => c.criterion);
          expect(conds).toEqual(expected === 'CONDITIONAL_GO' ? ['m'] : []);
          expect(r.openMinors).toEqual(n === 'met' ? [] : ['n']);
          expect(r.questions.find((q) => q.domain === 'workflow')?.answer).toBe(
            b === 'met' ? 'yes' : 'no',
          );
          expect(r.questions.find((q) => q.domain === 'interop')?.answer).toBe(
            m === 'met' ? 'yes' : 'no',
          );
          // A domain with only a minor is answered by it.
          expect(r.questions.find((q) => q.domain === 'compliance')?.answer).toBe(
            n === 'met' ? 'yes' : 'no',
          );
        });
      }
});

describe('the five questions', () => {
  const TWO: ReviewTemplate = {
    ...MINI,
    criteria: [
      tc('b', 'workflow', 'blocker'),
      tc('m', 'workflow', 'major'),
      tc('n', 'workflow', 'minor'),
    ],
  };
  const cases: [Want, Want, Want, string][] = [
    ['met', 'met', 'met', 'yes'],
    ['met', 'met', 'not-met', 'yes'],
    ['met', 'not-met', 'met', 'partly'],
    ['met', 'waived', 'met', 'partly'],
    ['not-evidenced', 'met', 'met', 'no'],
    ['inconclusive', 'met', 'met', 'no'],
  ];
  it.each(cases)('blocker %s, major %s, minor %s -> %s', (b, m, n, answer) => {
    const q = run({ b, m, n }, TWO).questions.find((x) => x.domain === 'workflow');
    expect(q?.answer).toBe(answer);
    expect(q?.question).toBe('W?');
  });

  it('a domain without criteria answers no (fail closed)', () => {
    expect(run({}, TWO).questions.find((x) => x.domain === 'interop')?.answer).toBe('no');
  });

  it('summarises what is met and what is open', () => {
    const q = run({ m: 'not-met', n: 'waived' }, TWO).questions[0];
    expect(q?.summary).toBe('1 of 3 criteria met; open: m (not-met), n (waived)');
  });
});

describe('conditions, rationale and record', () => {
  it('an open major is due conditionDueDays after now, owned by the criterion owner', () => {
    const r = run({ m: 'not-evidenced', m2: 'waived' });
    expect(r.conditions).toEqual([
      {
        criterion: 'm',
        owner: 'm owner',
        due: '2026-12-11',
        reason: expect.stringMatching(/^not-evidenced: No evidence/),
      },
      {
        criterion: 'm2',
        owner: 'm2 fixer',
        due: '2026-12-20',
        reason: expect.stringContaining('[w-m2]'),
      },
    ]);
    expect(r.rationale).toBe(
      'CONDITIONAL GO: every blocker is met; 2 criteria carry conditions: m (not-evidenced), m2 (waived).',
    );
  });

  it('NO-GO names every open blocker', () => {
    const r = run({ b: 'inconclusive', b2: 'not-met', m: 'not-met' });
    expect(r.rationale).toBe(
      'NO-GO: 2 blocker criteria are not met: b (inconclusive), b2 (not-met).',
    );
    expect(r.conditions).toEqual([]);
  });

  it('a policy that lets blockers be waived turns a waived blocker into a condition', () => {
    const lenient: ReviewTemplate = {
      ...MINI,
      policy: { ...MINI.policy, waivable: ['blocker', 'major', 'minor'] },
    };
    const r = run({ b: 'waived' }, lenient);
    expect(r.decision).toBe('CONDITIONAL_GO');
    expect(r.conditions.map((c) => c.criterion)).toEqual(['b']);
    // Nothing in the workflow domain is met, so its question still answers no.
    expect(r.questions.find((q) => q.domain === 'workflow')?.answer).toBe('no');
  });

  it('records policy version, who, when, and every evidence id with its hash', () => {
    const r = run({ m: 'waived' });
    expect(r.policyVersion).toBe('mini-1');
    expect(r.template).toBe('mini');
    expect(r.decidedBy).toBe('steering committee');
    expect(r.decidedAt).toBe('2026-11-27T10:00:00.000Z');
    expect(r.evidence).toEqual(
      ['c-b', 'c-b2', 'c-m', 'c-m2', 'c-n', 'w-m'].map((id) => ({ id, hash: `sha-${id}` })),
    );
  });

  it('rejects a review time that is not an instant', () => {
    expect(() =>
      evaluateReview({
        template: MINI,
        evidence: { checks: [], attestations: [], waivers: [] },
        now: 'today',
        decidedBy: 'x',
      }),
    ).toThrow(/not an ISO-8601/);
  });
});

describe('determinism', () => {
  it('the same evidence in any order gives an identical result', () => {
    const evidence: ReviewEvidence = { checks: [], attestations: [], waivers: [] };
    const wants: Record<string, Want> = {
      b: 'met',
      m: 'waived',
      n: 'not-met',
      m2: 'inconclusive',
      b2: 'met',
    };
    for (const [id, w] of Object.entries(wants)) evidenceFor(id, w, evidence);
    evidence.checks.push(check('z-extra', ['b', 'm2'], 'pass'));
    const a = evaluateReview({ template: MINI, evidence, now: NOW, decidedBy: 'x' });
    const reversed: ReviewEvidence = {
      checks: [...evidence.checks].reverse(),
      attestations: [...evidence.attestations].reverse(),
      waivers: [...evidence.waivers].reverse(),
    };
    const b = evaluateReview({ template: MINI, evidence: reversed, now: NOW, decidedBy: 'x' });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.criteria.find((c) => c.id === 'm2')?.evidence).toEqual(['c-m2', 'z-extra']);
  });
});

describe('the standard template', () => {
  it('with no evidence: NO-GO, nothing evidenced, every question answered no', () => {
    const r = evaluateReview({
      template: STANDARD_TEMPLATE,
      evidence: { checks: [], attestations: [], waivers: [] },
      now: NOW,
      decidedBy: 'x',
    });
    expect(r.decision).toBe('NO_GO');
    expect(new Set(r.criteria.map((c) => c.status))).toEqual(new Set(['not-evidenced']));
    expect(r.questions.map((q) => q.answer)).toEqual(['no', 'no', 'no', 'no', 'no']);
    expect(r.questions.map((q) => q.domain)).toEqual([...DOMAINS]);
  });

  it('with complete passing evidence (from stored records): GO', () => {
    const records: { id: string; kind: string; contentHash: string; content: unknown }[] = [];
    let n = 0;
    for (const c of STANDARD_TEMPLATE.criteria) {
      const measurements: Record<string, number> = {};
      for (const m of c.measurements)
        measurements[m.measurement] = m.op === '>=' ? m.threshold + 1 : m.threshold;
      if (c.needs !== 'attestation')
        records.push({
          id: `ev-${++n}`,
          kind: 'check',
          contentHash: `h${n}`,
          content: check('x', [c.id], 'pass', { measurements }).value,
        });
      if (c.needs.includes('attestation') && c.needs !== 'check|attestation')
        records.push({
          id: `ev-${++n}`,
          kind: 'attestation',
          contentHash: `h${n}`,
          content: {
            criterion: c.id,
            statement: 's',
            attestedBy: 'B',
            role: 'r',
            at: '2026-11-01',
            holds: true,
          },
        });
    }
    records.push({ id: 'ev-x', kind: 'exchange', contentHash: 'hx', content: {} });
    records.push({
      id: 'ev-bad',
      kind: 'check',
      contentHash: 'hb',
      content: { check: 'q', criteria: 'nope' },
    });
    const { evidence, rejected } = evidenceFromRecords(records);
    expect(rejected).toEqual([{ id: 'ev-bad', why: 'criteria is not a list of ids' }]);
    const r = evaluateReview({ template: STANDARD_TEMPLATE, evidence, now: NOW, decidedBy: 'x' });
    expect(r.criteria.filter((c) => c.status !== 'met')).toEqual([]);
    expect(r.decision).toBe('GO');
    expect(r.rationale).toBe('GO: every blocker and major criterion is met.');
    expect(r.questions.map((q) => q.answer)).toEqual(['yes', 'yes', 'yes', 'yes', 'yes']);
  });
});
