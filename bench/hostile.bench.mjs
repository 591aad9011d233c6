// Hostile HL7 shapes (issue 16; docs/decisions/013-bounded-readers.md): `golive lint` of one
// 50 MB field, 50 MB of ~ and ^ in PID-3, 50 MB with no line end, 100 MB with no line end (over
// the 64 MiB message cap), and a PID-3 of 4 MB of repetitions, each beside a normal file of the
// same size: wall time of the whole command and its peak RSS, each in its own process. Then
// `golive hl7 inspect /dev/zero` (stops at the cap). Goal: each hostile shape within 2x the time
// of its normal file, peak RSS under 300 MB. Inputs are generated here, in a temp folder that
// is removed. GOLIVE_BENCH_HOSTILE_MB sets the large size (default 50); GOLIVE_BENCH_TIMEOUT_S
// stops a case that runs longer (default 900), reported as such.
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const MAIN = resolve(here, '../dist/cli/main.js');

if (process.argv[2] === '--child') {
  // Child: run the golive command given, then write its time and peak RSS (maxRSS is in KiB).
  const [, , , statsFile, ...args] = process.argv;
  const t0 = performance.now();
  process.on('exit', (code) => {
    writeFileSync(
      statsFile,
      JSON.stringify({
        code,
        seconds: (performance.now() - t0) / 1000,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
      }),
    );
  });
  process.argv = [process.argv[0], MAIN, ...args];
  await import(MAIN);
} else {
  await bench();
}

async function bench() {
  const MB = 1024 * 1024;
  const big = Number(process.env.GOLIVE_BENCH_HOSTILE_MB ?? 50) * MB;
  const timeoutS = Number(process.env.GOLIVE_BENCH_TIMEOUT_S ?? 900);
  const dir = mkdtempSync(join(tmpdir(), 'golive-hostile-bench-'));
  try {
    const header = (id, type = 'ORU^R01^ORU_R01') =>
      `MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||${type}|${id}|P|2.5.1`;
    // A normal message (about 900 bytes): header, patient, visit, order, five results in range.
    // 5,000 distinct patients who come back, as in real traffic.
    const family =
      'SMITH JONES PATEL NGUYEN GARCIA MUELLER ROSSI KOWALSKI OKAFOR TANAKA DUBOIS SILVA IVANOV HANSEN MURPHY'.split(
        ' ',
      );
    const given =
      'JANE JOHN AMIT MARIA CHEN OLU SARA LUKAS NINA PEDRO AIKO FATIMA IGOR ROSA KWAME'.split(' ');
    // Independent, scattered picks per patient (murmur3's finalizer), so patients differ.
    const h = (p, salt, n) => {
      let x = Math.imul(p, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b);
      x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
      x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
      return ((x ^ (x >>> 16)) >>> 0) % n;
    };
    const normal = (i) => {
      const p = i % 5000;
      const dob = `${1930 + h(p, 9, 80)}${String(1 + h(p, 10, 12)).padStart(2, '0')}${String(1 + h(p, 11, 28)).padStart(2, '0')}`;
      return [
        header(`N${i}`),
        `PID|1||MRN${p}^^^RGH^MR~NHS${p}^^^NHS^NH||${family[h(p, 1, 15)]}-${family[h(p, 2, 15)]}^${given[h(p, 5, 15)]}^${given[h(p, 3, 15)]}||${dob}|${p % 2 ? 'F' : 'M'}|||${p} ${family[h(p, 6, 15)]} ST^^${given[h(p, 7, 15)]}VILLE^^AB${h(p, 8, 90)} ${h(p, 12, 9)}CD`,
        `PV1|1|I|WARD${i % 7}^${i % 30}^A||||1234^SMITH^JOHN`,
        `OBR|1|P${i}|F${i}|58410-2^CBC panel^LN|||20260327120000+0100||||||||||||||20260327140000+0100|||F`,
        ...[1, 2, 3, 4, 5].map(
          (k) =>
            `OBX|${k}|NM|${718 + k}-7^Result ${k}^LN||${11 + ((i + k) % 48)}.5|g/L^g/L^UCUM|10-60|N|||F|||20260327130000+0100`,
        ),
      ].join('\r');
    };

    /** Write `parts()` (strings or buffers, lazily) to a file; returns its size. */
    async function write(file, parts) {
      const out = createWriteStream(file);
      for (const p of parts()) if (!out.write(p)) await new Promise((r) => out.once('drain', r));
      await new Promise((r) => out.end(r));
      return statSync(file).size;
    }
    function* normalFile(bytes) {
      let n = 0;
      for (let i = 0; n < bytes; i++) {
        const m = `${normal(i)}\n`;
        n += m.length;
        yield m;
      }
    }
    /** `bytes` bytes made of `unit` repeated, in 1 MiB pieces. */
    function* repeat(unit, bytes) {
      const piece = unit.repeat(Math.ceil(MB / unit.length));
      for (let n = 0; n < bytes; n += piece.length)
        yield piece.slice(0, Math.min(piece.length, bytes - n));
    }
    function* pid3Reps(bytes) {
      let n = 0;
      let s = '';
      for (let i = 0; n < bytes; i++) {
        const r = `${i ? '~' : ''}ID${i}^^^RGH^MR`;
        s += r;
        n += r.length;
        if (s.length > MB) {
          yield s;
          s = '';
        }
      }
      yield s;
    }
    const after = () => [1, 2, 3].map((i) => `${normal(i)}\n`);

    const cases = [
      [
        `one ${big / MB} MB field (OBX-5)`,
        'field.hl7',
        big,
        function* () {
          yield `${header('F1')}\rPID|1||MRN1^^^RGH^MR||DOE^JANE\rOBX|1|TX|NOTE^Note^L||`;
          yield* repeat('lorem ipsum dolor sit amet ', big);
          yield '|||||F\n';
          yield* after();
        },
      ],
      [
        `${big / MB} MB of ~ and ^ (PID-3)`,
        'delims.hl7',
        big,
        function* () {
          yield `${header('D1')}\rPID|1||`;
          yield* repeat('~^', big);
          yield '||DOE^JANE\n';
          yield* after();
        },
      ],
      [
        `${big / MB} MB with no line end`,
        'noeol.hl7',
        big,
        function* () {
          yield `${header('E1')}|`;
          yield* repeat('abcdefghij', big);
        },
      ],
      [
        `${(2 * big) / MB} MB with no line end (over the 64 MiB cap)`,
        'noeol-over-cap.hl7',
        2 * big,
        function* () {
          yield `${header('E2')}|`;
          yield* repeat('abcdefghij', 2 * big);
        },
      ],
      [
        '4 MB of repetitions in PID-3',
        'reps.hl7',
        4 * MB,
        function* () {
          yield `${header('R1', 'ADT^A01^ADT_A01')}\rEVN|A01|20260327143000+0100\rPID|1||`;
          yield* pid3Reps(4 * MB);
          yield '||DOE^JANE||19800101|F\n';
          yield* after();
        },
      ],
    ];

    const run = (args) => {
      const stats = join(dir, 'stats.json');
      rmSync(stats, { force: true });
      const t0 = performance.now();
      const r = spawnSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--child', stats, ...args],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
          encoding: 'utf8',
          timeout: timeoutS * 1000,
          killSignal: 'SIGKILL',
        },
      );
      const wall = (performance.now() - t0) / 1000;
      if (!existsSync(stats)) return { done: false, seconds: wall, stderr: r.stderr };
      return { done: true, ...JSON.parse(readFileSync(stats, 'utf8')), stderr: r.stderr };
    };
    const fmt = (r) =>
      r.done
        ? `${r.seconds.toFixed(1).padStart(6)} s ${r.maxRssMb.toFixed(0).padStart(5)} MB`
        : `  > ${timeoutS} s (stopped)`;

    const normals = new Map();
    console.log(
      `golive lint, each in its own process (time, peak RSS); normal file of the same size beside it`,
    );
    let worst = 0;
    let worstRss = 0;
    for (const [label, name, size, gen] of cases) {
      if (!normals.has(size)) {
        const f = join(dir, `normal-${size}.hl7`);
        await write(f, () => normalFile(size));
        normals.set(size, run(['lint', f, '--no-progress', '--now', '2026-11-27T00:00:00Z']));
      }
      const file = join(dir, name);
      await write(file, gen);
      const r = run(['lint', file, '--no-progress', '--now', '2026-11-27T00:00:00Z']);
      rmSync(file);
      const n = normals.get(size);
      const ratio = r.done ? r.seconds / n.seconds : Infinity;
      worst = Math.max(worst, ratio);
      if (r.done) worstRss = Math.max(worstRss, r.maxRssMb);
      console.log(
        `${label.padEnd(48)} ${fmt(r)}   normal ${fmt(n)}   ${r.done ? `${ratio.toFixed(2)}x` : ''}  (exit ${r.code ?? '-'})`,
      );
    }
    const z = run(['hl7', 'inspect', '/dev/zero']);
    console.log(
      `${'golive hl7 inspect /dev/zero'.padEnd(48)} ${fmt(z)}   exit ${z.code ?? '-'}: ${(z.stderr ?? '').split('\n')[0]}`,
    );
    console.log(
      `worst: ${worst.toFixed(2)}x the normal file's time (goal <= 2x), ${worstRss.toFixed(0)} MB peak RSS (goal < 300 MB)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
