import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE, auditEvent, httpExchange, mllpExchange, type EventOpts } from './audit-fixtures.js';
import { needCorpus } from '../helpers/corpora.js';
import type { Exchange } from '../../src/core/evidence.js';
import { actionsFromExchanges } from '../../src/compliance/audit/actions.js';
import { verifyAuditTrail } from '../../src/compliance/audit/match.js';
import { recordFromAuditEvent } from '../../src/compliance/audit/records.js';

const NOW = new Date('2026-02-27T15:00:00Z');
const T0 = '2026-02-27T14:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
/** The same instant as at(s), written with the site's -05:00 offset. */
const local = (s: number) => {
  const d = new Date(Date.parse(T0) + s * 1000 - 5 * 3600_000).toISOString();
  return d.replace('Z', '-05:00');
};

function verify(
  exchanges: Exchange[],
  events: Record<string, unknown>[],
  opts: { skewMs?: number } = {},
) {
  const { actions } = actionsFromExchanges(exchanges);
  const records = events.map((e, i) =>
    recordFromAuditEvent(e, { file: 'audit.ndjson', line: i + 1 }),
  );
  return verifyAuditTrail(actions, records, { now: NOW, ...opts });
}

const u = { user: 'golive-runner' };
const run: Exchange[] = [
  httpExchange('x1', 'GET', 'Patient/p1', at(0), u),
  httpExchange('x2', 'GET', 'Observation?patient=p1', at(1), u),
  httpExchange('x3', 'PUT', 'ServiceRequest/sr1', at(2), u),
  mllpExchange('x4', 'CTRL-9', at(3)),
];
const ev = (id: string, s: number, refs: string[], o: EventOpts = {}) =>
  auditEvent(id, local(s) + '', refs, o);
const complete = [
  ev('a1', 0.01, ['Patient/p1'], { subtype: 'read' }),
  ev('a2', 1.01, ['Patient/p1'], { action: 'E', subtype: 'search-type' }),
  ev('a3', 2.01, ['ServiceRequest/sr1'], { action: 'U', subtype: 'update' }),
  ev('a4', 3.01, [], {
    action: 'C',
    who: 'GOLIVE-LAB',
    entities: [{ what: { identifier: { value: 'CTRL-9' } }, type: { code: 'message' } }],
  }),
];

describe('audit-trail verification', () => {
  it('passes when every action has a complete record, and reports coverage', () => {
    const r = verify(run, complete);
    expect(r.findings).toEqual([]);
    expect(r.outcome).toBe('pass');
    expect(r.criteria).toEqual(['compliance.audit-trail']);
    expect(r.measurements).toMatchObject({
      audit_coverage_pct: 100,
      reads_audited_pct: 100,
      writes_audited_pct: 100,
      actions_total: 4,
    });
  });

  it('reports unaudited reads (the no-audit-on-read fault): reads vs writes', () => {
    const r = verify(run, complete.slice(2));
    expect(r.outcome).toBe('fail');
    expect(r.findings.map((f) => [f.rule, f.location?.path])).toEqual([
      ['audit.missing', '[0] x1'],
      ['audit.missing', '[1] x2'],
    ]);
    expect(r.measurements).toMatchObject({
      reads_audited_pct: 0,
      writes_audited_pct: 100,
      audit_coverage_pct: 50,
    });
    expect(r.findings[0]!.action).toContain('reads');
  });

  it('does not let a search record for the patient stand in for an unaudited read of that patient', () => {
    const searchAsR = ev('s', 0.5, ['Patient/p1'], { action: 'R', subtype: 'search-type' });
    const r = verify([run[0]!], [searchAsR]);
    expect(r.findings.map((f) => f.rule)).toEqual(['audit.missing']);
  });

  it('uses each record once: two reads of one object need two records', () => {
    const twice = [
      httpExchange('r1', 'GET', 'Patient/p1', at(0), u),
      httpExchange('r2', 'GET', 'Patient/p1', at(5), u),
    ];
    const r = verify(twice, [complete[0]!]);
    expect(r.measurements.actions_audited).toBe(1);
    expect(r.findings.map((f) => f.location?.path)).toEqual(['[1] r2']);
  });

  it.each([
    ['who missing', { entities: undefined }, (e: Record<string, unknown>) => delete e.agent, 'who'],
    [
      'wrong user',
      { who: 'system' },
      undefined,
      'who: recorded "system", expected "golive-runner"',
    ],
    ['no observer', { observer: null }, undefined, 'where'],
    ['no type', { type: null }, undefined, 'what'],
    ['failure outcome on success', { outcome: '8' }, undefined, 'outcome'],
    ['no outcome', {}, (e: Record<string, unknown>) => delete e.outcome, 'outcome: missing'],
    ['no action', {}, (e: Record<string, unknown>) => delete e.action, 'action: missing'],
    ['wrong action', { action: 'U', subtype: undefined }, undefined, 'action: recorded "U"'],
  ] as [string, EventOpts, ((e: Record<string, unknown>) => void) | undefined, string][])(
    'reports an incomplete record: %s',
    (_name, opts, mutate, expected) => {
      const e = ev('a1', 0.01, ['Patient/p1'], { subtype: 'read', ...opts });
      mutate?.(e);
      const r = verify([run[0]!], [e]);
      expect(r.findings.map((f) => f.rule)).toEqual(['audit.incomplete']);
      expect(r.findings[0]!.message).toContain(expected);
      expect(r.findings[0]!.location).toMatchObject({ file: 'audit.ndjson', line: 1 });
      expect(r.measurements.audit_coverage_pct).toBe(100);
    },
  );

  it('reports a record time without a zone as incomplete "when"', () => {
    const e = auditEvent('a1', '2026-02-27T14:00:00', ['Patient/p1'], { subtype: 'read' });
    const r = verify([run[0]!], [e]);
    expect(r.findings[0]!.message).toContain('when: "2026-02-27T14:00:00" has no zone offset');
  });

  it('reports skew beyond the allowed clock difference, and treats a record beyond the window as missing', () => {
    const late = (s: number) =>
      verify([run[0]!], [ev('a1', s, ['Patient/p1'], { subtype: 'read' })]);
    expect(late(60).findings).toEqual([]); // 1 min: within the 2 min skew
    const skewed = late(180);
    expect(skewed.findings.map((f) => f.rule)).toEqual(['audit.skew']);
    expect(skewed.measurements.max_skew_ms).toBeGreaterThan(170_000);
    expect(late(-180).findings.map((f) => f.rule)).toEqual(['audit.skew']);
    expect(late(400).findings.map((f) => f.rule)).toEqual(['audit.missing']); // beyond the 5 min window
    expect(
      verify([run[0]!], [ev('a1', 180, ['Patient/p1'], { subtype: 'read' })], { skewMs: 240_000 })
        .findings,
    ).toEqual([]);
  });

  it('matches a created resource by the id the server returned', () => {
    const x = httpExchange('c', 'POST', 'Observation', at(0), {
      ...u,
      status: 201,
      responseHeaders: 'Location: Observation/o9/_history/1\r\n',
      body: { resourceType: 'Observation', subject: { reference: 'Patient/p1' } },
    });
    expect(
      verify(
        [x],
        [ev('a', 0.02, ['Observation/o9', 'Patient/p1'], { action: 'C', subtype: 'create' })],
      ).findings,
    ).toEqual([]);
    expect(
      verify([x], [ev('a', 0.02, ['Observation/o9'], { action: 'C', outcome: '4' })]).findings[0]!
        .message,
    ).toContain('outcome');
  });

  describe('searches: matched by what was asked, whatever was found', () => {
    const q = (text: string) => ({
      type: { code: '2' },
      role: { code: '24' },
      query: Buffer.from(text).toString('base64'),
    });
    const search = (path: string) => httpExchange('s', 'GET', path, at(0), u);
    const record = (entities: unknown[], action = 'E') =>
      ev('q', 0.01, [], { action, subtype: 'search-type', entities });

    it('matches a search that found nothing through the logged query alone', () => {
      const x = search('Observation?identifier=urn:lab|F1/2823-3/1');
      const r = verify([x], [record([q(`${BASE}/Observation?identifier=urn:lab|F1/2823-3/1`)])]);
      expect(r.findings).toEqual([]);
    });

    it('reads the query in any parameter order, encoding or paging, and as a bare query string', () => {
      const x = search('Observation?patient=Patient/p1&code=2823-3&_count=50');
      for (const logged of [
        'Observation?code=2823-3&patient=Patient%2Fp1',
        `GET /fhir/Observation?patient=Patient/p1&code=2823-3&_offset=0 HTTP/1.1`,
        // Only the query string: the type is unknown, the patient still names the search.
        'patient=Patient/p1&code=2823-3',
      ])
        expect(verify([x], [record([q(logged)])]).findings, logged).toEqual([]);
    });

    it('does not take the query of another type, or another patient, as the record', () => {
      const x = search('Observation?identifier=urn:lab|F1');
      expect(
        verify([x], [record([q('ServiceRequest?identifier=urn:lab|F1')])]).findings.map(
          (f) => f.rule,
        ),
      ).toEqual(['audit.missing']);
      const y = search('Observation?patient=Patient/p1');
      expect(verify([y], [record([q('patient=Patient/p2')])]).findings.map((f) => f.rule)).toEqual([
        'audit.missing',
      ]);
    });

    it('names the patient of a patient-scoped search in context (entity.what)', () => {
      const x = search('Observation?patient=Patient/p1&code=1');
      const r = verify([x], [record([{ what: { reference: 'Patient/p1' } }])]);
      expect(r.findings).toEqual([]);
    });

    it('still reports a search audited as a write as incomplete', () => {
      const x = search('Observation?identifier=urn:lab|F1');
      const r = verify([x], [record([q('Observation?identifier=urn:lab|F1')], 'C')]);
      expect(r.findings.map((f) => f.rule)).toEqual(['audit.incomplete']);
    });
  });

  it('accepts C for an update that created the resource (201), and only then', () => {
    const put = (status: number) => httpExchange('p', 'PUT', 'Device/d1', at(0), { ...u, status });
    const asC = ev('a', 0.01, ['Device/d1'], { action: 'C', subtype: 'update' });
    expect(verify([put(201)], [asC]).findings).toEqual([]);
    const r = verify([put(200)], [asC]);
    expect(r.findings.map((f) => f.rule)).toEqual(['audit.incomplete']);
    expect(r.findings[0]!.message).toContain('expected U for a update');
    const asCreate = ev('a', 0.01, ['Device/d1'], { action: 'C', subtype: 'create' });
    expect(verify([put(201)], [asCreate]).findings).toEqual([]);
  });

  it('skips the check (not pass) when there were no actions', () => {
    expect(verify([], complete).outcome).toBe('skip');
  });
});

const R4 = needCorpus(
  'fhir-r4',
  'audit matching on the official R4 AuditEvent examples (synthetic: test/compliance/audit-example-shapes.test.ts)',
);
const corpus = R4.path;
const load = (name: string) =>
  JSON.parse(readFileSync(resolve(corpus, name), 'utf8')) as Record<string, unknown>;

describe.skipIf(R4.skip)('official FHIR R4 AuditEvent examples', () => {
  it('reads every example without error and keeps the zone information', () => {
    for (const n of [
      '',
      '-disclosure',
      '-error',
      '-login',
      '-logout',
      '-media',
      '-pixQuery',
      '-rest',
      '-search',
    ]) {
      const r = recordFromAuditEvent(load(`AuditEvent-example${n}.json`), { file: n });
      expect(r.time, n).toBeTypeOf('number');
      expect(r.hasZone, n).toBe(true);
      expect(r.source, n).toBeTruthy();
    }
  });

  it('matches a vread of Patient/example to the "rest" example, complete', () => {
    const x = httpExchange('v', 'GET', 'Patient/example/_history/1', '2013-06-20T23:42:23.900Z', {
      user: '95',
    });
    const r = verifyAuditTrail(
      actionsFromExchanges([x]).actions,
      [recordFromAuditEvent(load('AuditEvent-example-rest.json'), { file: 'rest' })],
      { now: NOW },
    );
    expect(r.findings).toEqual([]);
    expect(r.measurements.audit_coverage_pct).toBe(100);
  });

  it('matches a search through the base64 query of the "search" example (action E)', () => {
    const x = httpExchange('s', 'GET', 'Encounter?participant=13', '2015-08-22T23:42:23.950Z', {
      user: '95',
    });
    const r = verifyAuditTrail(
      actionsFromExchanges([x]).actions,
      [recordFromAuditEvent(load('AuditEvent-example-search.json'), { file: 'search' })],
      { now: NOW },
    );
    expect(r.findings).toEqual([]);
  });

  it('does not take a login event as the audit of a patient read', () => {
    const x = httpExchange('v', 'GET', 'Patient/example', '2013-06-20T23:41:23Z', { user: '95' });
    const r = verifyAuditTrail(
      actionsFromExchanges([x]).actions,
      [recordFromAuditEvent(load('AuditEvent-example-login.json'), { file: 'login' })],
      { now: NOW },
    );
    expect(r.findings.map((f) => f.rule)).toEqual(['audit.missing']);
  });
});
