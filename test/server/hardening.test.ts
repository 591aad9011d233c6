/**
 * The dashboard under hostile requests, over real HTTP(S) on 127.0.0.1 (issue 16, item 12):
 * DNS rebinding (Host allow-list), sign-out with CSRF ending the server session, Secure cookies
 * over TLS, framework errors in the API's shape and in the audit log, and the sign-in rate limit
 * per account and per address (clients on other loopback addresses, 127.0.0.x).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMES, RUN_NOGO, startHarness, TOKENS, type Harness, type Json } from './fixture.js';
import { parseRaw, send, sendRaw } from './http.js';

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

const cookieOf = (setCookie: string | string[] | undefined) =>
  String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0]!;

describe('Host allow-list (DNS rebinding)', () => {
  let ro: Harness;
  let named: Harness;
  beforeAll(async () => {
    ro = await startHarness({ withUsers: false });
    named = await startHarness({
      withUsers: false,
      server: { allowedHosts: ['Dash.Example.org'] },
    });
  });
  afterAll(async () => {
    await ro?.cleanup();
    await named?.cleanup();
  });

  it('refuses a read-only loopback request carrying another host name, and audits it', async () => {
    const res = await send(`${ro.url}/api/runs`, { headers: { host: 'attacker.example' } });
    expect(res.status).toBe(421);
    expect(JSON.parse(res.body)).toEqual({
      error: {
        code: 'E_HOST',
        message: 'this dashboard does not answer to the host "attacker.example"',
        hint: expect.stringMatching(/--allowed-host/),
      },
    });
    const port = new URL(ro.url).port;
    const page = await send(`${ro.url}/`, { headers: { host: `attacker.example:${port}` } });
    expect(page.status).toBe(421);
    expect(page.body).not.toContain('run-row');
    const [last] = ro.server.audit.list({ limit: 1 });
    expect(last).toMatchObject({ url: '/', status: 421, outcome: 'rejected', who: null });
  });

  it('answers loopback names and the bound address, with or without the port', async () => {
    const port = new URL(ro.url).port;
    for (const host of ['127.0.0.1', `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const res = await send(`${ro.url}/api/runs`, { headers: { host } });
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses a request without a Host header in the same shape', async () => {
    const port = Number(new URL(ro.url).port);
    const raw = await sendRaw(port, 'GET /api/runs HTTP/1.0\r\n\r\n');
    expect(parseRaw(raw)).toMatchObject({ status: 421, json: { error: { code: 'E_HOST' } } });
  });

  it('answers configured names too (case and trailing dot aside)', async () => {
    const ok = await send(`${named.url}/api/me`, { headers: { host: 'dash.example.org.' } });
    expect(ok.status).toBe(200);
    const other = await send(`${named.url}/api/me`, { headers: { host: 'example.org' } });
    expect(other.status).toBe(421);
  });
});

describe('signing out', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.cleanup());

  it('needs the CSRF token, and ends the session on the server', async () => {
    const signedIn = await send(
      `${h.url}/login`,
      form({ name: NAMES.viewer, token: TOKENS.viewer, next: '/' }),
    );
    expect(signedIn.status).toBe(303);
    const cookie = cookieOf(signedIn.headers['set-cookie']);
    const home = await send(`${h.url}/`, { headers: { cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)![1]!;

    // Another site's form (no token, or a wrong one) signs no one out.
    for (const body of [{}, { _csrf: 'forged' }] as Record<string, string>[]) {
      const forged = await send(`${h.url}/logout`, {
        ...form(body),
        headers: { ...form(body).headers, cookie },
      });
      expect(forged.status).toBe(403);
      expect(forged.body).toContain('the sign-out form is stale or came from another site');
      expect(forged.headers['set-cookie']).toBeUndefined();
    }
    expect((await send(`${h.url}/`, { headers: { cookie } })).status).toBe(200);

    const out = await send(`${h.url}/logout`, {
      ...form({ _csrf: csrf }),
      headers: { ...form({}).headers, cookie },
    });
    expect(out.status).toBe(303);
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    // The old cookie, replayed, no longer opens anything: the session is gone server-side.
    const replay = await send(`${h.url}/`, { headers: { cookie } });
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/login?next=%2F');
    const audit = h.server.audit.list({ limit: 10 }).map((e) => [e.route, e.status, e.detail]);
    expect(audit).toContainEqual(['/logout', 303, 'signed out']);
    expect(audit).toContainEqual(['/logout', 403, undefined]);
  });
});

describe('Secure session cookies', () => {
  let dir: string;
  let tls: { key: Buffer; cert: Buffer };
  beforeAll(() => {
    // A throwaway self-signed certificate for localhost and 127.0.0.1.
    dir = mkdtempSync(join(tmpdir(), 'golive-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const signIn = async (h: Harness, ca?: Buffer) =>
    send(`${h.url}/login`, {
      ...form({ name: NAMES.attestor, token: TOKENS.attestor, next: '/' }),
      ...(ca ? { ca } : {}),
    });

  it('are Secure when served over TLS, and not on plain HTTP', async () => {
    const https = await startHarness({ server: { tls } });
    const http = await startHarness();
    try {
      expect(https.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const s = await signIn(https, tls.cert);
      expect(s.status).toBe(303);
      expect(String(s.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=Strict; .*; Secure$/);
      const p = await signIn(http);
      expect(p.status).toBe(303);
      expect(String(p.headers['set-cookie'])).not.toMatch(/Secure/);
    } finally {
      await https.cleanup();
      await http.cleanup();
    }
  });

  it('are Secure on plain HTTP when a TLS proxy is declared in front', async () => {
    const h = await startHarness({ server: { secureCookies: true } });
    try {
      expect(String((await signIn(h)).headers['set-cookie'])).toMatch(/; Secure$/);
    } finally {
      await h.cleanup();
    }
  });
});

describe('framework errors keep the API shape and are audited', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness();
    port = Number(new URL(h.url).port);
  });
  afterAll(async () => h?.cleanup());

  const get = (path: string, extra = '') =>
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKENS.viewer}\r\n${extra}Connection: close\r\n\r\n`;

  it.each([
    ['a %-escape that does not decode', 400, 'E_BAD_URL', get('/api/runs/%E0%A4%A')],
    ['an over-long path parameter', 414, 'E_URI_TOO_LONG', get(`/runs/${'r'.repeat(300)}`)],
    ['a URL over 4 KiB', 414, 'E_URI_TOO_LONG', get(`/api/runs?x=${'a'.repeat(5000)}`)],
    [
      'headers over 16 KiB',
      431,
      'E_HEADERS_TOO_LARGE',
      get('/api/runs', `X-Pad: ${'p'.repeat(20_000)}\r\n`),
    ],
    ['bytes that are not HTTP', 400, 'E_BAD_REQUEST', 'HELLO THERE\r\n\r\n'],
  ])('%s: %d %s', async (_what, status, code, bytes) => {
    const before = h.server.audit.list({ limit: 1 })[0]?.seq ?? 0;
    const raw = await sendRaw(port, bytes);
    const r = parseRaw(raw);
    expect(r.status).toBe(status);
    // The over-long run id is a page route: an HTML page then, JSON for everything else.
    if (r.json !== undefined) {
      expect(r.json).toEqual({
        error: { code, message: expect.any(String), hint: expect.any(String) },
      });
    } else expect(raw).toContain('<title>golive dashboard: 414</title>');
    expect(raw).not.toMatch(/FST_ERR|statusCode|at .*\.js:\d+/);
    const entries = h.server.audit.list({ limit: 5 }).filter((e) => e.seq > before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ status, outcome: 'rejected', remote: '127.0.0.1' });
  });

  it('a body over the limit: 413 in the same shape, audited with who sent it', async () => {
    const res = await h.call(`/api/runs/${RUN_NOGO}/attestations`, {
      method: 'POST',
      as: 'attestor',
      json: { statement: 'x'.repeat(70_000) },
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('E_TOO_LARGE');
    expect(h.server.audit.list({ limit: 1 })[0]).toMatchObject({
      status: 413,
      who: NAMES.attestor,
    });
  });
});

describe('sign-in rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      server: {
        signInLimits: {
          perAddress: { max: 3, windowMs: 10 * 60_000 },
          perAccount: { max: 2, windowMs: 15 * 60_000 },
        },
      },
    });
  });
  afterAll(async () => h?.cleanup());

  const login = (fields: Record<string, string>, localAddress: string) =>
    send(`${h.url}/login`, { ...form({ next: '/', ...fields }), localAddress });

  it('locks an account after its failures, from any address, with 429 and Retry-After', async () => {
    const dana = NAMES.approver;
    expect((await login({ name: dana, token: 'guess-1' }, '127.0.0.2')).status).toBe(401);
    expect((await login({ name: dana, token: 'guess-2' }, '127.0.0.3')).status).toBe(401);
    // Even the right token is refused for that account now, from a third address.
    const locked = await login({ name: dana, token: TOKENS.approver }, '127.0.0.4');
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe(String(15 * 60));
    expect(locked.body).toContain('Too many failed sign-ins for this account');
    // Other accounts, from that address, are not affected.
    const ana = await login({ name: NAMES.attestor, token: TOKENS.attestor }, '127.0.0.4');
    expect(ana.status).toBe(303);
    const details = h.server.audit.list({ limit: 4 }).map((e) => e.detail);
    expect(details).toContain('sign-in refused: too many failures (account)');
    expect(details).toContain(`sign-in failed for "${dana}"`);
  });

  it('limits an address, bearer tokens included, with a JSON 429 for the API', async () => {
    const addr = '127.0.0.5';
    for (const token of ['nope-1', 'nope-2', 'nope-3']) {
      const r = await send(`${h.url}/api/runs`, {
        headers: { authorization: `Bearer ${token}` },
        localAddress: addr,
      });
      expect(r.status).toBe(401);
    }
    const api = await send(`${h.url}/api/runs`, {
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
      localAddress: addr,
    });
    expect(api.status).toBe(429);
    expect(api.headers['retry-after']).toBe(String(10 * 60));
    expect((JSON.parse(api.body) as Json).error).toMatchObject({
      code: 'E_RATE_LIMITED',
      message: 'too many failed sign-ins from this address',
      hint: expect.stringMatching(/try again in 10 minute/),
    });
    const form429 = await login({ name: NAMES.viewer, token: TOKENS.viewer }, addr);
    expect(form429.status).toBe(429);
    expect(form429.body).toContain('Too many failed sign-ins from this address');
    // The same token from another address works: only the guessing address is held back.
    const elsewhere = await send(`${h.url}/api/runs`, {
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
      localAddress: '127.0.0.6',
    });
    expect(elsewhere.status).toBe(200);
  });
});
