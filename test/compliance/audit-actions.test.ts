import { describe, expect, it } from 'vitest';
import { actionsFromExchanges } from '../../src/compliance/audit/actions.js';
import { BASE, httpExchange, mllpExchange } from './audit-fixtures.js';

const T = '2026-02-27T14:00:00.000Z';
const one = (x: Parameters<typeof actionsFromExchanges>[0][number]) => actionsFromExchanges([x]);

describe('actions from exchanges', () => {
  it('reads FHIR interactions from method and path, whatever the base', () => {
    const cases: [string, string, string, string[]][] = [
      ['GET', 'Patient/p1', 'read', ['ref:Patient/p1']],
      ['GET', 'Patient/p1/_history/3', 'read', ['ref:Patient/p1']],
      // A search's object is its query: criteria sorted, paging dropped, a patient parameter
      // written as a reference (R4 search.html#reference: `p1` and `Patient/p1` are the same).
      ['GET', 'Observation?patient=p1', 'search', ['query:Observation?patient=Patient/p1']],
      [
        'GET',
        'Observation?status=final&_count=5&code=1',
        'search',
        ['query:Observation?code=1&status=final'],
      ],
      ['POST', 'Observation/_search', 'search', ['query:Observation?']],
      ['GET', 'Patient/p1/Observation', 'search', ['query:Patient/p1/Observation?']],
      ['PUT', 'ServiceRequest/sr1', 'update', ['ref:ServiceRequest/sr1']],
      ['DELETE', 'Observation/o1', 'delete', ['ref:Observation/o1']],
      ['GET', 'Patient/p1/$everything', 'operation', ['ref:Patient/p1']],
    ];
    for (const [m, p, kind, objects] of cases) {
      const { actions } = one(httpExchange('x', m, p, T));
      expect(actions[0], `${m} ${p}`).toMatchObject({ kind, objects });
    }
  });

  it('takes the patient from the query, the compartment or the body', () => {
    expect(
      one(httpExchange('x', 'GET', 'Observation?subject=Patient/p9&code=1', T)).actions[0]!.context,
    ).toContain('ref:Patient/p9');
    expect(
      one(httpExchange('x', 'GET', 'Patient/p9/Observation', T)).actions[0]!.context,
    ).toContain('ref:Patient/p9');
    const body = { resourceType: 'Observation', subject: { reference: 'Patient/p7' } };
    expect(
      one(httpExchange('x', 'POST', 'Observation', T, { body })).actions[0]!.context,
    ).toContain('ref:Patient/p7');
  });

  it('reads the criteria of a POST _search from its form body', () => {
    const x = httpExchange('x', 'POST', 'Observation/_search?code=1', T);
    x.request = x.request.replace(
      'Host: 127.0.0.1:8080',
      'Host: 127.0.0.1:8080\r\nContent-Type: application/x-www-form-urlencoded',
    );
    x.request += 'patient=Patient%2Fp4';
    expect(one(x).actions[0]).toMatchObject({
      objects: ['query:Observation?code=1&patient=Patient/p4'],
      context: expect.arrayContaining(['ref:Patient/p4']) as unknown,
    });
  });

  it('reads the status whether the response line has a version or not (HTTP 201)', () => {
    const x = httpExchange('x', 'PUT', 'Device/d1', T);
    for (const line of ['HTTP/1.1 201 Created', 'HTTP/2 201', 'HTTP 201']) {
      x.response = `${line}\ncontent-type: application/fhir+json\n\n{}`;
      expect(one(x).actions[0], line).toMatchObject({ answer: 'HTTP 201', succeeded: true });
    }
  });

  it('takes the created id from Location', () => {
    const x = httpExchange('x', 'POST', 'Observation', T, {
      status: 201,
      responseHeaders: `Location: ${BASE}/Observation/o5/_history/1\r\n`,
    });
    expect(one(x).actions[0]).toMatchObject({
      kind: 'create',
      write: true,
      objects: ['ref:Observation/o5'],
      succeeded: true,
    });
  });

  it('reads the identity from X-Golive-User, basic auth or a bearer token subject', () => {
    expect(
      one(httpExchange('x', 'GET', 'Patient/p1', T, { user: 'golive-runner' })).actions[0]!.user,
    ).toBe('golive-runner');
    const basic = `Basic ${Buffer.from('nurse1:secret').toString('base64')}`;
    expect(one(httpExchange('x', 'GET', 'Patient/p1', T, { auth: basic })).actions[0]!.user).toBe(
      'nurse1',
    );
    for (const redacted of ['Basic [redacted]', 'Bearer [redacted]', 'Basic bm9jb2xvbg=='])
      expect(
        one(httpExchange('x', 'GET', 'Patient/p1', T, { auth: redacted })).actions[0]!.user,
        redacted,
      ).toBeUndefined();
    const jwt = `h.${Buffer.from(JSON.stringify({ sub: 'app-7' })).toString('base64url')}.s`;
    expect(
      one(httpExchange('x', 'GET', 'Patient/p1', T, { auth: `Bearer ${jwt}` })).actions[0]!.user,
    ).toBe('app-7');
  });

  it('skips capability and audit-log reads, inbound traffic and transport failures', () => {
    const r = actionsFromExchanges([
      httpExchange('a', 'GET', 'metadata', T),
      httpExchange('b', 'GET', 'AuditEvent?date=ge2026', T),
      { ...httpExchange('c', 'GET', 'Patient/p1', T), direction: 'inbound' },
      { ...httpExchange('d', 'GET', 'Patient/p1', T), error: 'ECONNREFUSED' },
    ]);
    expect(r.actions).toEqual([]);
    expect(r.skipped.map((s) => s.exchangeId)).toEqual(['a', 'b', 'd']);
  });

  it('counts an HL7 message as filed only when accepted, with MSH-10, PID-3 and MSH-3', () => {
    const { actions } = one(mllpExchange('m', 'CTRL1', T));
    expect(actions[0]).toMatchObject({
      kind: 'message',
      write: true,
      objects: ['ident:CTRL1'],
      user: 'GOLIVE-LAB',
    });
    expect(actions[0]!.context).toContain('ident:MRN1');
    expect(one(mllpExchange('m', 'CTRL2', T, 'AR')).skipped[0]!.reason).toContain('AR');
    expect(one({ ...mllpExchange('m', 'CTRL3', T), response: undefined }).actions).toEqual([]);
  });
});
