// HL7 v2 parse throughput on the simhospital corpus repeated to >= 100 MB, beside a bare split
// baseline measured in the same run. Single core (this process only).
import { readFileSync } from 'node:fs';
import { Hl7Message, MessageSplitter, decodeMessage } from '../dist/hl7/index.js';
import { corpusOrExit } from './corpora.mjs';

const corpus = corpusOrExit('hl7v2/simhospital/messages.hl7', 'HL7 parse throughput');
const base = readFileSync(corpus, 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('MSH'));
const target = 100 * 1024 * 1024;
const messages = [];
let bytes = 0;
while (bytes < target) {
  for (const m of base) {
    messages.push(m);
    bytes += Buffer.byteLength(m);
  }
}
const mb = bytes / 1024 / 1024;
console.log(
  `corpus: ${base.length} messages repeated to ${messages.length} messages, ${mb.toFixed(1)} MB`,
);

function time(label, fn, runs = 3) {
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    sink += fn();
    best = Math.min(best, performance.now() - t0);
  }
  const s = best / 1000;
  console.log(
    `${label.padEnd(44)} ${(mb / s).toFixed(1).padStart(7)} MB/s ${Math.round(messages.length / s)
      .toLocaleString('en-US')
      .padStart(10)} msg/s  (best of ${runs}, sink ${sink % 7})`,
  );
  return mb / s;
}

const bare = time('bare split (segments + fields)', () => {
  let n = 0;
  for (const m of messages) for (const seg of m.split('\r')) n += seg.split('|').length;
  return n;
});
const full = time('golive parse (every field reachable)', () => {
  let n = 0;
  for (const m of messages) n += Hl7Message.parse(m).segments.length;
  return n;
});
time('golive parse + 6 typed field reads', () => {
  let n = 0;
  for (const m of messages) {
    const msg = Hl7Message.parse(m);
    n +=
      (msg.get('MSH-10') ?? '').length +
      (msg.get('PID-3[1].1') ?? '').length +
      (msg.get('MSH-9.2') ?? '').length;
    n +=
      (msg.get('OBX-5') ?? '').length +
      (msg.get('OBX-6.1') ?? '').length +
      (msg.get('PID-5.1') ?? '').length;
  }
  return n;
});
const buf = Buffer.from(messages.join('\n'));
time(
  'bytes -> splitter -> decode -> parse',
  () => {
    let n = 0;
    const s = new MessageSplitter({
      onMessage: (raw) => (n += Hl7Message.parse(decodeMessage(raw.bytes).text).segments.length),
    });
    for (let i = 0; i < buf.length; i += 1 << 20) s.push(buf.subarray(i, i + (1 << 20)));
    s.end();
    return n;
  },
  2,
);
console.log(`full parse / bare split: ${(full / bare).toFixed(2)}x (goal >= 0.8x, >= 150 MB/s)`);
