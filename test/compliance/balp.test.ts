/**
 * The audit matcher against records written to the IHE BALP patterns (synthetic, balp-fixtures):
 * a BALP trail matches with no gap; the minimum a real server writes still matches, its BALP
 * gaps listed as data; queries compare after normalising; the patient entity keeps one patient's
 * record from standing in for another's; every finding says what was expected and found.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult, Exchange } from '../../src/core/index.js';
import {
  actionsFromExchanges,
  recordFromAuditEvent,
  verifyAuditTrail,
} from '../../src/compliance/index.js';
import { BASE, httpExchange } from './audit-fixtures.js';
import { balpEvent, type BalpOpts } from './balp-fixtures.js';

const NOW = new Date('2026-02-27T15:00:00Z');
const T0 = Date.parse('2026-02-27T14:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
/** The same instant written with a +01:00 offset, as a server in another zone would. */
const local = (s: number) =>
  new Date(T0 + s * 1000 + 3600_000).toISOString().replace('Z', '+01:00');
const user = 'nurse.kim';
const u = { user };

/** A read whose response carries the resource (its subject names the patient). */
function readOf(id: string, s: number, path: string, body: unknown): Exchange {
  const x = httpExchange(id, 'GET', path, at(s), u);
  x.response = `${x.response}\r\n${JSON.stringify(body)}`;
  return x;
}

function verify(exchanges: Exchange[], events: Record<string, unknown>[]): CheckResult {
  const { actions } = actionsFromExchanges(exchanges);
  const records = events.map((e, i) =>
    recordFromAuditEvent(e, { file: 'balp.ndjson', line: i + 1 }),
  );
  return verifyAuditTrail(actions, records, { now: NOW });
}

const matches = (r: CheckResult) =>
  (r.data as { matches: { exchangeId: string; audited: boolean; balp?: string[] }[] }).matches;
const ev = (o: Omit<BalpOpts, 'user'> & { user?: string }) => balpEvent({ user, ...o });

const run: Exchange[] = [
  readOf('r1', 0, 'Observation/o1', {
    resourceType: 'Observation',
    id: 'o1',
    subject: { reference: 'Patient/p1' },
  }),
  httpExchange('q1', 'GET', 'Observation?patient=p1&code=2823-3&_count=20', at(1), u),
  httpExchange('c1', 'POST', 'Observation', at(2), {
    ...u,
    status: 201,
    responseHeaders: `Location: ${BASE}/Observation/o9/_history/1\r\n`,
    body: { resourceType: 'Observation', subject: { reference: 'Patient/p1' } },
  }),
  httpExchange('u1', 'PUT', 'Observation/o1', at(3), {
    ...u,
    body: { resourceType: 'Observation', id: 'o1', subject: { reference: 'Patient/p1' } },
  }),
  httpExchange('d1', 'DELETE', 'Observation/o2', at(4), u),
];

const balpTrail = [
  ev({
    id: 'a1',
    recorded: local(0.01),
    interaction: 'read',
    data: 'Observation/o1',
    patient: 'Patient/p1',
  }),
  ev({
    id: 'a2',
    recorded: local(1.01),
    interaction: 'search-type',
    patient: 'Patient/p1',
    // BALP keeps the raw request: request line and headers.
    query: `GET ${BASE}/Observation?patient=p1&code=2823-3&_count=20 HTTP/1.1\nAccept: application/fhir+json\n`,
  }),
  ev({
    id: 'a3',
    recorded: local(2.01),
    interaction: 'create',
    data: 'Observation/o9',
    patient: 'Patient/p1',
  }),
  ev({
    id: 'a4',
    recorded: local(3.01),
    interaction: 'update',
    data: 'Observation/o1/_history/2',
    patient: 'Patient/p1',
  }),
  ev({ id: 'a5', recorded: local(4.01), interaction: 'delete', data: 'Observation/o2' }),
];

describe('records written to IHE BALP', () => {
  it('match every read, query, create, update and delete, complete and without a BALP gap', () => {
    const r = verify(run, balpTrail);
    expect(r.findings.map((f) => f.message)).toEqual([]);
    expect(r.outcome).toBe('pass');
    expect(r.measurements).toMatchObject({
      audit_coverage_pct: 100,
      audit_balp_checked: 5,
      audit_balp_gaps: 0,
    });
    expect(matches(r).map((m) => [m.exchangeId, m.balp])).toEqual(
      ['r1', 'q1', 'c1', 'u1', 'd1'].map((id) => [id, []]),
    );
  });

  it('match a POST _search through the form body of the logged request', () => {
    const x = httpExchange('p', 'POST', 'Observation/_search', at(0), u);
    x.request = x.request.replace(
      'Host: 127.0.0.1:8080',
      'Host: 127.0.0.1:8080\r\nContent-Type: application/x-www-form-urlencoded',
    );
    x.request += 'code=2823-3&patient=Patient%2Fp1';
    const logged = [
      'POST /fhir/Observation/_search HTTP/1.1',
      'Host: 127.0.0.1:8080',
      'Content-Type: application/x-www-form-urlencoded',
      '',
      'patient=p1&code=2823-3',
      '',
    ].join('\n');
    const r = verify(
      [x],
      [
        ev({
          id: 's',
          recorded: local(0.01),
          interaction: 'search-type',
          patient: 'Patient/p1',
          query: logged,
        }),
      ],
    );
    expect(r.findings).toEqual([]);
    expect(matches(r)[0]!.balp).toEqual([]);
  });
});

describe('the minimum a real server writes', () => {
  it('still matches (entity.what only, no subtype, no network agents), BALP gaps listed from the data', () => {
    const minimal = [
      {
        resourceType: 'AuditEvent',
        id: 'm1',
        type: { code: 'rest' },
        action: 'R',
        recorded: local(0.02),
        outcome: '0',
        agent: [{ who: { identifier: { value: user } }, requestor: true }],
        source: { observer: { display: 'lab server' } },
        entity: [{ what: { reference: 'Observation/o1' } }],
      },
    ];
    const r = verify([run[0]!], minimal);
    expect(r.outcome).toBe('pass');
    expect(r.findings).toEqual([]);
    expect(r.measurements).toMatchObject({ audit_balp_checked: 1, audit_balp_gaps: 1 });
    expect(r.summary).toContain('1 of 1 matched AuditEvents depart from IHE BALP');
    expect(matches(r)[0]!.balp).toEqual([
      'subtype: recorded none, expected restful-interaction read or vread',
      `agents: expected the client and the server (DICOM 110153/110152) with network addresses, found ${user} (requestor)`,
      'data entity Observation/o1: type absent, role absent, expected type 2 (System Object), role 4 (Domain Resource)',
      'patient entity: none for Patient/p1, expected type 1 (Person), role 1 (Patient)',
    ]);
  });

  it('takes a network address as "where" when there is no source.observer', () => {
    const e = ev({
      id: 'w',
      recorded: local(0.01),
      interaction: 'read',
      data: 'Observation/o1',
      patient: 'Patient/p1',
      noSource: true,
    });
    const r = verify([run[0]!], [e]);
    expect(r.findings).toEqual([]);
    expect(matches(r)[0]!.balp).toEqual(['source.observer: absent']);
  });

  it('matches a query logged only as the cleaned description, in another order, with result parameters dropped', () => {
    const e = ev({
      id: 'c',
      recorded: local(1.02),
      interaction: 'search-type',
      patient: 'Patient/p1',
      description: 'Observation?code=2823-3&patient=Patient/p1&_sort=-date',
    });
    const r = verify([run[1]!], [e]);
    expect(r.findings).toEqual([]);
    expect(matches(r)[0]!.balp).toEqual([
      'query entity: only a cleaned query in entity.description, expected the raw request base64 in entity.query',
    ]);
  });
});

describe('findings say what was expected and what was found', () => {
  it('a record of another patient is not the record of this read: missing, naming both patients', () => {
    const other = ev({
      id: 'x',
      recorded: local(0.01),
      interaction: 'read',
      data: 'Observation/o1',
      patient: 'Patient/p2',
    });
    const r = verify([run[0]!], [other]);
    expect(r.findings.map((f) => f.rule)).toEqual(['audit.missing']);
    expect(r.findings[0]!.message).toBe(
      `no audit record for read Observation/o1 (GET /fhir/Observation/o1, ${at(0)}): expected action R, subtype read/vread, naming Observation/o1, patient Patient/p1, by ${user}, within 300 s; found 1 unmatched record(s) in that window, the nearest audit record x (10 ms after) names patient Patient/p2, not Patient/p1`,
    );
  });

  it('with no record near the action, says how many were read in all', () => {
    const far = ev({ id: 'f', recorded: local(3600), interaction: 'read', data: 'Observation/o1' });
    const r = verify([run[4]!], [far]);
    expect(r.findings[0]!.message).toMatch(
      /expected action D, subtype delete, naming Observation\/o2, by nurse\.kim, within 300 s; found no unmatched record in that window \(1 record\(s\) read in all\)$/,
    );
  });

  it('names the recorded and expected user, and an absent outcome with the answer it should reflect', () => {
    const e = ev({
      id: 'a',
      recorded: local(0.01),
      interaction: 'read',
      data: 'Observation/o1',
      patient: 'Patient/p1',
      user: 'dr.who',
      outcome: null,
    });
    const r = verify([run[0]!], [e]);
    expect(r.findings.map((f) => f.rule)).toEqual(['audit.incomplete']);
    expect(r.findings[0]!.message).toContain('who: recorded "dr.who", expected "nurse.kim"');
    // R4 AuditEvent.outcome (0..1) gives no meaning to its absence: not taken as success.
    expect(r.findings[0]!.message).toContain('outcome: missing (expected 0 for HTTP 200)');
  });

  it('reports a record matched through the patient that does not name the resource changed', () => {
    const e = ev({ id: 'p', recorded: local(3.01), interaction: 'update', patient: 'Patient/p1' });
    const r = verify([run[3]!], [e]);
    expect(r.findings.map((f) => f.rule)).toEqual(['audit.incomplete']);
    expect(r.findings[0]!.message).toContain(
      'what: the record names Patient/p1, not Observation/o1',
    );
  });
});
