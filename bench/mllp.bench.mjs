// MLLP round trips per second and ACK latency, golive client -> golive listener on loopback,
// beside a bare-socket ping-pong baseline measured in the same run.
import net from 'node:net';
import { MllpClient, startMllpListener } from '../dist/transports/mllp/index.js';

const N = 20000;
const msg = (i) =>
  `MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||ORU^R01|B${i}|P|2.5.1\rPID|1||MRN${i}^^^RGH^MR\rOBR|1|P${i}|F${i}|2345-7^Glucose^LN\rOBX|1|NM|2345-7^Glucose^LN||5.6|mmol/L|3.9-5.5|H|||F\r`;

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function baseline() {
  const server = net.createServer((s) => {
    s.setNoDelay(true);
    s.on('data', (d) => {
      // one reply per request chunk ending in FS CR
      for (let i = 0; i < d.length; i++) if (d[i] === 0x1c) s.write('\x0bACK\x1c\r');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const sock = net.connect(server.address().port, '127.0.0.1');
  sock.setNoDelay(true);
  await new Promise((r) => sock.once('connect', r));
  const payload = Buffer.from(`\x0b${msg(0)}\x1c\r`);
  let resolveOne;
  sock.on('data', () => resolveOne());
  const lat = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await new Promise((r) => {
      resolveOne = r;
      sock.write(payload);
    });
    lat.push(performance.now() - s);
  }
  const secs = (performance.now() - t0) / 1000;
  sock.destroy();
  server.close();
  lat.sort((a, b) => a - b);
  return { rate: N / secs, p50: pct(lat, 50), p99: pct(lat, 99) };
}

async function golive(inFlight) {
  const l = await startMllpListener({ port: 0 });
  const c = new MllpClient({ host: '127.0.0.1', port: l.address.port });
  await c.connect();
  const lat = [];
  let next = 0;
  let ok = 0;
  const t0 = performance.now();
  async function worker() {
    while (next < N) {
      const i = next++;
      const r = await c.send(msg(i));
      if (r.status === 'acked' && r.ackCode === 'AA') ok++;
      lat.push(r.rttMs);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  const secs = (performance.now() - t0) / 1000;
  await c.close();
  await l.close(100);
  lat.sort((a, b) => a - b);
  return { rate: N / secs, p50: pct(lat, 50), p99: pct(lat, 99), ok };
}

const fmt = (r) =>
  `${Math.round(r.rate).toLocaleString('en-US').padStart(7)} round trips/s  p50 ${r.p50.toFixed(3)} ms  p99 ${r.p99.toFixed(3)} ms`;
const b = await baseline();
console.log(`bare socket ping-pong, 1 connection:        ${fmt(b)}`);
const g1 = await golive(1);
console.log(`golive client -> listener, one at a time:    ${fmt(g1)}  (${g1.ok}/${N} AA)`);
const g8 = await golive(8);
console.log(`golive client -> listener, 8 in flight:      ${fmt(g8)}  (${g8.ok}/${N} AA)`);
console.log(`one at a time vs baseline: ${(g1.rate / b.rate).toFixed(2)}x (goal >= 0.6x)`);
