/**
 * Hostile input for lint's field readers (issue 16, item 1; docs/decisions/013): reading a
 * field of many repetitions is bounded by the field (a PID-3 of 4 MB took 70 s when every
 * repetition's search ran on to the end of the field), and gives what a plain split gives.
 * The vitest timeout only guards against a quadratic regression; nothing here reads a clock.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Hl7Message, type Identifier } from '../../src/hl7/index.js';
import { FieldReader } from '../../src/lint/fast-fields.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintInputs, lintText } from '../../src/lint/index.js';

const MSH = 'MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||ADT^A01|C1|P|2.5.1';
const reader = new FieldReader(Hl7Message.parse(MSH));
const dec = (v: string | undefined) => (v ? reader.msg.unescape(v) || undefined : undefined);

/** CX as v2.5.1 2.A.14 reads it, by splitting: the reference for FieldReader.cx. */
function cxBySplit(raw: string): Identifier[] {
  const out: Identifier[] = [];
  for (const rep of raw.split('~')) {
    const comps = rep.split('^');
    const id = dec(comps[0]);
    if (!id) continue;
    const authority = comps.length >= 4 ? dec(comps[3]!.split('&')[0]) : undefined;
    const type = comps.length >= 5 ? dec(comps[4]) : undefined;
    out.push({ id, authority, type });
  }
  return out;
}

describe('FieldReader.cx', () => {
  it('property: same identifiers as splitting the field', () => {
    const part = fc.constantFrom('^', '~', '&', 'a', 'MRN1', 'RGH', 'MR', '\\S\\', '\\T\\', '');
    fc.assert(
      fc.property(fc.array(part, { maxLength: 50 }), (parts) => {
        const raw = parts.join('');
        expect(reader.cx(['PID', '1', '', raw], 3)).toEqual(cxBySplit(raw));
      }),
      { seed: 16, numRuns: 5000 },
    );
  });

  // About a second when linear; the search per repetition to the field's end took ~60 s here.
  it('reads 600,000 repetitions (12 MB) in one pass of the field', () => {
    const reps = Array.from({ length: 600_000 }, (_, i) => `ID${i}^^^RGH^MR`);
    const got = reader.cx(['PID', '1', '', reps.join('~')], 3);
    expect(got).toHaveLength(600_000);
    expect(got[599_999]).toEqual({ id: 'ID599999', authority: 'RGH', type: 'MR' });
  }, 30_000);

  it('reads 2,000,000 repetitions without components or sub-components', () => {
    const got = reader.cx(['PID', '1', '', 'a~'.repeat(2_000_000)], 3);
    expect(got).toHaveLength(2_000_000);
    expect(got[0]).toEqual({ id: 'a', authority: undefined, type: undefined });
  }, 30_000);
});

describe('lint of hostile messages', () => {
  it('lints a message whose PID-3 holds 4 MB of repetitions', () => {
    const pid3 = Array.from({ length: 200_000 }, (_, i) => `ID${i}^^^RGH^MR`).join('~');
    const r = lintText(
      `${MSH}\rEVN|A01|20260327143000+0100\rPID|1||${pid3}||DOE^JO||19800101|F\r`,
      {
        nowMs: Date.parse('2026-11-27T00:00:00Z'),
      },
    );
    expect(r.summary.messages).toBe(1);
    expect(r.summary.unparseable).toBe(0);
  }, 60_000);

  it('lints a message whose PID-3 is 8 MB of ~ and ^', () => {
    const r = lintText(`${MSH}\rPID|1||${'~^'.repeat(4 * 1024 * 1024)}||DOE^JO\r`, {
      nowMs: Date.parse('2026-11-27T00:00:00Z'),
    });
    expect(r.summary.messages).toBe(1);
  }, 60_000);
});

describe('lint of a message over the cap', () => {
  it('reports it with its offset and full length (even with no line end) and reads the next message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-lint-hostile-'));
    const file = join(dir, 'over.hl7');
    const big = `${MSH}\rOBX|1|TX|||${'w'.repeat(3 * 1024 * 1024)}`;
    const next = `${MSH.replace('|C1|', '|C2|')}\rPID|1||M1^^^RGH^MR||DOE^JO\r`;
    writeFileSync(file, `${big}\n${next}`);
    const r = await lintInputs([file], {
      nowMs: Date.parse('2026-11-27T00:00:00Z'),
      maxMessageBytes: 1024 * 1024,
    });
    const g = r.findings.filter((f) => f.rule === 'structure.garbage');
    expect(g).toHaveLength(1);
    expect(g[0]!.message).toContain(`${big.length} bytes at offset 0`);
    expect(g[0]!.message).toContain('message over the size limit');
    expect(g[0]!.location).toMatchObject({ file, offset: 0 });
    // The next message was read (one message: the oversized one is garbage, not a message).
    expect(r.summary.messages).toBe(1);
  });
});
