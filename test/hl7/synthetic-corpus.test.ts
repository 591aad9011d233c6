/**
 * What test/hl7/corpus.test.ts checks on the shared corpora, checked on data the project makes
 * (test/helpers/synthetic-hl7.ts), so a fresh clone without ../shared/corpora tests it too:
 * split, parse and byte-for-byte round trip with a BOM, LF or CRLF terminators, custom
 * delimiters, escapes, repetitions, Z-segments, non-ASCII text, a corrected result, and a
 * one-message-per-line file of a thousand messages.
 */
import { describe, expect, it } from 'vitest';
import {
  Hl7Message,
  MessageSplitter,
  ackHeaderOf,
  buildAck,
  decodeMessage,
  formatAck,
  parseAck,
  readAckHeader,
  readAckIds,
  type AckOptions,
  messageType,
  observations,
  orders,
  patient,
  type RawMessage,
} from '../../src/hl7/index.js';
import {
  SYNTHETIC_CASES,
  generatedMessages,
  oneMessagePerLine,
  syntheticFiles,
} from '../helpers/synthetic-hl7.js';

const enc = (s: string) => new TextEncoder().encode(s);

function split(bytes: Uint8Array): { messages: RawMessage[]; garbage: number } {
  const messages: RawMessage[] = [];
  let garbage = 0;
  const s = new MessageSplitter({ onMessage: (m) => messages.push(m), onGarbage: () => garbage++ });
  s.push(bytes);
  s.end();
  return { messages, garbage };
}

describe('every synthetic file (CR, LF, CRLF, BOM)', () => {
  for (const f of syntheticFiles()) {
    it(`${f.name}: splits, parses, round-trips and reads its fields`, () => {
      const bytes = enc(f.text);
      const { messages, garbage } = split(bytes);
      expect(garbage).toBe(0);
      expect(messages).toHaveLength(1);
      const { text } = decodeMessage(messages[0]!.bytes);
      const msg = Hl7Message.parse(text);
      expect(msg.toString()).toBe(text);
      expect(messageType(msg).code).toMatch(/^[A-Z][A-Z0-9]{2}$/);
      for (const [path, want] of Object.entries(f.case.expect))
        expect([path, msg.get(path)]).toEqual([path, want]);
      // The whole file round-trips too, terminators kept; the decoder drops a UTF-8 BOM.
      expect(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf).toBe(
        f.name.endsWith('-bom.hl7'),
      );
      const whole = decodeMessage(bytes).text;
      expect(whole.startsWith('\uFEFF')).toBe(false);
      const parsed = Hl7Message.parse(whole);
      expect(parsed.toString()).toBe(whole);
      for (const [path, want] of Object.entries(f.case.expect))
        expect([path, parsed.get(path)]).toEqual([path, want]);
    });
  }

  it('a file with no MSH gives no message, and parse says why', () => {
    const bytes = enc('PID|1||123^^^SYN^MR||DOE^JOHN\rPV1|1|I\r');
    expect(split(bytes).messages).toHaveLength(0);
    expect(() => Hl7Message.parse(decodeMessage(bytes).text)).toThrow(/MSH/);
  });
});

describe('hand-checked synthetic values', () => {
  const byName = new Map(SYNTHETIC_CASES.map((c) => [c.name, Hl7Message.parse(c.text)]));

  it('custom delimiters come from MSH-1 and MSH-2', () => {
    const msg = byName.get('custom-delimiters')!;
    expect(msg.delimiters.field).toBe('#');
    expect(msg.delimiters.component).toBe('!');
    expect(msg.delimiters.repetition).toBe('@');
    expect(msg.getRepetitions('PID-3.1')).toEqual(['12345', '99']);
  });

  it('a corrected result is read as status C with its order', () => {
    const msg = byName.get('corrected-result')!;
    expect(observations(msg).map((o) => o.status)).toEqual(['C']);
    expect(orders(msg).length).toBeGreaterThan(0);
  });

  it('repetitions are addressable and the patient keeps the first identifier', () => {
    const msg = byName.get('repetitions')!;
    expect(msg.getRepetitions('PID-3.1')).toEqual(['2590157853', '2478684691']);
    expect(patient(msg)?.identifiers[0]).toEqual({
      id: '2590157853',
      authority: 'SIM MRN',
      type: 'MRN',
    });
  });

  it('a one-message-per-line file of 1,013 messages splits with no garbage', () => {
    const sent = generatedMessages(1013, 7);
    const { messages, garbage } = split(enc(oneMessagePerLine(sent)));
    expect(messages).toHaveLength(1013);
    expect(garbage).toBe(0);
    expect(messages[1]!.index).toBe(2);
    const types = new Map<string, number>();
    messages.forEach((m, i) => {
      const msg = Hl7Message.parse(decodeMessage(m.bytes).text);
      expect(msg.toString()).toBe(sent[i]);
      const t = messageType(msg);
      types.set(`${t.code}^${t.trigger}`, (types.get(`${t.code}^${t.trigger}`) ?? 0) + 1);
      expect(msg.get('PID-3[2].4')).toBe('NHSNBR');
      expect(msg.get('MSH-18')).toBe('ASCII');
    });
    expect(types.get('ADT^A01')).toBe(507);
    expect(types.get('ORU^R01')).toBe(506);
  });
});

describe('ACK fast paths on synthetic files (as test/hl7/ack-fast.test.ts does on the corpora)', () => {
  const opts: AckOptions = {
    code: 'AE',
    controlId: 'ACK1',
    timestamp: '20260327143000+0100',
    text: 'checked | escaped ^ text',
    errors: [{ code: '101', location: 'PID-3', message: 'required field & missing' }],
  };

  it('the ACK built from the header alone equals buildAck for every synthetic message', () => {
    const texts = [
      ...syntheticFiles().flatMap((f) =>
        split(enc(f.text)).messages.map((m) => decodeMessage(m.bytes).text),
      ),
      ...generatedMessages(200, 3),
    ];
    expect(texts.length).toBeGreaterThan(200);
    for (const text of texts) {
      const msg = Hl7Message.parse(text);
      const h = readAckHeader(text);
      expect(h, text).toEqual(ackHeaderOf(msg));
      for (const code of ['AA', 'AE'] as const) {
        const o = { ...opts, code };
        expect(formatAck(h!, o), text).toBe(buildAck(msg, o).toString());
      }
      const full = parseAck(msg);
      expect(readAckIds(text), text).toEqual({
        code: full.code,
        ackedControlId: full.ackedControlId,
        valid: full.valid,
      });
    }
  });
});
