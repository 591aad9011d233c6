/**
 * Reading AuditEvents from servers that support different search parameters, over real HTTP
 * (node:http on 127.0.0.1, port 0). The responder applies only the parameters it is told to,
 * and, as R4 search.html#errors requires, leaves every ignored parameter out of
 * Bundle.link[self] (or refuses it with 400 in strict mode). The check must state which way
 * it read the records, find the same matches whichever way, and be inconclusive when it
 * cannot read them all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckResult, Exchange } from '../../src/core/index.js';
import {
  checkAuditTrail,
  ignoredParameters,
  type AuditSource,
} from '../../src/compliance/index.js';
import { httpExchange } from './audit-fixtures.js';
import { balpEvent } from './balp-fixtures.js';

interface Mode {
  date: boolean;
  lastUpdated: boolean;
  /** Refuse an unsupported parameter with 400 instead of ignoring it. */
  strict?: boolean;
  /** Write Bundle.link[self] (default true). */
  self?: boolean;
}

type Json = Record<string, unknown>;

const T0 = Date.parse('2026-02-27T14:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const user = 'nurse.kim';

/** The run: a read and a patient search, each audited (BALP), plus 25 records of the day before. */
const exchanges: Exchange[] = [
  httpExchange('r1', 'GET', 'Observation/o1', iso(T0), { user }),
  httpExchange('q1', 'GET', 'Observation?patient=Patient/p1', iso(T0 + 1000), { user }),
];
const events: Json[] = [
  ...Array.from({ length: 25 }, (_, i) =>
    balpEvent({
      id: `old-${i}`,
      recorded: iso(T0 - 86_400_000 + i * 1000),
      lastUpdated: iso(T0 - 86_400_000 + i * 1000 + 500),
      interaction: 'read',
      user: 'someone.else',
      data: `Observation/h${i}`,
    }),
  ),
  balpEvent({
    id: 'a-read',
    recorded: iso(T0 + 10),
    lastUpdated: iso(T0 + 1010),
    interaction: 'read',
    user,
    data: 'Observation/o1',
  }),
  balpEvent({
    id: 'a-search',
    recorded: iso(T0 + 1010),
    lastUpdated: iso(T0 + 2010),
    interaction: 'search-type',
    user,
    patient: 'Patient/p1',
    query: 'GET /fhir/Observation?patient=Patient/p1 HTTP/1.1',
  }),
];

const PREFIXED = /^(ge|le)(.+)$/;

/** Does `ms` satisfy `value` (ge/le an instant to the second; le covers its whole second)? */
function satisfies(ms: number, value: string): boolean {
  const m = PREFIXED.exec(value);
  if (!m) return false;
  const bound = Date.parse(m[2]!);
  return m[1] === 'ge' ? ms >= bound : ms <= bound + 999;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

async function responder(mode: Mode): Promise<{ base: string; seen: URLSearchParams[] }> {
  const seen: URLSearchParams[] = [];
  server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/fhir`;
    const url = new URL(req.url!, base);
    seen.push(url.searchParams);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify(body));
    };
    const supported: Record<string, (e: Json) => number> = {
      ...(mode.date ? { date: (e: Json) => Date.parse(e.recorded as string) } : {}),
      ...(mode.lastUpdated
        ? { _lastUpdated: (e: Json) => Date.parse((e.meta as Json).lastUpdated as string) }
        : {}),
    };
    const applied: [string, string][] = [];
    let matched = events;
    for (const [k, v] of url.searchParams) {
      if (k === '_count' || k === '_offset') continue;
      const get = supported[k];
      if (!get) {
        if (mode.strict)
          return send(400, {
            resourceType: 'OperationOutcome',
            issue: [
              { severity: 'error', code: 'not-supported', diagnostics: `unknown parameter ${k}` },
            ],
          });
        continue; // ignored: not in the self link
      }
      applied.push([k, v]);
      matched = matched.filter((e) => satisfies(get(e), v));
    }
    const count = Number(url.searchParams.get('_count') ?? 10);
    const offset = Number(url.searchParams.get('_offset') ?? 0);
    const link = (o: number) => {
      const q = new URLSearchParams(applied);
      q.set('_count', String(count));
      q.set('_offset', String(o));
      return `${base}/AuditEvent?${q.toString()}`;
    };
    send(200, {
      resourceType: 'Bundle',
      type: 'searchset',
      total: matched.length,
      link: [
        ...(mode.self === false ? [] : [{ relation: 'self', url: link(offset) }]),
        ...(offset + count < matched.length
          ? [{ relation: 'next', url: link(offset + count) }]
          : []),
      ],
      entry: matched.slice(offset, offset + count).map((resource) => ({ resource })),
    });
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`, seen };
}

async function audit(
  mode: Mode,
  extra: Partial<Extract<AuditSource, { kind: 'fhir' }>> = {},
): Promise<{ r: CheckResult; seen: URLSearchParams[]; kept: number }> {
  const { base, seen } = await responder(mode);
  let kept = 0;
  const r = await checkAuditTrail({
    exchanges,
    source: {
      kind: 'fhir',
      baseUrl: base,
      pageSize: 10,
      sink: () => `page-${++kept}`,
      ...extra,
    },
    now: new Date(T0 + 3600_000),
  });
  return { r, seen, kept };
}

const retrieval = (r: CheckResult) => (r.data as { retrieval: Json }).retrieval;
const asked = (seen: URLSearchParams[]) =>
  seen.map((p) =>
    [...new Set(p.keys())].filter((k) => k !== '_count' && k !== '_offset').join(','),
  );

/** Whatever way was used, the same two records match the two actions. */
function expectSameMatches(r: CheckResult): void {
  expect(r.findings.map((f) => f.message)).toEqual([]);
  expect(r.outcome).toBe('pass');
  expect(r.measurements).toMatchObject({
    actions_total: 2,
    audit_coverage_pct: 100,
    audit_records: 2,
  });
  const m = (r.data as { matches: Json[] }).matches;
  expect(m.map((x) => [x.exchangeId, x.recordId])).toEqual([
    ['r1', 'a-read'],
    ['q1', 'a-search'],
  ]);
}

describe('reading AuditEvents by what the server applies', () => {
  it('(a) a server that applies date: one search, the date trusted because the self link carries it', async () => {
    const { r, seen, kept } = await audit({ date: true, lastUpdated: true });
    expectSameMatches(r);
    expect(retrieval(r)).toMatchObject({
      strategy: 'date',
      statement: 'date applied by the server',
      pages: 1,
    });
    expect(r.summary).toContain('Records: date applied by the server.');
    expect(asked(seen)).toEqual(['date']);
    expect(seen[0]!.getAll('date')).toEqual([
      `ge${iso(T0 - 300_000).replace('.000Z', 'Z')}`,
      `le${iso(T0 + 1020 + 300_000).replace(/\.\d{3}Z$/, 'Z')}`,
    ]);
    expect(kept).toBe(1); // the page is kept as an exchange
  });

  it('(b) a server that ignores date (not in its self link) but applies _lastUpdated', async () => {
    const { r, seen, kept } = await audit({ date: false, lastUpdated: true });
    expectSameMatches(r);
    expect(retrieval(r)).toMatchObject({
      strategy: '_lastUpdated',
      statement: 'date ignored by the server (not in Bundle.link self); used _lastUpdated',
    });
    // The unfiltered date search was abandoned after its first page.
    expect(asked(seen)).toEqual(['date', '_lastUpdated']);
    expect(kept).toBe(2);
  });

  it('(c) a server that applies neither: every page read and filtered locally by recorded', async () => {
    const { r, seen } = await audit({ date: false, lastUpdated: false });
    expectSameMatches(r);
    expect(retrieval(r)).toMatchObject({
      strategy: 'all-pages',
      pages: 3,
      recordsRead: 27,
      statement:
        'date ignored by the server (not in Bundle.link self) and _lastUpdated ignored by the server (not in Bundle.link self); read all 3 page(s) (27 AuditEvents, caps 100 pages / 10000 records) and filtered locally by recorded, 2 in the span',
    });
    expect(r.measurements).toMatchObject({ audit_pages_read: 3, audit_records_read: 27 });
    expect(asked(seen)).toEqual(['date', '_lastUpdated', '', '', '']);
  });

  it('(d) a strict server that refuses date with 400 moves on to _lastUpdated', async () => {
    const { r } = await audit({ date: false, lastUpdated: true, strict: true });
    expectSameMatches(r);
    expect(retrieval(r)).toMatchObject({ statement: 'date refused (HTTP 400); used _lastUpdated' });
  });

  it('(e) without a self link, records outside the span show that date was ignored', async () => {
    const { r } = await audit({ date: false, lastUpdated: true, self: false });
    expectSameMatches(r);
    expect(retrieval(r)).toMatchObject({
      strategy: '_lastUpdated',
      statement:
        'date ignored by the server (no Bundle.link self; 25 returned record(s) outside the span); used _lastUpdated',
    });
  });

  it('(f) inconclusive, never pass or fail, when the caps stop reading before the last page', async () => {
    const { r, seen } = await audit({ date: false, lastUpdated: false }, { maxPages: 2 });
    expect(r.outcome).toBe('error');
    expect(r.findings).toEqual([]);
    expect(r.summary).toContain(
      'stopped at 2 page(s) and 20 AuditEvents before the last page (caps: 2 pages, 10000 records)',
    );
    // Two abandoned filtered searches, then two pages of the unfiltered one: no third page.
    expect(seen).toHaveLength(4);
  });
});

describe('the self link as the record of what was applied (R4 search.html#errors)', () => {
  const asked = new URLSearchParams([
    ['date', 'ge2026-02-27T13:55:00Z'],
    ['date', 'le2026-02-27T14:05:01Z'],
    ['_count', '100'],
  ]);
  it('accepts the values echoed in another form of the same instant', () => {
    const self =
      'http://h/fhir/AuditEvent?date=ge2026-02-27T13:55:00.000%2B00:00&date=le2026-02-27T15:05:01%2B01:00&_count=100';
    expect(ignoredParameters(asked, self, ['date'])).toEqual([]);
  });
  it('names a parameter left out, or kept with a bound dropped or changed', () => {
    const base = 'http://h/fhir/AuditEvent?_count=100';
    expect(ignoredParameters(asked, base, ['date'])).toEqual(['date']);
    expect(ignoredParameters(asked, `${base}&date=ge2026-02-27T13:55:00Z`, ['date'])).toEqual([
      'date',
    ]);
    expect(
      ignoredParameters(asked, `${base}&date=ge2026-02-27T13:55:00Z&date=lt2026-02-27T14:05:01Z`, [
        'date',
      ]),
    ).toEqual(['date']);
  });
});
