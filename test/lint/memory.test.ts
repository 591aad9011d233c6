/**
 * Streaming: memory does not grow with input size. A ~100 MB synthetic capture where every
 * message has a new MRN, order, observation and control id (the worst case for per-key state)
 * is linted from a temp file; once the bounded maps are full (limits.maxKeys), the live heap and
 * RSS stay flat.
 * Only memory is asserted, never time.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { lintInputs, parseLintConfig } from '../../src/lint/index.js';
import { NOW } from './helpers.js';

const SYL = [
  'ka',
  'lo',
  'mi',
  'ren',
  'sa',
  'tor',
  'vi',
  'del',
  'an',
  'be',
  'cho',
  'gu',
  'ha',
  'jin',
  'pe',
  'qua',
];
function name(n: number, parts: number): string {
  let s = '';
  for (let i = 0; i < parts; i++) {
    s += SYL[n % SYL.length];
    n = Math.floor(n / SYL.length);
  }
  return s.toUpperCase();
}

/** A birth date from 1930 to 2019, spread over every day. */
function dob(i: number): string {
  const d = new Date(Date.UTC(1930, 0, 1) + ((i * 7919) % 32_871) * 86_400_000);
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}

function message(i: number): string {
  const day = String(1 + (i % 28)).padStart(2, '0');
  return [
    `MSH|^~\\&|LAB|HOSP|EHR|HOSP|202602${day}100000+0000||ORU^R01^ORU_R01|C${i}|P|2.5.1`,
    `PID|1||${100000 + i}^^^HOSP^MR||${name(i, 5)}^${name(i * 7 + 3, 2)}||${dob(i)}|${i % 2 ? 'F' : 'M'}|||${i % 999} ${name(i * 13, 2)} ST^^CITY${i % 50}^^${10000 + (i % 90000)}`,
    `ORC|RE|P${i}|F${i}||CM`,
    `OBR|1|P${i}|F${i}|CHEM^Chemistry^L|||202602${day}090000+0000|||||||202602${day}091000+0000||||||||202602${day}095000+0000|||F`,
    `OBX|1|NM|2345-7^Glucose^LN||${(3 + (i % 60) / 10).toFixed(1)}|mmol/L|3.5-7.8|${i % 60 > 48 ? 'H' : 'N'}|||F|||202602${day}090000+0000`,
    `OBX|2|NM|2951-2^Sodium^LN||${130 + (i % 20)}|mmol/L|133-146|${130 + (i % 20) > 146 ? 'H' : 'N'}|||F|||202602${day}090000+0000`,
  ].join('\r');
}

const dir = mkdtempSync(join(tmpdir(), 'golive-lint-mem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function generate(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  let written = 0;
  let i = 0;
  while (written < bytes) {
    let chunk = '';
    for (let k = 0; k < 2000; k++) chunk += `${message(i++)}\n`;
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return i;
}

describe('streaming memory', () => {
  it(
    'lints ~100 MB with flat memory once the per-key maps are full',
    { timeout: 240_000 },
    async () => {
      const file = join(dir, 'big.hl7');
      const count = await generate(file, 100 * 1024 * 1024);
      const size = statSync(file).size;
      const config = parseLintConfig({ limits: { maxKeys: 20_000 } });
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const samples: { at: number; rss: number }[] = [];
      // Live heap (after a full collection) once the maps are full, and at the end.
      const live: number[] = [];
      const r = await lintInputs([file], {
        config,
        nowMs: NOW,
        onProgress: (p) => {
          const at = p.bytesRead / size;
          if (p.bytesRead % (8 << 20) < 1 << 20)
            samples.push({ at, rss: process.memoryUsage().rss });
          if ((live.length === 0 && at >= 1 / 3) || (live.length === 1 && at >= 1)) {
            gc();
            live.push(process.memoryUsage().heapUsed);
          }
        },
      });
      expect(r.summary.messages).toBe(count);
      expect(r.summary.evicted).toBeGreaterThan(0); // the bounds were reached
      // What is kept does not grow over the last two thirds of the input...
      expect(live).toHaveLength(2);
      expect((live[1]! - live[0]!) / 1048576).toBeLessThan(8);
      // ...and neither does RSS, beyond its wobble with garbage collection (a sawtooth as wide as
      // the young generation plus the old-generation garbage of evicted entries): compare the
      // peak over the last third with the peak over the middle third.
      const peak = (from: number, to: number) =>
        Math.max(...samples.filter((s) => s.at >= from && s.at < to).map((s) => s.rss));
      const middle = peak(1 / 3, 2 / 3);
      const last = peak(2 / 3, 2);
      expect((last - middle) / 1048576).toBeLessThan(64);
      console.log(
        `live heap MB ${live.map((h) => (h / 1048576).toFixed(1)).join(' -> ')}; peak RSS MB middle third ${(middle / 1048576).toFixed(0)}, last third ${(last / 1048576).toFixed(0)}`,
      );
      expect(r.findings.length).toBeLessThanOrEqual(r.summary.rules.length * 1000);
    },
  );
});
