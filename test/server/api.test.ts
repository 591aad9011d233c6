/**
 * The dashboard's JSON API over real HTTP on 127.0.0.1 (port 0) and a real SQLite store:
 * authentication and roles, reads, the two writes and their effect on the provisional review,
 * validation errors, 404s, the body cap, store verification, and the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MISSING_ATTESTATION,
  NAMES,
  RUN_COND,
  RUN_DECIDED,
  RUN_NOGO,
  startHarness,
  TOKENS,
  type Harness,
} from './fixture.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.cleanup();
});

const attestation = {
  criterion: MISSING_ATTESTATION,
  statement: 'Ward 4B ran a full shift simulation with real nurses; no unsafe workaround seen.',
  holds: true,
  reference: 'SIM-2026-11',
};
const waiver = {
  criterion: 'compliance.roles-duties',
  reason: 'Two excess permissions are being removed by the vendor; compensating review weekly.',
  owner: 'Access manager',
  expires: '2026-12-31',
};

describe('authentication and roles', () => {
  it('answers 401 with a clear JSON error when no token is sent, and never a stack', async () => {
    const res = await h.call('/api/runs');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = await res.json();
    expect(body.error.code).toBe('E_AUTH_REQUIRED');
    expect(body.error.hint).toMatch(/Authorization: Bearer/);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers 401 for a wrong token or a malformed header', async () => {
    const wrong = await h.call('/api/runs', {
      headers: { authorization: 'Bearer not-a-real-token' },
    });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('E_AUTH_INVALID');
    const basic = await h.call('/api/runs', { headers: { authorization: 'Basic dXNlcjpwdw==' } });
    expect(basic.status).toBe(401);
  });

  it('lets every role read', async () => {
    for (const as of ['viewer', 'attestor', 'approver', 'admin'] as const) {
      const res = await h.call('/api/me', { as });
      expect(res.status, as).toBe(200);
      expect(await res.json()).toMatchObject({ name: NAMES[as], role: as, readOnly: false });
    }
  });

  it.each([
    ['viewer', '/attestations', 403],
    ['admin', '/attestations', 403],
    ['viewer', '/waivers', 403],
    ['attestor', '/waivers', 403],
    ['admin', '/waivers', 403],
  ] as const)('%s POST %s -> %d', async (as, path, status) => {
    const res = await h.call(`/api/runs/${RUN_NOGO}${path}`, {
      method: 'POST',
      as,
      json: path === '/waivers' ? waiver : attestation,
    });
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toBe('E_FORBIDDEN');
    expect(body.error.hint).toBeTruthy();
  });

  it('keeps the audit log for admins only', async () => {
    expect((await h.call('/api/audit', { as: 'approver' })).status).toBe(403);
    expect((await h.call('/api/audit', { as: 'admin' })).status).toBe(200);
  });
});

describe('reads', () => {
  it('lists runs with start time, counts and decision (or provisional decision)', async () => {
    const { runs } = await (await h.call('/api/runs', { as: 'viewer' })).json();
    expect(runs.map((r: { id: string }) => r.id).sort()).toEqual(
      [RUN_COND, RUN_DECIDED, RUN_NOGO].sort(),
    );
    const decided = runs.find((r: { id: string }) => r.id === RUN_DECIDED);
    expect(decided.decision).toMatchObject({ value: 'NO_GO', decidedBy: 'golive run' });
    expect(decided.counts.decision).toBe(1);
    const nogo = runs.find((r: { id: string }) => r.id === RUN_NOGO);
    expect(nogo.decision).toBeNull();
    expect(nogo.provisional).toBe('NO_GO');
    expect(nogo.outcomes.fail).toBeGreaterThan(0);
    expect(typeof nogo.started).toBe('string');
  });

  it('returns the decision record of a decided run, and evaluates an undecided one provisionally', async () => {
    const decided = await (
      await h.call(`/api/runs/${RUN_DECIDED}/review`, { as: 'viewer' })
    ).json();
    expect(decided.provisional).toBe(false);
    expect(decided.decisionRecord).toMatch(/^ev-\d+$/);
    expect(decided.review.decidedBy).toBe('golive run');
    const cond = await (await h.call(`/api/runs/${RUN_COND}/review`, { as: 'viewer' })).json();
    expect(cond.provisional).toBe(true);
    expect(cond.review.decision).toBe('CONDITIONAL_GO');
    expect(cond.review.decidedBy).toMatch(/provisional/);
  });

  it('lists criteria with status and evidence ids, filterable by status', async () => {
    const all = await (await h.call(`/api/runs/${RUN_NOGO}/criteria`, { as: 'viewer' })).json();
    expect(all.criteria).toHaveLength(24);
    expect(all.criteria[0]).toEqual(
      expect.objectContaining({
        id: 'workflow.exceptions',
        status: 'not-met',
        evidence: expect.any(Array),
      }),
    );
    const notMet = await (
      await h.call(`/api/runs/${RUN_NOGO}/criteria?status=not-met`, { as: 'viewer' })
    ).json();
    expect(notMet.criteria.length).toBeGreaterThan(0);
    expect(notMet.criteria.every((c: { status: string }) => c.status === 'not-met')).toBe(true);
  });

  it('returns one evidence record with its exchange bodies from the blobs', async () => {
    const { records } = await (
      await h.call(`/api/runs/${RUN_NOGO}/evidence`, { as: 'viewer' })
    ).json();
    const x = records.find((r: { kind: string }) => r.kind === 'exchange');
    const res = await h.call(`/api/evidence/${x.id}`, { as: 'viewer' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.record).toMatchObject({ id: x.id, kind: 'exchange', runId: RUN_NOGO });
    expect(body.bodies.request.text).toContain('MSH|');
    expect(body.bodies.response.text).toContain('MSA|AA');
  });

  it('reports the store verification', async () => {
    const v = await (await h.call('/api/verify', { as: 'viewer' })).json();
    expect(v).toMatchObject({ ok: true, problems: [] });
    expect(v.headHash).toMatch(/^[0-9a-f]{64}$/);
    expect(v.records).toBeGreaterThan(10);
  });

  it('answers 404 for an unknown run, record or endpoint', async () => {
    for (const path of [
      '/api/runs/nope/review',
      '/api/runs/nope',
      '/api/evidence/ev-999999',
      '/api/nothing',
    ]) {
      const res = await h.call(path, { as: 'viewer' });
      expect(res.status, path).toBe(404);
      const body = await res.json();
      expect(body.error.code, path).toBe('E_NOT_FOUND');
      expect(body.error.hint, path).toBeTruthy();
    }
    const post = await h.call('/api/runs/nope/attestations', {
      method: 'POST',
      as: 'attestor',
      json: attestation,
    });
    expect(post.status).toBe(404);
  });
});

describe('writes', () => {
  it('appends an attestation and the provisional review reflects it (CONDITIONAL GO -> GO)', async () => {
    const before = (await h.store.list()).length;
    const res = await h.call(`/api/runs/${RUN_COND}/attestations`, {
      method: 'POST',
      as: 'attestor',
      json: attestation,
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.record).toMatchObject({
      kind: 'attestation',
      runId: RUN_COND,
      author: NAMES.attestor,
    });
    expect(body.record.content).toMatchObject({
      attestedBy: NAMES.attestor,
      role: 'attestor',
      holds: true,
      at: '2026-11-28T10:00:00.000Z',
    });
    expect(body.provisional.decision).toBe('GO');
    expect((await h.store.list()).length).toBe(before + 1);
    const crit = await (await h.call(`/api/runs/${RUN_COND}/criteria`, { as: 'viewer' })).json();
    const c = crit.criteria.find((x: { id: string }) => x.id === MISSING_ATTESTATION);
    expect(c.status).toBe('met');
    expect(c.evidence).toContain(body.record.id);
    expect(crit.decision).toBe('GO');
  });

  it('appends a waiver by an approver and the criterion becomes waived', async () => {
    const res = await h.call(`/api/runs/${RUN_NOGO}/waivers`, {
      method: 'POST',
      as: 'approver',
      json: waiver,
    });
    expect(res.status).toBe(201);
    const { record } = await res.json();
    expect(record.content).toMatchObject({
      approver: NAMES.approver,
      approverRole: 'approver',
      owner: 'Access manager',
      expires: '2026-12-31',
      grantedAt: '2026-11-28T10:00:00.000Z',
    });
    const crit = await (
      await h.call(`/api/runs/${RUN_NOGO}/criteria?status=waived`, { as: 'viewer' })
    ).json();
    expect(crit.criteria.map((c: { id: string }) => c.id)).toContain('compliance.roles-duties');
  });

  it('leaves the decision record of a decided run as it was, and points at newer evidence', async () => {
    const res = await h.call(`/api/runs/${RUN_DECIDED}/attestations`, {
      method: 'POST',
      as: 'approver',
      json: { ...attestation, holds: false },
    });
    expect(res.status).toBe(201);
    const { record } = await res.json();
    const rv = await (await h.call(`/api/runs/${RUN_DECIDED}/review`, { as: 'viewer' })).json();
    expect(rv.provisional).toBe(false);
    expect(rv.evidenceAfterDecision).toEqual([record.id]);
    const prov = await (
      await h.call(`/api/runs/${RUN_DECIDED}/review?provisional=1`, { as: 'viewer' })
    ).json();
    expect(prov.provisional).toBe(true);
    expect(
      prov.review.criteria.find((c: { id: string }) => c.id === MISSING_ATTESTATION).status,
    ).toBe('not-met');
  });

  it('keeps the store verifiable after the writes', async () => {
    expect((await (await h.call('/api/verify', { as: 'viewer' })).json()).ok).toBe(true);
  });
});

describe('validation', () => {
  const post = (path: string, json: unknown, as: 'approver' | 'attestor' = 'approver') =>
    h.call(`/api/runs/${RUN_NOGO}${path}`, { method: 'POST', as, json });

  it.each([
    ['/waivers', { ...waiver, reason: '' }, 'reason'],
    ['/waivers', { ...waiver, owner: undefined }, 'owner'],
    ['/waivers', { ...waiver, expires: 'next tuesday' }, 'expires'],
    ['/waivers', { ...waiver, expires: '2026-01-01' }, 'expires'],
    ['/waivers', { ...waiver, criterion: 'interop.units-flags' }, 'criterion'],
    ['/waivers', { ...waiver, criterion: 'no.such' }, 'criterion'],
    ['/waivers', { ...waiver, approver: 'someone else' }, '(body)'],
    ['/attestations', { ...attestation, holds: 'yes' }, 'holds'],
    ['/attestations', { ...attestation, statement: '   ' }, 'statement'],
    ['/attestations', [attestation], '(body)'],
  ])('POST %s %j -> 400 naming %s', async (path, json, field) => {
    const res = await post(path, json);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.field).toBe(field);
    expect(body.error.hint).toBeTruthy();
  });

  it('rejects broken JSON, a wrong content type and an oversized body, and keeps serving', async () => {
    const bad = await h.call(`/api/runs/${RUN_NOGO}/attestations`, {
      method: 'POST',
      as: 'attestor',
      headers: { 'content-type': 'application/json' },
      body: '{"criterion": ',
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('E_BAD_REQUEST');
    const text = await h.call(`/api/runs/${RUN_NOGO}/attestations`, {
      method: 'POST',
      as: 'attestor',
      headers: { 'content-type': 'application/xml' },
      body: '<attestation/>',
    });
    expect(text.status).toBe(415);
    const big = await post(
      '/attestations',
      { ...attestation, statement: 'x'.repeat(200_000) },
      'attestor',
    );
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('E_TOO_LARGE');
    expect((await h.call('/api/runs', { as: 'viewer' })).status).toBe(200);
  });

  it('names bad query parameters', async () => {
    const res = await h.call(`/api/runs/${RUN_NOGO}/criteria?status=green`, { as: 'viewer' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.field).toBe('status');
  });
});

describe('audit log', () => {
  it('records who, what, when with offset, where and outcome for every request, tokens never', async () => {
    const marker = `/api/runs/${RUN_NOGO}/criteria?status=met`;
    await h.call(marker, { as: 'viewer' });
    await h.call('/api/runs');
    await h.call(`/api/runs/${RUN_NOGO}/waivers`, { method: 'POST', as: 'attestor', json: waiver });
    const res = await h.call('/api/audit?limit=1000', { as: 'admin' });
    const { entries, chain } = await res.json();
    expect(chain.ok).toBe(true);
    const seen = entries.find((e: { url: string }) => e.url === marker);
    expect(seen).toMatchObject({
      who: NAMES.viewer,
      role: 'viewer',
      method: 'GET',
      route: '/api/runs/:runId/criteria',
      status: 200,
      outcome: 'ok',
    });
    expect(seen.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect(seen.remote).toMatch(/127\.0\.0\.1/);
    expect(
      entries.find(
        (e: { url: string; who: string | null }) => e.url === '/api/runs' && e.who === null,
      ),
    ).toMatchObject({ status: 401, outcome: 'denied' });
    expect(
      entries.find(
        (e: { status: number; who: string }) => e.who === NAMES.attestor && e.status === 403,
      ),
    ).toMatchObject({ route: '/api/runs/:runId/waivers', outcome: 'denied' });
    const write = entries.find((e: { detail?: string }) => e.detail?.startsWith('appended'));
    expect(write).toMatchObject({ method: 'POST', status: 201 });
    expect(entries.find((e: { status: number }) => e.status === 404)).toMatchObject({
      outcome: 'not-found',
    });
    expect(entries.find((e: { status: number }) => e.status === 400)).toMatchObject({
      outcome: 'rejected',
    });
    const dump = JSON.stringify(entries);
    for (const t of Object.values(TOKENS)) expect(dump).not.toContain(t);
    // every request made in this file is there (the audit call itself is written after it answers)
    expect(entries.length).toBeGreaterThan(40);
  });

  it('pages back through older entries', async () => {
    const page1 = await (await h.call('/api/audit?limit=5', { as: 'admin' })).json();
    expect(page1.entries).toHaveLength(5);
    expect(page1.next).toMatch(/before=/);
    const page2 = await (await h.call(page1.next, { as: 'admin' })).json();
    expect(page2.entries[0].seq).toBe(page1.entries[4].seq - 1);
  });
});
