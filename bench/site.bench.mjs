// Reference site: messages filed per second (ORU^R01 with 10 OBX, each ACKed after filing) with
// and without a data file, and FHIR searches per second, each with p99 latency. Loopback only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSite } from '../dist/site/index.js';
import { MllpClient } from '../dist/transports/mllp/index.js';

const N = Number(process.env.SITE_BENCH_N ?? 2000);
const SEARCHES = Number(process.env.SITE_BENCH_SEARCHES ?? 2000);
const CONCURRENCY = 4;
const MSH = (type, id) =>
  `MSH|^~\\&|BENCH|LAB|GOLIVE-SITE|REFHOSP|20260327143000+0100||${type}|${id}|P|2.5.1`;
const PID = (mrn) => `PID|1||${mrn}^^^RGH^MR||Bench^Pat||19800101|F`;
const CODES = [
  '2823-3',
  '2951-2',
  '2075-0',
  '2028-9',
  '3094-0',
  '2160-0',
  '2345-7',
  '17861-6',
  '2777-1',
  '19123-9',
];

const order = (mrn, placer, i) =>
  [
    MSH('OML^O21^OML_O21', `O${i}`),
    PID(mrn),
    `ORC|NW|${placer}`,
    `OBR|1|${placer}||24323-8^CMP^LN|||20260327133000+0100`,
  ].join('\r') + '\r';
const oru = (mrn, placer, i) =>
  [
    MSH('ORU^R01^ORU_R01', `R${i}`),
    PID(mrn),
    `OBR|1|${placer}||24323-8^CMP^LN|||20260327133000+0100`,
    ...CODES.map(
      (c, k) =>
        `OBX|${k + 1}|NM|${c}^Analyte ${k}^LN||${(4 + k / 10).toFixed(2)}|mmol/L^mmol/L^UCUM|3.5-5.1|N|||F|||20260327141500+0100`,
    ),
  ].join('\r') + '\r';

const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function run(label, dataFile) {
  const site = await startSite({ dataFile });
  const clients = Array.from(
    { length: CONCURRENCY },
    () => new MllpClient({ host: '127.0.0.1', port: site.mllp.port }),
  );
  const mrns = Array.from({ length: 20 }, (_, i) => `BM${i}`);
  const setup = clients[0];
  for (const [i, mrn] of mrns.entries())
    await setup.send([MSH('ADT^A04^ADT_A01', `A${i}`), PID(mrn), 'PV1|1|O'].join('\r') + '\r');
  for (let i = 0; i < N; i++) await setup.send(order(mrns[i % mrns.length], `P${i}`, i));
  const lat = [];
  let next = 0;
  let ok = 0;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      while (next < N) {
        const i = next++;
        const r = await c.send(oru(mrns[i % mrns.length], `P${i}`, i));
        if (r.ackCode === 'AA') ok++;
        lat.push(r.rttMs);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  console.log(
    `${label}: ${N} ORU (10 OBX) filed in ${secs.toFixed(2)} s = ${(N / secs).toFixed(0)} msg/s (${CONCURRENCY} connections), ACK p50 ${pct(lat, 50).toFixed(2)} ms, p99 ${pct(lat, 99).toFixed(2)} ms, AA ${ok}/${N}`,
  );

  const pats = await (await fetch(`${site.fhirBase}/Patient?_count=50`)).json();
  const ids = pats.entry.map((e) => e.resource.id);
  const slat = [];
  let s = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (s < SEARCHES) {
        const i = s++;
        const q = `${site.fhirBase}/Observation?patient=Patient/${ids[i % ids.length]}&code=http://loinc.org|${CODES[i % CODES.length]}&_count=20`;
        const a = performance.now();
        const res = await fetch(q);
        await res.text();
        if (res.status !== 200) throw new Error(`search ${res.status}`);
        slat.push(performance.now() - a);
      }
    }),
  );
  const ssecs = (performance.now() - t1) / 1000;
  slat.sort((a, b) => a - b);
  const total = site.runtime().store.count('Observation');
  console.log(
    `${label}: ${SEARCHES} FHIR searches (Observation by patient+code, ${total} observations, each audited) = ${(SEARCHES / ssecs).toFixed(0)} searches/s, p50 ${pct(slat, 50).toFixed(2)} ms, p99 ${pct(slat, 99).toFixed(2)} ms`,
  );
  for (const c of clients) await c.close();
  await site.stop();
}

await run('memory only', undefined);
const dir = mkdtempSync(join(tmpdir(), 'golive-site-bench-'));
try {
  await run('with data file', join(dir, 'site.db'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
