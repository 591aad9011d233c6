/**
 * Hl7Message.parse makes one string per field, so it caps fields per segment and per message
 * (docs/decisions/013-bounded-readers.md): a pathological segment of millions of empty fields
 * is an E_HL7_PARSE error with its location, found without splitting it, and memory stays
 * bounded. Memory is read from process.memoryUsage() with a wide margin (before the caps, the
 * 20 million fields below took 160 MB of array slots alone), never from a clock.
 */
import { describe, expect, it } from 'vitest';
import { isUserError, type UserError } from '../../src/core/errors.js';
import { Hl7Message, MAX_MESSAGE_FIELDS, MAX_SEGMENT_FIELDS } from '../../src/hl7/index.js';
import { lintText } from '../../src/lint/engine.js';

const MSH = 'MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||ORU^R01|C1|P|2.5.1';
const MB = 1024 * 1024;

function parseError(text: string, limits?: Parameters<typeof Hl7Message.parse>[1]): UserError {
  try {
    Hl7Message.parse(text, limits);
  } catch (e) {
    if (isUserError(e)) return e;
    throw e;
  }
  throw new Error('parsed');
}

/** Heap growth while `f` runs, with what it returns (or throws) still referenced. */
function heapGrowth(text: string, f: () => unknown): { bytes: number; kept: unknown } {
  text.indexOf('\u0001'); // a built string is flattened now, not inside f
  const before = process.memoryUsage().heapUsed;
  let kept: unknown;
  try {
    kept = f();
  } catch (e) {
    kept = e;
  }
  return { bytes: process.memoryUsage().heapUsed - before, kept };
}

describe('parse bounds', () => {
  it('a segment of 20 million empty fields is refused with its location, memory bounded', () => {
    const text = `${MSH}\rPID|1\rZZZ${'|'.repeat(20_000_000)}\r`;
    const { bytes, kept } = heapGrowth(text, () => Hl7Message.parse(text));
    expect(isUserError(kept)).toBe(true);
    const e = kept as UserError;
    expect(e.code).toBe('E_HL7_PARSE');
    expect(e.message).toBe(`segment 3 ("ZZZ") has more than ${MAX_SEGMENT_FIELDS} fields`);
    expect(e.location).toEqual({ offset: MSH.length + 7, path: 'ZZZ' });
    expect(e.hint).toMatch(/field separator/);
    expect(bytes).toBeLessThan(32 * MB);
  });

  it('many segments under the segment cap are refused past the message cap, memory bounded', () => {
    const seg = `ZZZ${'|'.repeat(MAX_SEGMENT_FIELDS - 1)}`;
    const text = [MSH, ...Array.from({ length: 2000 }, () => seg)].join('\r');
    const { bytes, kept } = heapGrowth(text, () => Hl7Message.parse(text));
    const e = kept as UserError;
    expect(e.code).toBe('E_HL7_PARSE');
    expect(e.message).toMatch(
      new RegExp(
        `^message has more than ${MAX_MESSAGE_FIELDS} fields \\(segment \\d+ passes it\\)$`,
      ),
    );
    expect(e.location?.path).toBe('ZZZ');
    // 20 million fields asked for; at most the cap's worth (8 MB of slots) is ever made.
    expect(bytes).toBeLessThan(80 * MB);
  });

  it('a segment at the cap parses, one more field is refused; mixed terminators too', () => {
    const at = `ZZZ${'|'.repeat(MAX_SEGMENT_FIELDS - 1)}`;
    const m = Hl7Message.parse(`${MSH}\r${at}\r`);
    expect(m.segment('ZZZ')!.fields).toHaveLength(MAX_SEGMENT_FIELDS);
    expect(m.toString()).toBe(`${MSH}\r${at}\r`);
    expect(parseError(`${MSH}\r${at}|\r`).message).toMatch(/segment 2 \("ZZZ"\) has more than/);
    // CR and LF mixed take the other path through the text: same caps, same offsets.
    const mixed = parseError(`${MSH}\r\nPID|1\n${at}|\r`);
    expect(mixed.location).toEqual({ offset: MSH.length + 8, path: 'ZZZ' });
    // After a BOM the offset counts it.
    expect(parseError(`\uFEFF${MSH}\r${at}|`).location).toEqual({
      offset: MSH.length + 2,
      path: 'ZZZ',
    });
  });

  it('limits can be set per call', () => {
    const text = `${MSH}\rPID|1|2|3\rOBX|1|2\r`;
    expect(Hl7Message.parse(text).segments).toHaveLength(3);
    expect(parseError(text, { maxSegmentFields: 3 }).message).toBe(
      'segment 1 ("MSH") has more than 3 fields',
    );
    // 12 + 4 + 3 fields.
    expect(parseError(text, { maxFields: 18 }).message).toBe(
      'message has more than 18 fields (segment 3 passes it)',
    );
    expect(Hl7Message.parse(text, { maxFields: 19 }).segments).toHaveLength(3);
  });

  it('lint reports such a message as unparseable and reads the next one', () => {
    const text = `${MSH}\rZZZ${'|'.repeat(200_000)}\n${MSH.replace('C1', 'C2')}\rPID|1\n`;
    const r = lintText(text, { nowMs: Date.UTC(2026, 2, 28) });
    expect(r.summary.messages).toBe(2);
    expect(r.summary.unparseable).toBe(1);
    expect(r.summary.byRule['structure.unparseable']).toBe(1);
  });
});
