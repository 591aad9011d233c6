/**
 * Test helpers for the reference site: synthetic HL7 v2 messages, an MLLP client per site,
 * FHIR requests. All data is synthetic; everything runs on 127.0.0.1 with port 0.
 */
import { afterEach } from 'vitest';
import { Hl7Message, parseAck } from '../../src/hl7/index.js';
import {
  MllpClient,
  startMllpListener,
  type MllpListener,
} from '../../src/transports/mllp/index.js';
import { startSite, type Site, type SiteOptions } from '../../src/site/index.js';

let seq = 0;
/** A fresh id (control ids, MRNs, order numbers) so tests never collide. */
export const uid = (p = 'X') => `${p}${process.pid % 1000}${Date.now() % 100000}${++seq}`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
export const onCleanup = (f: () => Promise<void>) => cleanups.push(f);

export interface TestSite {
  site: Site;
  send(text: string): Promise<{
    code?: string;
    errors: ReturnType<typeof parseAck>['errors'];
    text: string;
    acks: string[];
  }>;
  get<T = Record<string, unknown>>(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  post<T = Record<string, unknown>>(
    path: string,
    body: unknown,
    method?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  search<T = Record<string, unknown>>(path: string): Promise<T[]>;
  client: MllpClient;
}

export async function testSite(opts: SiteOptions = {}): Promise<TestSite> {
  const site = await startSite({ mllpPort: 0, fhirPort: 0, ...opts });
  const client = new MllpClient({ host: '127.0.0.1', port: site.mllp.port, ackTimeoutMs: 10_000 });
  onCleanup(async () => {
    await client.close();
    await site.stop();
  });
  const req = async (path: string, init: RequestInit = {}) => {
    const url = path.startsWith('http')
      ? path
      : path.startsWith('/control')
        ? `${site.controlBase}${path.slice(8)}`
        : `${site.fhirBase}${path}`;
    const res = await fetch(url, init);
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : undefined) as never,
      headers: res.headers,
      text,
    };
  };
  return {
    site,
    client,
    async send(text) {
      const r = await client.send(text);
      if (r.status !== 'acked') throw new Error(`send failed: ${r.status} ${r.error ?? ''}`);
      const last = r.ackText ?? '';
      const parsed = parseAck(Hl7Message.parse(last));
      return { code: r.ackCode, errors: parsed.errors, text: last, acks: r.acks };
    },
    get: (path, headers = {}) => req(path, { headers }),
    post: (path, body, method = 'POST', headers = {}) =>
      req(path, {
        method,
        headers: { 'content-type': 'application/fhir+json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async search(path) {
      const r = await req(path);
      if (r.status !== 200) throw new Error(`search ${path}: ${r.status} ${r.text}`);
      return ((r.body as { entry?: { resource: unknown }[] }).entry ?? []).map(
        (e) => e.resource,
      ) as never;
    },
  };
}

/** A capture listener standing in for the downstream EHR. */
export async function downstream(
  ackCode: 'AA' | 'AE' = 'AA',
): Promise<{ listener: MllpListener; got: Hl7Message[] }> {
  const got: Hl7Message[] = [];
  const listener = await startMllpListener({
    port: 0,
    ackCode,
    handler: (m) => {
      if (m.message) got.push(m.message);
      return undefined;
    },
  });
  onCleanup(() => listener.close(100));
  return { listener, got };
}

export async function until<T>(f: () => T | Promise<T>, ms = 10_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const MSH = (type: string, id: string, extra = '') =>
  `MSH|^~\\&|TESTAPP|TESTFAC|GOLIVE-SITE|REFHOSP|20260327143000+0100||${type}|${id}|P|2.5.1${extra}`;

export interface Person {
  mrn: string;
  authority?: string;
  family?: string;
  given?: string;
  dob?: string;
  sex?: string;
}

const pid = (p: Person) =>
  `PID|1||${p.mrn}^^^${p.authority ?? 'RGH'}^MR||${p.family ?? 'Testperson'}^${p.given ?? 'Alex'}||${p.dob ?? '19800101'}|${p.sex ?? 'F'}`;

export function adt(
  trigger: string,
  p: Person,
  o: { id?: string; mrg?: string; extra?: string } = {},
): string {
  const segs = [
    MSH(
      `ADT^${trigger}^ADT_${trigger === 'A40' ? 'A39' : trigger === 'A47' ? 'A30' : 'A01'}`,
      o.id ?? uid('C'),
      o.extra,
    ),
    `EVN|${trigger}|20260327143000+0100`,
    pid(p),
  ];
  if (o.mrg) segs.push(`MRG|${o.mrg}^^^${p.authority ?? 'RGH'}^MR`);
  if (trigger !== 'A40' && trigger !== 'A47') segs.push('PV1|1|O');
  return `${segs.join('\r')}\r`;
}

export interface OrderSpec {
  control?: string;
  placer: string;
  filler?: string;
  code?: string;
  priority?: string;
  specimen?: string;
  collected?: string;
  received?: string;
  type?: 'OML' | 'ORM';
  id?: string;
}

export function order(p: Person, o: OrderSpec): string {
  const type = o.type ?? 'OML';
  const segs = [
    MSH(type === 'OML' ? 'OML^O21^OML_O21' : 'ORM^O01^ORM_O01', o.id ?? uid('C')),
    pid(p),
    `ORC|${o.control ?? 'NW'}|${o.placer}|${o.filler ?? ''}||||||20260327140000+0100|||DOC1^Careful^Casey`,
  ];
  if (o.priority) segs.push(`TQ1|1||||||||${o.priority}`);
  segs.push(
    `OBR|1|${o.placer}|${o.filler ?? ''}|${o.code ?? '2823-3^Potassium^LN'}|||${o.collected ?? '20260327133000+0100'}|||||||${o.received ?? ''}||DOC1^Careful^Casey`,
  );
  if (o.specimen) segs.push(`SPM|1|${o.specimen}||BLD`);
  return `${segs.join('\r')}\r`;
}

export interface ObxSpec {
  type?: string;
  code?: string;
  sub?: string;
  value?: string;
  units?: string;
  range?: string;
  flags?: string;
  status?: string;
  time?: string;
}

export function obx(i: number, x: ObxSpec): string {
  return `OBX|${i}|${x.type ?? 'NM'}|${x.code ?? '2823-3^Potassium^LN'}|${x.sub ?? ''}|${x.value ?? '4.1'}|${x.units ?? 'mmol/L^mmol/L^UCUM'}|${x.range ?? '3.5-5.1'}|${x.flags ?? ''}|||${x.status ?? 'F'}|||${x.time ?? '20260327141500+0100'}`;
}

export function oru(
  p: Person | undefined,
  o: {
    placer: string;
    filler?: string;
    code?: string;
    specimen?: string;
    collected?: string;
    received?: string;
    status?: string;
    id?: string;
    extra?: string;
  },
  obxs: ObxSpec[],
): string {
  const segs = [MSH('ORU^R01^ORU_R01', o.id ?? uid('C'), o.extra)];
  if (p) segs.push(pid(p));
  segs.push(
    `OBR|1|${o.placer}|${o.filler ?? ''}|${o.code ?? '2823-3^Potassium^LN'}|||${o.collected ?? '20260327133000+0100'}|||||||${o.received ?? ''}||DOC1^Careful^Casey||||||20260327142000+0100|||${o.status ?? ''}`,
  );
  obxs.forEach((x, i) => segs.push(obx(i + 1, x)));
  if (o.specimen) segs.push(`SPM|1|${o.specimen}||BLD`);
  return `${segs.join('\r')}\r`;
}

/** Register a patient and place an order; returns the ids used. */
export async function patientWithOrder(
  t: TestSite,
  o: Partial<OrderSpec> = {},
  p?: Partial<Person>,
) {
  const person: Person = { mrn: uid('M'), ...p };
  const placer = o.placer ?? uid('P');
  const a = await t.send(adt('A04', person));
  if (a.code !== 'AA') throw new Error(`A04 not accepted: ${a.text}`);
  const r = await t.send(order(person, { ...o, placer }));
  if (r.code !== 'AA') throw new Error(`order not accepted: ${r.text}`);
  return { person, placer };
}

/** Send framed payloads over a raw socket and collect one answer frame per payload. */
export async function rawExchange(port: number, payloads: (string | Buffer)[]): Promise<string[]> {
  const { MllpFramer, frame } = await import('../../src/transports/mllp/index.js');
  const net = await import('node:net');
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  const got: string[] = [];
  const f = new MllpFramer({ onFrame: (b) => got.push(b.toString('utf8')) });
  sock.on('data', (d) => f.push(d));
  for (const p of payloads) sock.write(typeof p === 'string' ? frame(p) : p);
  await until(() => got.length >= payloads.length);
  sock.destroy();
  return got;
}
