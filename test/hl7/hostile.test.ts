/**
 * Hostile input for the HL7 readers (issue 16, items 1 and 5; docs/decisions/013): the splitter
 * gives the same messages however its input is chunked, holds no more than the cap mid-line,
 * does work linear in its input (checked on its own counters, never on a clock; the vitest
 * timeout only guards against a quadratic regression running for minutes), and the parser
 * never throws anything but a UserError. Fixed seeds, bounded runs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Hl7Message,
  MessageSplitter,
  decodeMessage,
  type Garbage,
  type RawMessage,
} from '../../src/hl7/index.js';

const enc = (s: string) => Buffer.from(s, 'latin1');
const CHUNK = 64 * 1024;

/** Every event of a splitter, in order, as comparable text. */
function events(chunks: Uint8Array[], maxMessageBytes?: number): string[] {
  const out: string[] = [];
  const s = new MessageSplitter({
    maxMessageBytes,
    onMessage: (m) =>
      out.push(`M#${m.index}@${m.offset} ${Buffer.from(m.bytes).toString('latin1')}`),
    onGarbage: (g) => out.push(`G@${g.offset}+${g.length} ${g.reason} ${g.preview}`),
  });
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

function cut(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let p = 0;
  for (const n of sizes) {
    if (p >= bytes.length) break;
    // Copies: the splitter must not keep a view of a chunk its caller may reuse.
    chunks.push(bytes.slice(p, p + n));
    p += n;
  }
  if (p < bytes.length) chunks.push(bytes.slice(p));
  return chunks;
}

/** Streams made of the pieces the splitter cares about: headers, segments, every line end. */
const PIECES = [
  'MSH|^~\\&|LAB|RGH|||20260101||ORU^R01|C1|P|2.5.1',
  'MSH#^~\\&#B',
  'PID|1||M1^^^RGH^MR~M2',
  'OBX|1|ST|||x',
  'PID#2',
  'FHS|^~\\&',
  'BHS|^~\\&',
  'BTS|1',
  'FTS|1',
  'ZZ',
  'M',
  'MS',
  'MSH',
  'junk here',
  'x'.repeat(45),
  '~^~^&',
  '\r',
  '\n',
  '\r\n',
  '\x0b',
  '\x1c\r',
  '\x1c',
  ' ',
  '\t',
  '\x00',
  '\xef\xbb\xbf',
  '\xef\xbb',
];
const stream = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((a) => enc(a.join('')));
const cuts = fc.array(fc.integer({ min: 1, max: 24 }), { maxLength: 40 });

describe('splitter: chunking does not matter', () => {
  it('property: any chunking gives the same messages and garbage as one push, with or without a cap', () => {
    fc.assert(
      fc.property(
        stream,
        cuts,
        fc.option(fc.integer({ min: 4, max: 200 })),
        (bytes, sizes, cap) => {
          const max = cap ?? undefined;
          expect(events(cut(bytes, sizes), max)).toEqual(events([bytes], max));
        },
      ),
      { seed: 16, numRuns: 3000 },
    );
  });

  it('property: MLLP-framed, newline and CR files of built messages split back to the messages', () => {
    const field = fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n\x0b\x1c|^~\\&]/g, '.'));
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom('\n', '\r\n', 'mllp'),
        cuts,
        (msgs, layout, sizes) => {
          const texts = msgs.map(
            (fields, i) =>
              `MSH|^~\\&|A|B|||20260101||ADT^A01|ID${i}|P|2.5.1\rPID|1||${fields.join('|')}\r`,
          );
          const wire =
            layout === 'mllp' ? texts.map((t) => `\x0b${t}\x1c\r`).join('') : texts.join(layout);
          const got: RawMessage[] = [];
          const s = new MessageSplitter({ onMessage: (m) => got.push(m) });
          for (const c of cut(Buffer.from(wire, 'utf8'), sizes)) s.push(c);
          s.end();
          expect(got.map((m) => Buffer.from(m.bytes).toString('utf8'))).toEqual(texts);
        },
      ),
      { seed: 17, numRuns: 500 },
    );
  });
});

describe('splitter: the cap applies mid-line', () => {
  it('property: an unterminated line over the cap is never held past the cap, is reported whole, and the next message is read', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 4096 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 1, max: 3000 }),
        (cap, extra, chunk) => {
          const head = 'MSH|^~\\&|A|B|||20260101||ORU^R01|BIG|P|2.5.1\rOBX|1|TX|||';
          const big = head + 'y'.repeat(cap + extra);
          const wire = enc(`${big}\nMSH|^~\\&|A|B|||20260101||ORU^R01|NEXT|P|2.5.1\r`);
          const messages: RawMessage[] = [];
          const garbage: Garbage[] = [];
          const s = new MessageSplitter({
            maxMessageBytes: cap,
            onMessage: (m) => messages.push(m),
            onGarbage: (g) => garbage.push(g),
          });
          for (let p = 0; p < wire.length; p += chunk) {
            s.push(wire.slice(p, p + chunk));
            // Held: the open message (within the cap plus its line end) and 43 bytes of head.
            expect(s.bufferedBytes).toBeLessThanOrEqual(cap + 1 + 43);
          }
          s.end();
          expect(garbage).toEqual([
            {
              offset: 0,
              length: big.length,
              preview: head.slice(0, 40),
              reason: 'oversized',
            },
          ]);
          expect(messages).toHaveLength(1);
          expect(messages[0]!.offset).toBe(big.length + 1);
        },
      ),
      { seed: 18, numRuns: 200 },
    );
  });

  it('holds at most the cap of an 8 MiB line with no line end, then resyncs at the next message', () => {
    const cap = 1024 * 1024;
    const garbage: Garbage[] = [];
    const messages: RawMessage[] = [];
    const s = new MessageSplitter({
      maxMessageBytes: cap,
      onMessage: (m) => messages.push(m),
      onGarbage: (g) => garbage.push(g),
    });
    const header = enc('MSH|^~\\&|A|B|||20260101||ORU^R01|BIG|P|2.5.1\rOBX|1|TX|||');
    s.push(header);
    const body = Buffer.alloc(CHUNK, 'z');
    let peak = 0;
    for (let i = 0; i < 128; i++) {
      s.push(body);
      peak = Math.max(peak, s.bufferedBytes);
    }
    // Before the line ends, the bytes read with no message so far are known (a reader of a
    // stream that never ends stops on this).
    expect(s.bytesWithoutMessage).toBe(header.length + 128 * CHUNK);
    s.push(enc('\r\nMSH|^~\\&|A|B|||20260101||ADT^A01|OK|P|2.5.1\r'));
    s.end();
    expect(peak).toBeLessThanOrEqual(cap + 1 + 43);
    expect(garbage).toHaveLength(1);
    expect(garbage[0]).toMatchObject({
      offset: 0,
      length: header.length + 128 * CHUNK,
      reason: 'oversized',
    });
    expect(messages.map((m) => Buffer.from(m.bytes).toString('latin1'))).toEqual([
      'MSH|^~\\&|A|B|||20260101||ADT^A01|OK|P|2.5.1\r',
    ]);
    expect(s.bytesWithoutMessage).toBe(0);
  });

  it('reports a blank run (NULs) longer than the cap as non-segment bytes instead of skipping it', () => {
    const garbage: Garbage[] = [];
    const s = new MessageSplitter({
      maxMessageBytes: 1000,
      onMessage: () => {},
      onGarbage: (g) => garbage.push(g),
    });
    for (let i = 0; i < 10; i++) s.push(new Uint8Array(300));
    s.push(enc('\n   \nMSH|^~\\&|A\r'));
    s.end();
    expect(garbage).toEqual([
      { offset: 0, length: 3000, preview: '\\x00'.repeat(40), reason: 'not-a-segment' },
    ]);
  });
});

describe('splitter: work is linear in the input', () => {
  // Each case would take minutes with a rescan of the carried line per 64 KiB chunk (the
  // defect: 211 s for 50 MB); the counters say how much work was done, whatever the clock.
  const cases: [string, (n: number) => string][] = [
    ['one 32 MB field', (n) => `OBX|1|TX|||${'x'.repeat(n)}\r`],
    ['32 MB of ~ and ^', (n) => `PID|1||${'~^'.repeat(n / 2)}\r`],
    ['32 MB with no line end', (n) => `OBX|1|TX|||${'q'.repeat(n)}`],
  ];
  for (const [name, body] of cases) {
    it(`${name}: each byte scanned a bounded number of times, copied at most three times`, () => {
      const n = 32 * 1024 * 1024;
      const wire = enc(`MSH|^~\\&|A|B|||20260101||ORU^R01|C1|P|2.5.1\r${body(n)}`);
      let got = 0;
      const s = new MessageSplitter({ onMessage: (m) => (got += m.bytes.length) });
      for (let p = 0; p < wire.length; p += CHUNK) s.push(wire.subarray(p, p + CHUNK));
      s.end();
      expect(got).toBeGreaterThan(n);
      // Four line-end searches (CR, LF, VT, FS) and the blank check: at most 5 per byte.
      expect(s.stats.scanned).toBeLessThanOrEqual(5 * wire.length);
      // Into the held buffer (growing by doubling: at most as much again) and out once.
      expect(s.stats.copied).toBeLessThanOrEqual(3 * wire.length + 64);
    }, 60_000);
  }

  it('100k normal messages in small chunks: work per byte stays bounded', () => {
    const one = 'MSH|^~\\&|A|B|||20260101||ADT^A01|C1|P|2.5.1\rPID|1||M1^^^R^MR||DOE^JO\r\n';
    const wire = enc(one.repeat(100_000));
    let count = 0;
    const s = new MessageSplitter({ onMessage: () => count++ });
    for (let p = 0; p < wire.length; p += 777) s.push(wire.subarray(p, p + 777));
    s.end();
    expect(count).toBe(100_000);
    expect(s.stats.scanned).toBeLessThanOrEqual(5 * wire.length);
    expect(s.stats.copied).toBeLessThanOrEqual(3 * wire.length);
  });
});

describe('parser: hostile text', () => {
  it('property: parsing any bytes throws nothing but a UserError, and what parses round-trips', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .array(
          fc.constantFrom(
            '|',
            '^',
            '~',
            '\\',
            '&',
            '\r',
            '\n',
            'A',
            'PID',
            'OBX',
            '\\E\\',
            '\uFEFF',
            'é',
          ),
          {
            maxLength: 60,
          },
        )
        .map((a) => `MSH${a.join('')}`),
      fc.uint8Array({ maxLength: 300 }).map((b) => decodeMessage(b).text),
    );
    fc.assert(
      fc.property(text, (t) => {
        let msg: Hl7Message;
        try {
          msg = Hl7Message.parse(t);
        } catch (e) {
          expect((e as Error).name).toBe('UserError');
          expect((e as { code?: string }).code).toBe('E_HL7_PARSE');
          return;
        }
        expect(msg.toString()).toBe(t);
        for (const p of ['MSH-10', 'PID-3[2].1', 'OBX[2]-5.1.1']) {
          try {
            msg.get(p);
          } catch (e) {
            expect((e as Error).name).toBe('UserError');
          }
        }
      }),
      { seed: 19, numRuns: 3000 },
    );
  });
});
