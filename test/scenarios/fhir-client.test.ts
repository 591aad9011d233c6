import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/core/index.js';
import { FhirClient, FhirTransportError, bundleResources } from '../../src/fhir/client.js';
import { compileFhirPath, FhirPathSyntaxError } from '../../src/fhir/fhirpath.js';
import { bundle, closedPort, fakeHttp } from './fakes.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

function recorder() {
  const kept: Exchange[] = [];
  return {
    kept,
    sink: (x: Omit<Exchange, 'id'>) => (
      kept.push({ id: `x-${kept.length + 1}`, ...x }),
      `x-${kept.length}`
    ),
  };
}

describe('FHIR client', () => {
  it('follows next links across pages and keeps every exchange', async () => {
    const srv = await fakeHttp((r) => {
      const page = Number(new URL(r.url, 'http://x').searchParams.get('_offset') ?? 0);
      const next = page < 4 ? `${srvBase()}/Observation?code=x&_offset=${page + 2}` : undefined;
      return {
        status: 200,
        body: bundle(
          [
            { resourceType: 'Observation', id: `o${page}` },
            { resourceType: 'Observation', id: `o${page + 1}` },
          ],
          next,
        ),
      };
    });
    const srvBase = () => srv.base;
    cleanup.push(srv.close);
    const rec = recorder();
    const res = await new FhirClient({ baseUrl: srv.base, sink: rec.sink }).searchAll(
      'Observation',
      { code: 'x' },
    );
    expect(bundleResources(res.body).map((r) => r.id)).toEqual([
      'o0',
      'o1',
      'o2',
      'o3',
      'o4',
      'o5',
    ]);
    expect(res.exchangeIds).toEqual(['x-1', 'x-2', 'x-3']);
    expect(rec.kept[0]).toMatchObject({
      protocol: 'http',
      direction: 'outbound',
      summary: expect.stringMatching(/^GET Observation\?code=x -> 200/),
    });
    expect(rec.kept[2]!.response).toMatch(/"o5"/);
  });

  it('retries a 5xx with backoff, then returns the answer', async () => {
    const srv = await fakeHttp((_r, n) =>
      n < 3
        ? { status: 503, body: { resourceType: 'OperationOutcome' } }
        : { status: 200, body: { resourceType: 'Patient', id: 'p1' } },
    );
    cleanup.push(srv.close);
    const rec = recorder();
    const res = await new FhirClient({
      baseUrl: srv.base,
      retries: 2,
      backoffMs: 10,
      sink: rec.sink,
    }).read('Patient', 'p1');
    expect(res.status).toBe(200);
    expect(srv.seen).toHaveLength(3);
    expect(rec.kept.map((x) => x.summary.split(' -> ')[1]!.slice(0, 3))).toEqual([
      '503',
      '503',
      '200',
    ]);
  });

  it('never repeats a POST the server may have processed', async () => {
    const srv = await fakeHttp(() => ({ status: 500, body: { resourceType: 'OperationOutcome' } }));
    cleanup.push(srv.close);
    const res = await new FhirClient({ baseUrl: srv.base, retries: 3, backoffMs: 1 }).create({
      resourceType: 'Procedure',
    });
    expect(res.status).toBe(500);
    expect(srv.seen).toHaveLength(1);
  });

  it('reports a server that is not there as a transport error, with the attempts recorded', async () => {
    const port = await closedPort();
    const rec = recorder();
    const client = new FhirClient({
      baseUrl: `http://127.0.0.1:${port}/fhir`,
      retries: 1,
      backoffMs: 1,
      sink: rec.sink,
    });
    const err = await client.read('Patient', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FhirTransportError);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect(rec.kept).toHaveLength(2);
    expect(rec.kept[0]!.error).toMatch(/ECONNREFUSED/);
  });

  it('sends credentials and never records them', async () => {
    const srv = await fakeHttp(() => ({ status: 200, body: bundle([]) }));
    cleanup.push(srv.close);
    const rec = recorder();
    await new FhirClient({
      baseUrl: srv.base,
      auth: { type: 'bearer', token: 's3cret' },
      sink: rec.sink,
    }).search('Patient');
    await new FhirClient({
      baseUrl: srv.base,
      auth: { type: 'basic', username: 'u', password: 'pw' },
      sink: rec.sink,
    }).search('Patient');
    expect(srv.seen[0]!.headers.authorization).toBe('Bearer s3cret');
    expect(srv.seen[1]!.headers.authorization).toBe(
      `Basic ${Buffer.from('u:pw').toString('base64')}`,
    );
    const text = JSON.stringify(rec.kept);
    expect(text).not.toMatch(/s3cret|dTpwdw/);
    expect(text).toMatch(/Bearer \[redacted\]/);
    // Who presented the credential is kept (the audit check compares it), never the secret.
    expect(text).toMatch(/Basic \[redacted; user u\]/);
  });

  it('refuses to follow a next link to another server', async () => {
    const srv = await fakeHttp(() => ({
      status: 200,
      body: bundle(
        [{ resourceType: 'Patient', id: 'a' }],
        'http://evil.example/fhir/Patient?page=2',
      ),
    }));
    cleanup.push(srv.close);
    const client = new FhirClient({ baseUrl: srv.base, auth: { type: 'bearer', token: 't' } });
    await expect(client.searchAll('Patient')).rejects.toThrow(/not on the FHIR server/);
  });
});

describe('FHIRPath adapter', () => {
  const obs = {
    resourceType: 'Observation',
    status: 'final',
    valueQuantity: {
      value: 105,
      unit: 'mg/dL',
      system: 'http://unitsofmeasure.org',
      code: 'mg/dL',
    },
    effectiveDateTime: '2025-03-30T02:30:00+01:00',
  };

  it('evaluates with the R4 model: choice types, UCUM-aware comparison, zoned times', () => {
    expect(compileFhirPath('value.value').evaluate(obs)).toEqual([105]);
    expect(compileFhirPath("value > 1 'g/L'").evaluate(obs)).toEqual([true]);
    expect(compileFhirPath('effective = @2025-03-30T01:30:00Z').evaluate(obs)).toEqual([true]);
    expect(compileFhirPath('status = %want').evaluate(obs, { want: 'final' })).toEqual([true]);
  });

  it('reports syntax errors with a column, and the variables an expression reads', () => {
    expect(() => compileFhirPath('where(status = ')).toThrow(FhirPathSyntaxError);
    expect(compileFhirPath("%a = %b and '%notvar' = %ucum").variables).toEqual(['a', 'b']);
  });
});
