import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_DELIMITERS,
  Hl7Message,
  MessageSplitter,
  buildAck,
  escapeValue,
  parseAck,
  parseDtm,
  parsePath,
  unescapeValue,
  dtmToFhir,
  formatDtm,
  decodeMessage,
  encodeMessage,
  type RawMessage,
} from '../../src/hl7/index.js';

const ORU = [
  'MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||ORU^R01^ORU_R01|C123|P|2.5.1|||AL|NE||UNICODE UTF-8',
  'PID|1||MRN001^^^RGH^MR~NHS9^^^NHS^NH||Doe^Jane||19800101|F',
  'OBR|1|P1|F1|2345-7^Glucose^LN|||20260327120000+0100',
  'OBX|1|NM|2345-7^Glucose^LN||5.6|mmol/L^mmol/L^UCUM|3.9-5.5|H|||F|||20260327130000+0100',
  'OBX|2|ST|NOTE^Note^L||a \\F\\ b \\E\\ c \\H\\bold\\N\\||||||F',
].join('\r');

describe('field paths', () => {
  const msg = Hl7Message.parse(ORU);
  it('reads MSH-1, MSH-2 and typed components', () => {
    expect(msg.get('MSH-1')).toBe('|');
    expect(msg.get('MSH-2')).toBe('^~\\&');
    expect(msg.get('MSH-9.2')).toBe('R01');
    expect(msg.get('MSH-10')).toBe('C123');
  });
  it('reads repetitions, occurrences and components', () => {
    expect(msg.get('PID-3[2].1')).toBe('NHS9');
    expect(msg.get('PID-3[2].4')).toBe('NHS');
    expect(msg.get('OBX[2]-5')).toBe('a | b \\ c \\H\\bold\\N\\');
    expect(msg.get('OBX[1]-6.3')).toBe('UCUM');
    expect(msg.get('OBX[3]-5')).toBeUndefined();
    expect(msg.get('PID-3[3].1')).toBeUndefined();
    expect(msg.get('PID-5.7')).toBeUndefined();
  });
  it('sets values with escaping and padding', () => {
    const m = Hl7Message.parse(ORU);
    m.set('OBX[1]-5', 'A|B^C');
    expect(m.getRaw('OBX[1]-5')).toBe('A\\F\\B\\S\\C');
    expect(m.get('OBX[1]-5')).toBe('A|B^C');
    m.set('PID-3[3].4', 'X&Y');
    expect(m.get('PID-3[3].4')).toBe('X&Y');
    expect(m.get('PID-3[2].1')).toBe('NHS9');
    m.set('ZZZ-3.2.2', 'deep');
    expect(m.get('ZZZ-3.2.2')).toBe('deep');
    expect(m.toString()).toContain('\rZZZ|||^&deep\r');
    expect(Hl7Message.parse(m.toString()).get('OBX[1]-5')).toBe('A|B^C');
  });
  it('refuses to set the delimiter fields and rejects bad paths', () => {
    const m = Hl7Message.parse(ORU);
    expect(() => m.set('MSH-2', 'x')).toThrow(/delimiters/);
    expect(() => parsePath('PID3')).toThrow(/not a field path/);
    expect(() => parsePath('PID-3[0]')).toThrow(/1 or more/);
  });
  it('keeps trailing empty fields and separators', () => {
    const text = 'MSH|^~\\&|A|B|||||ADT^A01|1|P|2.5\r\nPID|1||X|||||||\r\n';
    expect(Hl7Message.parse(text).toString()).toBe(text);
    const lf = 'MSH|^~\\&|A\nPID|1\n\nOBX|1';
    expect(Hl7Message.parse(lf).toString()).toBe(lf);
  });
  it('rejects messages with no usable header', () => {
    expect(() => Hl7Message.parse('PID|1')).toThrow(/MSH/);
    expect(() => Hl7Message.parse('MSH|^^\\&|')).toThrow(/MSH-2/);
    expect(() => Hl7Message.parse('')).toThrow(/MSH/);
  });
});

describe('escapes', () => {
  it('decode hex as UTF-8 and keep formatting escapes', () => {
    expect(unescapeValue('\\XC3A9\\t\\.br\\x', DEFAULT_DELIMITERS)).toBe('ét\\.br\\x');
    expect(unescapeValue('a\\Zfoo\\b', DEFAULT_DELIMITERS)).toBe('a\\Zfoo\\b');
    expect(unescapeValue('dangling \\F', DEFAULT_DELIMITERS)).toBe('dangling \\F');
  });
  it('round-trip any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(unescapeValue(escapeValue(s, DEFAULT_DELIMITERS), DEFAULT_DELIMITERS)).toBe(s);
      }),
    );
  });
});

describe('DTM', () => {
  it('keeps precision and offset', () => {
    const d = parseDtm('20260329013000+0100');
    expect(d).toMatchObject({ valid: true, precision: 'second', hasZone: true, offsetMinutes: 60 });
    expect(d.instant).toBe('2026-03-29T00:30:00.000Z');
    expect(dtmToFhir(d)).toBe('2026-03-29T01:30:00+01:00');
    expect(parseDtm('20260329123000.1234-0500')).toMatchObject({
      precision: 'fraction',
      offsetMinutes: -300,
    });
  });
  it('flags a time with no zone', () => {
    const d = parseDtm('20260329013000');
    expect(d.hasZone).toBe(false);
    expect(d.instant).toBeUndefined();
    expect(dtmToFhir(d)).toBeUndefined();
    expect(dtmToFhir(parseDtm('19800101'))).toBe('1980-01-01');
  });
  it('rejects impossible values', () => {
    expect(parseDtm('20260230').valid).toBe(false);
    expect(parseDtm('2026-03-01').valid).toBe(false);
    expect(parseDtm('20260301250000').valid).toBe(false);
  });
  it('formats instants with offsets', () => {
    expect(formatDtm(Date.parse('2026-03-29T00:30:00Z'), 60)).toBe('20260329013000+0100');
    expect(formatDtm(Date.parse('2026-03-29T00:30:00Z'), -300)).toBe('20260328193000-0500');
  });
});

describe('ACK', () => {
  const msg = Hl7Message.parse(ORU);
  it('original mode AA echoes MSH-10 in MSA-2 and swaps sender/receiver', () => {
    const ack = buildAck(msg, { code: 'AA', controlId: 'A1', timestamp: '20260327143001+0100' });
    expect(ack.get('MSH-3')).toBe('EHR');
    expect(ack.get('MSH-5')).toBe('LAB');
    expect(ack.get('MSH-9.1')).toBe('ACK');
    expect(ack.get('MSH-9.2')).toBe('R01');
    expect(ack.get('MSH-10')).toBe('A1');
    expect(ack.get('MSH-12')).toBe('2.5.1');
    expect(parseAck(ack)).toMatchObject({ code: 'AA', ackedControlId: 'C123', valid: true });
  });
  it('AE carries an ERR segment with location, code and message', () => {
    const ack = buildAck(msg, {
      code: 'AE',
      controlId: 'A2',
      timestamp: '20260327143001+0100',
      errors: [{ location: 'OBR[1]-2', code: '204', message: 'unknown order P1 | check' }],
    });
    expect(ack.get('ERR-2.1')).toBe('OBR');
    expect(ack.get('ERR-2.3')).toBe('2');
    expect(ack.get('ERR-3.1')).toBe('204');
    expect(ack.get('ERR-3.3')).toBe('HL70357');
    const parsed = parseAck(ack);
    expect(parsed.code).toBe('AE');
    expect(parsed.errors[0]).toMatchObject({
      location: 'OBR-2',
      code: '204',
      message: 'unknown order P1 | check',
    });
  });
  it('a message with no MSA is not a valid ACK', () => {
    expect(parseAck(msg).valid).toBe(false);
  });
});

describe('charset', () => {
  it('decodes by MSH-18 and never silently replaces', () => {
    const latin = new Uint8Array([
      ...new TextEncoder().encode('MSH|^~\\&|||||||ADT^A01|1|P|2.5||||||8859/1\rPID|1||1||M'),
      0xfc,
      0x6c,
    ]);
    expect(decodeMessage(latin).text.endsWith('Mül')).toBe(true);
    const bad = new Uint8Array([
      ...new TextEncoder().encode('MSH|^~\\&|||||||ADT^A01|1|P|2.5||||||UNICODE UTF-8\rPID|'),
      0xff,
    ]);
    const d = decodeMessage(bad);
    expect(d.problem).toMatch(/not valid UTF-8/);
    expect(d.text.endsWith('\u00ff')).toBe(true);
    const text = 'MSH|^~\\&|||||||ADT^A01|1|P|2.5||||||8859/1\rPID|1||1||Müller';
    expect(decodeMessage(encodeMessage(text)).text).toBe(text);
  });
});

function splitAll(chunks: Uint8Array[]) {
  const messages: RawMessage[] = [];
  const garbage: { offset: number; preview: string }[] = [];
  const s = new MessageSplitter({
    onMessage: (m) => messages.push(m),
    onGarbage: (g) => garbage.push(g),
  });
  for (const c of chunks) s.push(c);
  s.end();
  return { messages, garbage };
}
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('splitter', () => {
  it('handles MLLP frames, newline files, batches and garbage with offsets', () => {
    const input =
      'junk line\n' +
      '\x0bMSH|^~\\&|A|||||||1\rPID|1\r\x1c\r' +
      'FHS|^~\\&\nBHS|^~\\&\nMSH|^~\\&|B\nOBX|1\nBTS|1\nFTS|1\n' +
      '\x00\x00 garbage here\nMSH|^~\\&|C';
    const { messages, garbage } = splitAll([enc(input)]);
    expect(messages.map((m) => dec(m.bytes))).toEqual([
      'MSH|^~\\&|A|||||||1\rPID|1\r',
      'MSH|^~\\&|B\rOBX|1\r',
      'MSH|^~\\&|C\r',
    ]);
    expect(messages.map((m) => m.index)).toEqual([1, 2, 3]);
    expect(messages[0]!.offset).toBe(11);
    expect(garbage.map((g) => g.offset)).toEqual([0, input.indexOf('\x00\x00')]);
  });
  it('caps oversized messages', () => {
    const big = 'MSH|^~\\&|A\r' + `OBX|1|ST|||${'x'.repeat(2000)}\r`.repeat(10) + 'MSH|^~\\&|B\r';
    const got: string[] = [];
    const sizes: string[] = [];
    const s = new MessageSplitter({
      maxMessageBytes: 5000,
      onMessage: (m) => got.push(dec(m.bytes)),
      onGarbage: (g) => sizes.push(g.reason),
    });
    s.push(enc(big));
    s.end();
    expect(got).toEqual(['MSH|^~\\&|B\r']);
    expect(sizes).toEqual(['oversized']);
  });
  it('property: built messages survive serialize -> frame -> split anywhere -> parse', () => {
    const fieldText = fc.string({ unit: 'grapheme', maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.array(fieldText, { minLength: 1, maxLength: 6 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 20 }),
        (segments, cuts) => {
          const m = Hl7Message.parse('MSH|^~\\&|GEN|F|||20260101||ORU^R01|X1|P|2.5.1');
          segments.forEach((fields, i) =>
            fields.forEach((v, j) => m.set(`Z${String(i).padStart(2, '0')}-${j + 1}`, v)),
          );
          const text = m.toString();
          const framed = enc(`\x0b${text}\x1c\r`);
          const chunks: Uint8Array[] = [];
          let pos = 0;
          for (const c of cuts) {
            if (pos >= framed.length) break;
            chunks.push(framed.slice(pos, pos + c));
            pos += c;
          }
          chunks.push(framed.slice(pos));
          const { messages, garbage } = splitAll(chunks);
          expect(garbage).toEqual([]);
          expect(messages).toHaveLength(1);
          const back = Hl7Message.parse(dec(messages[0]!.bytes));
          segments.forEach((fields, i) =>
            fields.forEach((v, j) =>
              expect(back.get(`Z${String(i).padStart(2, '0')}-${j + 1}`) ?? '').toBe(v),
            ),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
  it('property: arbitrary bytes never crash the splitter or the parser', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.integer({ min: 1, max: 64 }),
        (bytes, size) => {
          const chunks: Uint8Array[] = [];
          for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
          const { messages } = splitAll(chunks);
          for (const m of messages) {
            try {
              const msg = Hl7Message.parse(decodeMessage(m.bytes).text);
              msg.get('PID-3[2].1');
              msg.toString();
            } catch (e) {
              expect((e as Error).name).toBe('UserError');
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
