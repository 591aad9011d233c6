import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { auditEvent, httpExchange } from './audit-fixtures.js';
import { UserError } from '../../src/core/errors.js';
import { auditClient, checkAuditTrail } from '../../src/compliance/audit/check.js';
import { fetchAuditEvents } from '../../src/compliance/audit/fetch.js';
import { parseAuditCsv, parseAuditNdjson } from '../../src/compliance/audit/sources.js';

function caught(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('audit exports', () => {
  it('reads NDJSON AuditEvents with their line numbers, skipping blank lines', () => {
    const text = `${JSON.stringify(auditEvent('a', '2026-02-27T09:00:00-05:00', ['Patient/p1']))}\n\n${JSON.stringify(auditEvent('b', '2026-02-27T09:00:01-05:00', ['Patient/p2']))}\n`;
    const recs = parseAuditNdjson(text, 'a.ndjson');
    expect(recs.map((r) => [r.id, r.at.line])).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
  });

  it('refuses a broken NDJSON line or a non-AuditEvent with file:line, importing nothing', () => {
    const good = JSON.stringify(auditEvent('a', '2026-02-27T09:00:00Z', []));
    expect(
      caught(() => parseAuditNdjson(`${good}\n{"resourceType":`, 'a.ndjson')).location,
    ).toMatchObject({ file: 'a.ndjson', line: 2 });
    const e = caught(() => parseAuditNdjson(`${good}\n{"resourceType":"Patient"}`, 'a.ndjson'));
    expect(e.message).toContain('Patient');
    expect(e.exitCode).toBe(2);
  });

  const header = 'time,user,action,object_type,object_id,patient,source,outcome,message_control_id';
  it('reads the CSV export, normalising action and outcome words', () => {
    const recs = parseAuditCsv(
      `${header}\n2026-02-27T09:00:00-05:00,nurse1,read,Patient,p1,p1,ehr-01,success,\n`,
      'a.csv',
    );
    expect(recs[0]).toMatchObject({
      action: 'R',
      outcome: '0',
      users: ['nurse1'],
      source: 'ehr-01',
      hasZone: true,
    });
    expect(recs[0]!.keys.has('ref:Patient/p1')).toBe(true);
  });

  it('refuses missing CSV columns and bad times with file:row:column', () => {
    expect(caught(() => parseAuditCsv('time,user,action\n', 'a.csv')).code).toBe('E_CSV_COLUMNS');
    const e = caught(() =>
      parseAuditCsv(
        `${header}\n2026-02-27T09:00:00Z,u,R,Patient,p1,,s,0,\nyesterday,u,R,Patient,p1,,s,0,\n`,
        'a.csv',
      ),
    );
    expect(e.code).toBe('E_CSV_ROW');
    expect(e.location).toMatchObject({ file: 'a.csv', row: 2, column: 'time', line: 3 });
  });
});

describe('FHIR AuditEvent endpoint (loopback)', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  async function serve(
    handler: (req: IncomingMessage, base: string) => { status: number; body: unknown },
  ): Promise<string> {
    server = createServer((req, res) => {
      const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
      const out = handler(req, base);
      res.writeHead(out.status, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify(out.body));
    });
    await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  }

  it('searches by date with the audit identity and follows next links', async () => {
    const seen: { url: string; user: string | undefined }[] = [];
    const url = await serve((req, base) => {
      seen.push({ url: req.url!, user: req.headers['x-golive-user'] as string | undefined });
      const page2 = req.url!.includes('page=2');
      return {
        status: 200,
        body: {
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [
            {
              resource: auditEvent(page2 ? 'b' : 'a', '2026-02-27T09:00:00-05:00', ['Patient/p1']),
            },
            { resource: { resourceType: 'OperationOutcome' } },
          ],
          link: page2 ? [] : [{ relation: 'next', url: `${base}/fhir/AuditEvent?page=2` }],
        },
      };
    });
    const { records: recs, retrieval } = await fetchAuditEvents({
      client: auditClient({ kind: 'fhir', baseUrl: url }),
      since: new Date('2026-02-27T14:00:00Z'),
      until: new Date('2026-02-27T15:00:00Z'),
    });
    expect(recs.map((r) => r.id)).toEqual(['a', 'b']);
    // No self link: the records themselves show the date was applied (all inside the span).
    expect(retrieval).toMatchObject({ strategy: 'date', pages: 2 });
    expect(recs[0]!.at.path).toBe('AuditEvent/a');
    const first = new URL(seen[0]!.url, 'http://x');
    expect(first.pathname).toBe('/fhir/AuditEvent');
    expect(first.searchParams.getAll('date')).toEqual([
      'ge2026-02-27T14:00:00Z',
      'le2026-02-27T15:00:00Z',
    ]);
    expect(seen.every((s) => s.user === 'golive-auditor')).toBe(true);
  });

  it('refuses to follow a next link to another origin (credentials stay on the audited server)', async () => {
    const url = await serve(() => ({
      status: 200,
      body: {
        resourceType: 'Bundle',
        link: [{ relation: 'next', url: 'http://127.0.0.2:9/fhir/AuditEvent?page=2' }],
      },
    }));
    const client = auditClient({ kind: 'fhir', baseUrl: url, bearer: 't' });
    await expect(
      fetchAuditEvents({ client, since: new Date(0), until: new Date() }),
    ).rejects.toMatchObject({ code: 'E_AUDIT_FETCH', exitCode: 3 });
  });

  it('turns HTTP errors and unreachable servers into exit 3, and into an inconclusive result', async () => {
    const url = await serve(() => ({ status: 500, body: {} }));
    const client = auditClient({ kind: 'fhir', baseUrl: url });
    await expect(
      fetchAuditEvents({ client, since: new Date(0), until: new Date() }),
    ).rejects.toMatchObject({ exitCode: 3 });
    const result = await checkAuditTrail({
      exchanges: [httpExchange('x', 'GET', 'Patient/p1', '2026-02-27T14:00:00Z')],
      source: { kind: 'fhir', baseUrl: url },
      now: new Date('2026-02-27T15:00:00Z'),
    });
    expect(result.outcome).toBe('error');
    expect(result.summary).toContain('HTTP 500');
  });
});
