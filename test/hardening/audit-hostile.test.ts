/**
 * Issue 16 item 5: `golive compliance audit` against bad URLs and a FHIR server answering
 * searches with Bundles of the wrong shape. A URL that is not http(s) is bad input (exit 2); a
 * server whose answer cannot be read makes the check inconclusive (exit 3) naming what was
 * unreadable; never exit 70 with a stack. Real HTTP on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const ACTIONS = 'examples/site/compliance/audit/exchanges.json';

/** What the server answers to every AuditEvent search: a body (JSON text) per case. */
const answers = new Map<string, string>();
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').split('/')[1] ?? '');
    const body = answers.get(name);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/fhir+json' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const bundle = (o: Record<string, unknown>) =>
  JSON.stringify({ resourceType: 'Bundle', type: 'searchset', ...o });

/** Bundles that are not what FHIR R4 says a searchset is, and what the message must name. */
const shapes: [name: string, body: string, says: RegExp][] = [
  ['entry-number', bundle({ entry: 5 }), /Bundle\.entry/],
  ['entry-null-item', bundle({ entry: [null] }), /Bundle\.entry/],
  ['entry-string-items', bundle({ entry: ['x', 'y'] }), /Bundle\.entry/],
  ['link-string', bundle({ link: 'x' }), /Bundle\.link/],
  ['link-null-item', bundle({ link: [null] }), /Bundle\.link/],
  ['link-url-number', bundle({ link: [{ relation: 'next', url: 5 }] }), /Bundle\.link/],
  ['next-not-url', bundle({ link: [{ relation: 'next', url: 'http://[::1' }] }), /not a URL/],
  ['self-not-url', bundle({ link: [{ relation: 'self', url: 'http://[::1' }] }), /not a URL/],
  ['null-body', 'null', /not return a Bundle/],
  ['array-body', '[]', /not return a Bundle/],
  ['not-json', '{"resourceType":', /not return a Bundle/],
];

describe('compliance audit: hostile FHIR answers and URLs', () => {
  it.each([
    ['ht!tp://x', /not an http\(s\) URL/],
    ['ftp://127.0.0.1/fhir', /not an http\(s\) URL/],
    ['http://[::1', /not an http\(s\) URL/],
    ['', /not an http\(s\) URL/],
  ])('--fhir %j is bad input (exit 2)', async (url, says) => {
    const r = await runCli(['compliance', 'audit', '--actions', ACTIONS, '--fhir', url]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.stderr).toMatch(says);
    expect(r.code).toBe(2);
  });

  it.each(shapes)('a searchset Bundle %s is inconclusive (exit 3)', async (name, body, says) => {
    answers.set(name, body);
    const r = await runCli([
      'compliance',
      'audit',
      '--actions',
      ACTIONS,
      '--fhir',
      `${base}/${name}`,
    ]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.stderr).toMatch(says);
    expect(r.code).toBe(3);
  });

  it('AuditEvents with fields of the wrong type are read as records that say nothing', async () => {
    const odd = [
      { resourceType: 'AuditEvent', recorded: 5, agent: 'x', entity: 7, outcome: {} },
      { resourceType: 'AuditEvent', id: 9, type: [], subtype: 'read', agent: [null, 3] },
      { resourceType: 'AuditEvent', entity: [null, { what: 'x', query: 12 }], source: 'x' },
      { resourceType: 'AuditEvent', meta: 'x', recorded: '2026-02-27T14:12:00Z', action: 7 },
    ];
    answers.set('odd', bundle({ entry: odd.map((resource) => ({ resource })) }));
    const r = await runCli([
      'compliance',
      'audit',
      '--actions',
      ACTIONS,
      '--fhir',
      `${base}/odd`,
      '--json',
    ]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect([0, 1, 3]).toContain(r.code);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });
});
