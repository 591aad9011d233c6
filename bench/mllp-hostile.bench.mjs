// MLLP listener RSS under hostile peers (issue 16; docs/decisions/013-bounded-readers.md), the
// listener in its own process (default options), the peers in this one:
// 1. a peer sends 39 MB of tiny frames and never reads its ACKs: the listener's peak RSS over
//    its idle RSS while the peer does not read, then every frame acknowledged once it reads;
// 2. 20 connections each send 15 MB of one frame and never end it (partial frames);
// 3. 300 connections at once (the cap is 256 by default).
// Goal: the listener's RSS bounded (tens of MB over idle, not hundreds), nothing lost.
import net from 'node:net';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '../dist/transports/mllp/index.js');

if (process.argv[2] === '--listener') {
  // Child: the listener; answers 'stats' with its RSS, peak RSS and counters.
  const { startMllpListener } = await import(dist);
  const l = await startMllpListener({ port: 0 });
  const events = {};
  l.on('event', (e) => (events[e.type] = (events[e.type] ?? 0) + 1));
  process.on('message', (m) => {
    if (m === 'stats') {
      globalThis.gc?.();
      process.send({
        rssMb: process.memoryUsage.rss() / 1048576,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
        connections: l.connections,
        counters: l.counters,
        partialBytes: l.partialBytes,
        paused: l.connectionStats?.().filter((c) => c.paused).length,
        events,
      });
    }
    if (m === 'stop') l.close(100).then(() => process.exit(0));
  });
  process.send({ port: l.address.port });
} else {
  await bench();
}

async function bench() {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  async function start() {
    const child = fork(fileURLToPath(import.meta.url), ['--listener'], {
      execArgv: ['--expose-gc'],
    });
    const port = await new Promise((r) => child.once('message', (m) => r(m.port)));
    const stats = () =>
      new Promise((r) => {
        child.once('message', r);
        child.send('stats');
      });
    const stop = () =>
      new Promise((r) => {
        child.once('exit', r);
        child.send('stop');
      });
    return { port, stats, stop, idle: await stats() };
  }
  const connect = (port) =>
    new Promise((r, j) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => r(s)).once('error', j);
    });
  /**
   * Write `data` in 64 KiB pieces as the socket takes them (its own back-pressure), counting
   * what the kernel accepted; resolves once nothing more is accepted for a second (the listener
   * stopped reading) or all of it was. Returns the bytes accepted.
   */
  async function feed(sock, data) {
    let accepted = 0;
    let pos = 0;
    const pump = () => {
      while (pos < data.length) {
        const piece = data.subarray(pos, pos + 65536);
        pos += piece.length;
        if (!sock.write(piece, () => (accepted += piece.length))) return;
      }
    };
    sock.on('drain', pump);
    pump();
    let last = -1;
    for (let same = 0; same < 10 && accepted < data.length;) {
      await sleep(100);
      same = accepted === last ? same + 1 : 0;
      last = accepted;
    }
    return {
      accepted,
      rest: () =>
        new Promise((r) => (accepted >= data.length ? r() : sock.once('drain', () => r()))),
    };
  }
  const mb = (n) => (n / 1048576).toFixed(1);

  // 1. Never-reading peer, tiny frames.
  {
    const l = await start();
    const peer = await connect(l.port);
    peer.pause();
    const frames = [];
    let bytes = 0;
    for (let i = 0; bytes < 39 * 1048576; i++) {
      const f = Buffer.from(`\x0bMSH|^~\\&|A|B|C|D|20260101||ADT^A01|T${i}|P|2.5.1\x1c\r`);
      frames.push(f);
      bytes += f.length;
    }
    const t0 = performance.now();
    const fed = await feed(peer, Buffer.concat(frames));
    const held = await l.stats();
    let acks = 0;
    peer.on('data', (d) => {
      for (let i = 0; i < d.length; i++) if (d[i] === 0x1c) acks++;
    });
    peer.resume();
    while (acks < frames.length) await sleep(20);
    const secs = (performance.now() - t0) / 1000;
    const end = await l.stats();
    console.log(
      `never-reading peer: ${frames.length} frames (${mb(bytes)} MB); while it did not read, the listener took ${mb(fed.accepted)} MB (${held.paused ?? 'no'} connection paused)`,
    );
    console.log(
      `  listener RSS: idle ${l.idle.rssMb.toFixed(0)} MB, peak while the peer did not read ${held.maxRssMb.toFixed(0)} MB (+${(held.maxRssMb - l.idle.rssMb).toFixed(0)} MB); once it read: ${acks}/${frames.length} ACKs, peak ${end.maxRssMb.toFixed(0)} MB (${secs.toFixed(1)} s in all)`,
    );
    peer.destroy();
    await l.stop();
  }

  // 2. 20 connections x 15 MB of one frame that never ends.
  {
    const l = await start();
    const socks = await Promise.all(Array.from({ length: 20 }, () => connect(l.port)));
    const body = Buffer.alloc(15 * 1048576, 0x41);
    body[0] = 0x0b;
    await Promise.all(socks.map((s) => feed(s, body)));
    const st = await l.stats();
    console.log(
      `20 connections x 15 MB partial frames: listener holds ${mb(st.partialBytes ?? 0)} MB of them (budget 64 MiB); RSS idle ${l.idle.rssMb.toFixed(0)} MB, peak ${st.maxRssMb.toFixed(0)} MB (+${(st.maxRssMb - l.idle.rssMb).toFixed(0)} MB); budget events ${st.events.budget ?? 0}`,
    );
    for (const s of socks) s.destroy();
    await l.stop();
  }

  // 3. 300 connections at once.
  {
    const l = await start();
    const socks = await Promise.all(
      Array.from({ length: 300 }, () => connect(l.port).catch(() => undefined)),
    );
    await sleep(500);
    const st = await l.stats();
    console.log(
      `300 connections: ${st.connections} open, ${st.counters?.refused ?? 0} refused (maxConnections 256); RSS ${st.rssMb.toFixed(0)} MB`,
    );
    for (const s of socks) s?.destroy();
    await l.stop();
  }
}
