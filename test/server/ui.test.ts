/**
 * The browser routes over real HTTP: sign-in with a token, session cookie, forms with CSRF tokens,
 * hostile text escaped, read-only mode without a users file, and errors that never leak a stack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceStore } from '../../src/evidence/index.js';
import { createApp } from '../../src/server/index.js';
import { HOSTILE } from '../report/fixture.js';
import {
  MISSING_ATTESTATION,
  NAMES,
  RUN_COND,
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

async function signIn(role: keyof typeof TOKENS): Promise<string> {
  const res = await h.call('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      name: NAMES[role],
      token: TOKENS[role],
      next: `/runs/${RUN_COND}`,
    }).toString(),
  });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe(`/runs/${RUN_COND}`);
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  return cookie.split(';')[0]!;
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

describe('browser pages with a users file', () => {
  it('sends the browser to sign in, and back to the page afterwards', async () => {
    const res = await h.call(`/runs/${RUN_NOGO}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(
      `/login?next=${encodeURIComponent(`/runs/${RUN_NOGO}`)}`,
    );
    const login = await (await h.call(res.headers.get('location')!)).text();
    expect(login).toContain('name="name"');
    expect(login).toContain('name="token"');
    expect(login).toContain(`name="next" value="/runs/${RUN_NOGO}"`);
  });

  it('refuses a wrong token at sign-in', async () => {
    const res = await h.call('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `name=${encodeURIComponent(NAMES.viewer)}&token=nope&next=%2F%2Fevil.example`,
    });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('That name and token do not match a user.');
    expect(html).toContain('name="next" value="/"');
  });

  it('renders the runs list with decision chips and the store verification', async () => {
    const cookie = await signIn('viewer');
    const res = await h.call('/', { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('data-testid="verify" data-ok="true"');
    expect(html).toContain(`/runs/${RUN_NOGO}`);
    expect(html).toMatch(/NO-GO <small>· provisional<\/small>/);
    expect(html).toContain(`Signed in as <b>${NAMES.viewer}</b>`);
  });

  it('renders a run page as the report, escaped, with no forms for a viewer', async () => {
    const cookie = await signIn('viewer');
    const html = await (await h.call(`/runs/${RUN_NOGO}`, { headers: { cookie } })).text();
    expect(html).toContain('data-testid="decision-label">NO-GO');
    expect(html).toContain('data-testid="board"');
    expect(html).toContain('data-testid="provisional"');
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('data-testid="attest-form"');
    expect(html).toContain("form-action 'self'");
    // questions and the board come before the record section
    expect(html.indexOf('id="board"')).toBeLessThan(html.indexOf('id="record"'));
  });

  it('records an attestation from the form (with the CSRF token) and shows it', async () => {
    const cookie = await signIn('attestor');
    const page = await (await h.call(`/runs/${RUN_COND}`, { headers: { cookie } })).text();
    expect(page).toContain('data-testid="attest-form"');
    expect(page).not.toContain('data-testid="waive-form"');
    const csrf = csrfOf(page)!;
    const form = new URLSearchParams({
      _csrf: csrf,
      criterion: MISSING_ATTESTATION,
      statement: 'Observed the ED simulation <b>live</b>.',
      holds: 'yes',
      reference: '',
    });
    const stale = await h.call(`/runs/${RUN_COND}/attestations`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(form), _csrf: 'forged' }).toString(),
    });
    expect(stale.status).toBe(403);
    const res = await h.call(`/runs/${RUN_COND}/attestations`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(res.status).toBe(303);
    const loc = res.headers.get('location')!;
    expect(loc).toMatch(/\?recorded=ev-\d+#record$/);
    const after = await (await h.call(loc.replace(/#.*/, ''), { headers: { cookie } })).text();
    expect(after).toMatch(/Recorded ev-\d+\./);
    expect(after).toContain('data-testid="decision-label">GO');
  });

  it('shows a rejected waiver on the page with the field, as 400', async () => {
    const cookie = await signIn('approver');
    const page = await (await h.call(`/runs/${RUN_NOGO}`, { headers: { cookie } })).text();
    expect(page).toContain('data-testid="waive-form"');
    const res = await h.call(`/runs/${RUN_NOGO}/waivers`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: csrfOf(page)!,
        criterion: 'adoption.floor-support',
        reason: 'r',
        owner: '',
        expires: '2026-12-31',
      }).toString(),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/data-testid="form-error"[^>]*><b>Not recorded.<\/b> owner:/);
  });

  it('answers unknown runs and pages with a 404 page', async () => {
    const cookie = await signIn('viewer');
    const res = await h.call('/runs/%3Cscript%3E', { headers: { cookie, accept: 'text/html' } });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('no run &quot;&lt;script&gt;&quot;');
    expect((await h.call('/nothing/here', { headers: { cookie } })).status).toBe(404);
  });

  it('signs out', async () => {
    const cookie = await signIn('viewer');
    const csrf = csrfOf(await (await h.call('/', { headers: { cookie } })).text())!;
    const res = await h.call('/logout', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `_csrf=${encodeURIComponent(csrf)}`,
    });
    expect(res.status).toBe(303);
    expect((await h.call('/', { headers: { cookie } })).status).toBe(303);
  });
});

describe('without a users file', () => {
  let ro: Harness;
  beforeAll(async () => {
    ro = await startHarness({ withUsers: false });
  });
  afterAll(async () => {
    await ro?.cleanup();
  });

  it('serves loopback requests read-only', async () => {
    expect((await ro.call('/api/runs')).status).toBe(200);
    expect(await (await ro.call('/api/me')).json()).toMatchObject({
      name: 'local',
      role: 'viewer',
      readOnly: true,
    });
    const post = await ro.call(`/api/runs/${RUN_NOGO}/attestations`, { method: 'POST', json: {} });
    expect(post.status).toBe(403);
    expect((await post.json()).error.hint).toMatch(/read-only without --users/);
    const page = await (await ro.call(`/runs/${RUN_NOGO}`)).text();
    expect(page).toContain('read-only without a users file');
  });

  it('refuses requests from other machines', async () => {
    const res = await ro.server.app.inject({
      method: 'GET',
      url: '/api/runs',
      remoteAddress: '10.1.2.3',
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/answers this machine only/);
  });
});

describe('internal errors', () => {
  it('answer 500 without a stack trace, log it, and the server keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-serve-err-'));
    let calls = 0;
    const broken = {
      location: 'broken',
      list: async () => {
        calls++;
        if (calls === 1) throw new Error('disk on fire at /secret/path.ts:12');
        return [];
      },
      verify: async () => ({ ok: true, records: 0, headHash: '0'.repeat(64), problems: [] }),
    } as unknown as EvidenceStore;
    const logged: string[] = [];
    const { app, audit } = createApp({
      store: broken,
      auditFile: join(dir, 'a.db'),
      version: 't',
      log: (l) => logged.push(l),
    });
    const res = await app.inject({ method: 'GET', url: '/api/runs', remoteAddress: '127.0.0.1' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('E_INTERNAL');
    expect(res.body).not.toMatch(/secret|disk on fire|\.ts:/);
    expect(logged.some((l) => l.includes('disk on fire'))).toBe(true);
    const again = await app.inject({ method: 'GET', url: '/api/runs', remoteAddress: '127.0.0.1' });
    expect(again.statusCode).toBe(200);
    expect(audit.list({ limit: 10 }).map((e) => e.status)).toEqual([200, 500]);
    await app.close();
    audit.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
