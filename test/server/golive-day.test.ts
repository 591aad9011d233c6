/**
 * The dashboard on go-live day, over real HTTP (issue 15, Dashboard): JSON views for signed-in
 * browsers under the session and CSRF rules, rejected forms that keep the input, the waiver list
 * and date bound, the truth about `?provisional=1`, the event stream, starting a review, two
 * runs compared, a decision signed with the token re-entered, and the export with its manifest.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingKey } from '../../src/server/index.js';
import {
  NAMES,
  RUN_COND,
  RUN_DECIDED,
  RUN_NOGO,
  startHarness,
  TOKENS,
  type Harness,
  type Json,
} from './fixture.js';
import { gatedStarter, type Gated } from './live-fixture.js';

let h: Harness;
let gated: Gated;
beforeAll(async () => {
  // The starter records into the harness's store, which exists only once it starts: late-bound.
  h = await startHarness({
    server: {
      reviews: {
        label: 'golive.yaml (test review)',
        start: (o) => gated.starter.start(o),
      },
      liveIntervalMs: 50,
    },
  });
  gated = gatedStarter(h.store);
});
afterAll(async () => {
  gated?.release();
  await h?.cleanup();
});

const FORM = 'application/x-www-form-urlencoded';

async function signIn(role: keyof typeof TOKENS): Promise<string> {
  const res = await h.call('/login', {
    method: 'POST',
    headers: { 'content-type': FORM },
    body: new URLSearchParams({ name: NAMES[role], token: TOKENS[role], next: '/' }).toString(),
  });
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

const csrfOf = (html: string) => /name="golive-csrf" content="([^"]+)"/.exec(html)?.[1];

async function session(role: keyof typeof TOKENS) {
  const cookie = await signIn(role);
  const csrf = csrfOf(await (await h.call('/', { headers: { cookie } })).text())!;
  expect(csrf).toBeTruthy();
  return { cookie, csrf };
}

describe('JSON views for a signed-in browser', () => {
  it('serves the nav links (verify, audit) and the API with the session cookie', async () => {
    const admin = await session('admin');
    const verify = await h.call('/api/verify', { headers: { cookie: admin.cookie } });
    expect(verify.status).toBe(200);
    expect((await verify.json()).ok).toBe(true);
    const audit = await h.call('/api/audit', { headers: { cookie: admin.cookie } });
    expect(audit.status).toBe(200);
    expect((await audit.json()).chain.ok).toBe(true);
    const viewer = await session('viewer');
    expect((await h.call('/api/audit', { headers: { cookie: viewer.cookie } })).status).toBe(403);
    const me = await (await h.call('/api/me', { headers: { cookie: viewer.cookie } })).json();
    expect(me).toMatchObject({ name: NAMES.viewer, via: 'session' });
    // No cookie, no token: still 401 for the API.
    expect((await h.call('/api/verify')).status).toBe(401);
  });

  it('needs the CSRF token in a header for a session write, not for a bearer token', async () => {
    const { cookie, csrf } = await session('attestor');
    const body = {
      criterion: 'workflow.live-simulation',
      statement: 'Observed on the ward.',
      holds: true,
    };
    const url = `/api/runs/${RUN_NOGO}/attestations`;
    const bare = await h.call(url, { method: 'POST', headers: { cookie }, json: body });
    expect(bare.status).toBe(403);
    expect((await bare.json()).error.code).toBe('E_CSRF');
    const forged = await h.call(url, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': 'forged' },
      json: body,
    });
    expect(forged.status).toBe(403);
    const ok = await h.call(url, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
      json: body,
    });
    expect(ok.status).toBe(201);
    expect((await ok.json()).record.author).toBe(NAMES.attestor);
    expect((await h.call(url, { method: 'POST', as: 'attestor', json: body })).status).toBe(201);
  });
});

describe('forms', () => {
  it('keeps the input of a rejected waiver and marks the field, under the error', async () => {
    const { cookie, csrf } = await session('approver');
    const reason = 'Vendor fix scheduled; interim manual check <b>each shift</b>.';
    const res = await h.call(`/runs/${RUN_NOGO}/waivers`, {
      method: 'POST',
      headers: { cookie, 'content-type': FORM },
      body: new URLSearchParams({
        _csrf: csrf,
        criterion: 'adoption.floor-support',
        reason,
        owner: '   ',
        expires: '2026-12-31',
      }).toString(),
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/id="form-error" data-testid="form-error" data-form="waive"/);
    // the error comes before the forms
    expect(html.indexOf('data-testid="form-error"')).toBeLessThan(
      html.indexOf('data-testid="attest-form"'),
    );
    expect(html).toContain(
      'Vendor fix scheduled; interim manual check &lt;b&gt;each shift&lt;/b&gt;.</textarea>',
    );
    expect(html).toMatch(/name="owner" maxlength="200" required aria-invalid="true"/);
    expect(html).toContain('value="2026-12-31"');
    expect(html).toMatch(/<option value="adoption.floor-support" selected>/);
  });

  it('bounds the expiry date from today and offers only open criteria for waivers', async () => {
    const { cookie } = await session('approver');
    const html = await (await h.call(`/runs/${RUN_COND}`, { headers: { cookie } })).text();
    expect(html).toMatch(/name="expires" required min="2026-11-28"/);
    const waive = html.slice(html.indexOf('data-testid="waive-form"'));
    const select = waive.slice(0, waive.indexOf('</select>'));
    const criteria = await (
      await h.call(`/api/runs/${RUN_COND}/criteria`, { headers: { cookie } })
    ).json();
    const met = criteria.criteria.filter((c: Json) => c.status === 'met');
    expect(met.length).toBeGreaterThan(0);
    for (const c of met) expect(select).not.toContain(`value="${c.id}"`);
    expect(select).toContain('value="workflow.live-simulation"');
  });

  it('says a provisional re-evaluation of a decided run has a decision record', async () => {
    const { cookie } = await session('viewer');
    const html = await (
      await h.call(`/runs/${RUN_DECIDED}?provisional=1`, { headers: { cookie } })
    ).text();
    expect(html).not.toContain('no decision record yet');
    expect(html).toMatch(/data-testid="provisional" data-recorded="ev-\d+"/);
    expect(html).toContain('This run has a decision record');
    const api = await (
      await h.call(`/api/runs/${RUN_DECIDED}/review?provisional=1`, { as: 'viewer' })
    ).json();
    expect(api.provisional).toBe(true);
    expect(api.decisionRecord).toMatch(/^ev-\d+$/);
    expect(api.recorded.recordId).toBe(api.decisionRecord);
  });
});

/** Read server-sent events until `until` says stop. */
async function readEvents(
  path: string,
  cookie: string,
  until: (events: { event: string; data: Json }[]) => boolean,
  onOpen?: () => Promise<void>,
): Promise<{ event: string; data: Json }[]> {
  const ac = new AbortController();
  const res = await fetch(h.url + path, { headers: { cookie }, signal: ac.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: { event: string; data: Json }[] = [];
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  let opened = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
      }
      if (!opened && events.length >= 2 && onOpen) {
        opened = true;
        await onOpen();
      }
      if (until(events)) break;
    }
  } finally {
    ac.abort();
  }
  return events;
}

describe('live', () => {
  it('streams the store count and tells when records are appended', async () => {
    const { cookie } = await session('viewer');
    const events = await readEvents(
      '/api/events',
      cookie,
      (ev) => ev.filter((e) => e.event === 'store').length >= 2,
      async () => {
        await h.store.append({
          kind: 'attestation',
          runId: RUN_NOGO,
          author: 'Someone Else',
          content: {
            criterion: 'workflow.live-simulation',
            statement: 'Seen.',
            attestedBy: 'Someone Else',
            role: 'attestor',
            at: '2026-11-28T10:00:00.000Z',
            holds: true,
          },
        });
      },
    );
    const counts = events.filter((e) => e.event === 'store').map((e) => e.data.records);
    expect(counts[1]).toBe(counts[0] + 1);
    const audit = await (await h.call('/api/audit?limit=50', { as: 'admin' })).json();
    expect(audit.entries.some((e: Json) => e.route === '/api/events')).toBe(true);
  });

  it('starts the configured review for allowed roles, one at a time, and streams its steps', async () => {
    expect((await h.call('/api/reviews', { method: 'POST', as: 'viewer' })).status).toBe(403);
    const { cookie, csrf } = await session('approver');
    const noCsrf = await h.call('/reviews', {
      method: 'POST',
      headers: { cookie, 'content-type': FORM },
      body: '',
    });
    expect(noCsrf.status).toBe(403);
    const viaForm = await h.call('/reviews', {
      method: 'POST',
      headers: { cookie, 'content-type': FORM },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(viaForm.status).toBe(303);
    expect(viaForm.headers.get('location')).toBe('/live');
    await gated.atGate();
    const busy = await h.call('/api/reviews', { method: 'POST', as: 'admin' });
    expect(busy.status).toBe(409);
    expect((await busy.json()).error.code).toBe('E_BUSY');
    const current = await (await h.call('/api/reviews/current', { as: 'viewer' })).json();
    expect(current.review).toMatchObject({ state: 'running', startedBy: NAMES.approver });
    expect(current.review.steps.map((s: Json) => [s.id, s.state])).toEqual([
      ['records', 'pass'],
      ['workflow', 'running'],
    ]);
    expect(current.review.steps[1].detail).toBe('scenario 1 of 2: order.cancel');
    expect(current.review.elapsedMs).toBeGreaterThanOrEqual(0);
    const events = await readEvents(
      '/api/events',
      cookie,
      (ev) => ev.some((e) => e.event === 'review' && e.data?.state === 'done'),
      async () => gated.release(),
    );
    const steps = events.filter((e) => e.event === 'review').map((e) => e.data.steps[1].detail);
    expect(steps).toContain('scenario 2 of 2: result.critical');
    const done = events.findLast((e) => e.event === 'review')!.data;
    expect(done.runId).toBe('run-live-1');
    expect((await h.call('/api/runs/run-live-1', { as: 'viewer' })).status).toBe(200);
    const page = await (await h.call('/', { headers: { cookie } })).text();
    expect(page).toContain('data-testid="start-review"');
    const audit = await (await h.call('/api/audit?limit=200', { as: 'admin' })).json();
    expect(audit.entries.some((e: Json) => e.detail === 'started review #1')).toBe(true);
  });
});

describe('compare', () => {
  it('lists criteria that changed status, new and resolved findings, and the decision change', async () => {
    const c = await (
      await h.call(`/api/compare?a=${RUN_COND}&b=${RUN_NOGO}`, { as: 'viewer' })
    ).json();
    expect(c.a.runId).toBe(RUN_COND);
    expect(c.decisionChanged).toBe(true);
    expect(c.a.decision).toBe('CONDITIONAL_GO');
    expect(c.b.decision).toBe('NO_GO');
    expect(c.criteria.length).toBeGreaterThan(0);
    const ex = c.criteria.find((x: Json) => x.id === 'workflow.exceptions');
    expect(ex).toMatchObject({ from: 'met', to: 'not-met' });
    expect(c.findings.new.length).toBeGreaterThan(0);
    expect(c.findings.resolved).toEqual([]);
    const back = await (
      await h.call(`/api/compare?a=${RUN_NOGO}&b=${RUN_COND}`, { as: 'viewer' })
    ).json();
    expect(back.findings.resolved.map((f: Json) => f.key).sort()).toEqual(
      c.findings.new.map((f: Json) => f.key).sort(),
    );
    const { cookie } = await session('viewer');
    const page = await (
      await h.call(`/compare?a=${RUN_COND}&b=${RUN_NOGO}`, { headers: { cookie } })
    ).text();
    expect(page).toContain('data-testid="criteria-changes"');
    expect(page).toMatch(/data-testid="decision-change" data-changed="true"/);
    expect((await h.call('/api/compare?a=nope&b=' + RUN_NOGO, { as: 'viewer' })).status).toBe(404);
  });

  it('keys a finding by check, rule and place, not by the numbers in its wording', () => {
    const f = (message: string, path?: string) => ({
      rule: 'ack.late',
      severity: 'warning' as const,
      domain: 'workflow' as const,
      message,
      action: 'a',
      ...(path ? { location: { path } } : {}),
    });
    expect(findingKey('c', f('3 messages late'))).toBe(findingKey('c', f('14 messages late')));
    expect(findingKey('c', f('3 late', 'OBX[1]-5'))).toBe(findingKey('c', f('9 late', 'OBX[1]-5')));
    expect(findingKey('c', f('x', 'OBX[1]-5'))).not.toBe(findingKey('c', f('x', 'OBX[2]-5')));
    expect(findingKey('c', f('x'))).not.toBe(findingKey('d', f('x')));
  });
});

describe('sign-off and export', () => {
  it('signs the decision only with the approver’s own token re-entered', async () => {
    const { cookie, csrf } = await session('approver');
    const url = `/api/runs/${RUN_DECIDED}/signoffs`;
    const before = (await h.store.list({ runId: RUN_DECIDED })).length;
    const post = (token: string, as?: 'attestor') =>
      h.call(url, {
        method: 'POST',
        ...(as ? { as } : { headers: { cookie, 'x-csrf-token': csrf } }),
        json: { token, statement: 'Signed for the steering committee.' },
      });
    const wrong = await post('not-my-token-at-all');
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('E_REAUTH');
    expect((await post(TOKENS.attestor)).status).toBe(401);
    expect((await post(TOKENS.attestor, 'attestor')).status).toBe(403);
    expect((await h.store.list({ runId: RUN_DECIDED })).length).toBe(before);
    const ok = await post(TOKENS.approver);
    expect(ok.status).toBe(201);
    const body = await ok.json();
    expect(body.record).toMatchObject({ kind: 'decision', author: NAMES.approver });
    expect(body.signoffs).toHaveLength(1);
    expect(body.signoffs[0]).toMatchObject({
      signedBy: NAMES.approver,
      role: 'approver',
      decision: 'NO_GO',
      statement: 'Signed for the steering committee.',
    });
    expect(JSON.stringify(body)).not.toContain(TOKENS.approver);
    const review = await (await h.call(`/api/runs/${RUN_DECIDED}/review`, { as: 'viewer' })).json();
    expect(review.provisional).toBe(false); // the sign-off is not taken for a decision record
    expect(review.signoffs[0].decisionRecord).toBe(review.decisionRecord);
    const page = await (await h.call(`/runs/${RUN_DECIDED}`, { headers: { cookie } })).text();
    expect(page).toContain('data-testid="signoffs"');
    const undecided = await h.call(`/api/runs/${RUN_COND}/signoffs`, {
      method: 'POST',
      as: 'approver',
      json: { token: TOKENS.approver },
    });
    expect(undecided.status).toBe(409);
    const audit = await (await h.call('/api/audit?limit=100', { as: 'admin' })).json();
    expect(audit.entries.some((e: Json) => /^sign-off refused/.test(e.detail ?? ''))).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('not-my-token-at-all');
  });

  it('a wrong token in the sign form keeps the statement and names the field', async () => {
    const { cookie, csrf } = await session('approver');
    const res = await h.call(`/runs/${RUN_DECIDED}/signoffs`, {
      method: 'POST',
      headers: { cookie, 'content-type': FORM },
      body: new URLSearchParams({
        _csrf: csrf,
        statement: 'Reviewed twice.',
        token: 'wrong-token-1234567',
      }).toString(),
    });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toMatch(/data-form="sign"/);
    expect(html).toContain('Reviewed twice.</textarea>');
    expect(html).not.toContain('wrong-token-1234567');
    expect(html).toMatch(
      /name="token" autocomplete="current-password" required aria-invalid="true"/,
    );
  });

  it('exports the signed review as a tar whose manifest matches every file', async () => {
    const res = await h.call(`/runs/${RUN_DECIDED}/export`, { as: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="golive-${RUN_DECIDED}.tar"`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'golive-export-'));
    try {
      const tar = join(dir, 'export.tar');
      writeFileSync(tar, Buffer.from(await res.arrayBuffer()));
      execFileSync('tar', ['-xf', tar, '-C', dir]);
      const root = join(dir, `golive-${RUN_DECIDED}`);
      const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Json;
      expect(manifest).toMatchObject({
        format: 'golive-review-export/1',
        runId: RUN_DECIDED,
        provisional: false,
        decision: 'NO_GO',
        exportedBy: NAMES.viewer,
      });
      expect(manifest.signoffs.length).toBeGreaterThan(0);
      const listed = new Set<string>(manifest.files.map((f: Json) => f.path));
      for (const f of manifest.files) {
        const data = readFileSync(join(root, f.path));
        expect(data.length, f.path).toBe(f.size);
        expect(createHash('sha256').update(data).digest('hex'), f.path).toBe(f.sha256);
      }
      const onDisk = [
        'report.html',
        ...readdirSync(join(root, 'evidence')).map((n) => `evidence/${n}`),
      ];
      for (const p of onDisk) expect(listed.has(p), p).toBe(true);
      const records = await h.store.list({ runId: RUN_DECIDED });
      expect(readdirSync(join(root, 'evidence')).sort()).toEqual(
        records.map((r) => `${r.id}.json`).sort(),
      );
      const rec = JSON.parse(
        readFileSync(join(root, 'evidence', `${records[0]!.id}.json`), 'utf8'),
      );
      expect(rec.chainHash).toBe(records[0]!.chainHash);
      expect(readFileSync(join(root, 'report.html'), 'utf8')).toContain('data-testid="decision"');
      // The SHA256SUMS file checks with the standard tool, manifest.json included.
      const out = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: root, encoding: 'utf8' });
      expect(out).toMatch(/manifest\.json: OK/);
      expect(out).not.toMatch(/FAILED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
