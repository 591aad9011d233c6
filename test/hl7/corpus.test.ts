import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Hl7Message,
  MessageSplitter,
  decodeMessage,
  messageType,
  observations,
  orders,
  patient,
  type RawMessage,
} from '../../src/hl7/index.js';
import { listFiles, needCorpus } from '../helpers/corpora.js';

const CORPUS = needCorpus(
  'hl7v2',
  "split, parse and round trip of others' real HL7 v2 files (synthetic: test/hl7/synthetic-corpus.test.ts)",
);
const HL7 = CORPUS.path;
const files = listFiles(HL7, '.hl7');

function split(bytes: Uint8Array): { messages: RawMessage[]; garbage: number } {
  const messages: RawMessage[] = [];
  let garbage = 0;
  const s = new MessageSplitter({ onMessage: (m) => messages.push(m), onGarbage: () => garbage++ });
  s.push(bytes);
  s.end();
  return { messages, garbage };
}

describe.skipIf(CORPUS.skip)('every corpus file', () => {
  it('has files to test', () => {
    expect(files.length).toBeGreaterThan(150);
  });

  for (const file of files) {
    const name = relative(HL7, file);
    const invalidMsh = name.includes('invalid-missing-msh');
    it(`${name}: splits, parses and round-trips`, () => {
      const bytes = new Uint8Array(readFileSync(file));
      const { messages } = split(bytes);
      if (invalidMsh) {
        expect(messages).toHaveLength(0);
        expect(() => Hl7Message.parse(decodeMessage(bytes).text)).toThrow(/MSH/);
        return;
      }
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) {
        const { text } = decodeMessage(m.bytes);
        const msg = Hl7Message.parse(text);
        expect(msg.toString()).toBe(text);
        expect(messageType(msg).code).toMatch(/^[A-Z][A-Z0-9]{2}$/);
      }
      // A one-message file also round-trips byte for byte as a whole (BOM and CR/LF kept).
      if (messages.length === 1) {
        const whole = decodeMessage(bytes).text;
        expect(Hl7Message.parse(whole).toString()).toBe(whole);
      }
    });
  }
});

describe.skipIf(CORPUS.skip)('hand-checked field values', () => {
  const read = (p: string) => Hl7Message.parse(readFileSync(join(HL7, p), 'utf8'));

  it('rethinkhealth escaped delimiters decode to the characters', () => {
    const msg = read('rethinkhealth/edge-escaped-delimiters.hl7');
    expect(msg.get('PID-5.1')).toBe('DOE&SMITH');
    expect(msg.get('PID-5.2')).toBe('JOHN^JANE');
    expect(msg.get('OBX-5')).toBe(
      'Result contains pipe | and ampersand & and caret ^ and tilde ~ and backslash \\ chars',
    );
    expect(msg.get('OBX-11')).toBe('F');
  });

  it('custom delimiters come from MSH-1 and MSH-2', () => {
    const msg = read('rethinkhealth/edge-custom-delimiters.hl7');
    expect(msg.delimiters.field).toBe('#');
    expect(msg.get('MSH-9.1')).toBe('ADT');
    expect(msg.get('MSH-9.2')).toBe('A01');
    expect(msg.get('PID-3.1')).toBe('12345');
    expect(msg.get('PID-3.4')).toBe('MRN');
    expect(msg.get('PID-5.2')).toBe('JOHN');
  });

  it('non-ASCII text survives (UTF-8)', () => {
    const msg = read('rethinkhealth/edge-non-ascii.hl7');
    expect(msg.get('PID-5.1')).toBe('MÜLLER');
    expect(msg.get('PID-11.3')).toBe('München');
  });

  it('repetitions are addressable', () => {
    const sim = readFileSync(join(HL7, 'simhospital/messages.hl7'), 'utf8').split('\n')[0]!;
    const msg = Hl7Message.parse(sim);
    expect(msg.get('PID-3[2].1')).toBe('2478684691');
    expect(msg.get('PID-3[2].4')).toBe('NHSNBR');
    expect(msg.getRepetitions('PID-3.1')).toEqual(['2590157853', '2478684691']);
    expect(patient(msg)?.identifiers[0]).toEqual({
      id: '2590157853',
      authority: 'SIMULATOR MRN',
      type: 'MRN',
    });
    expect(msg.get('MSH-18')).toBe('ASCII');
  });

  it('NIST ELR case 3 carries a corrected result', () => {
    const msg = read('node-hl7-complete/valid/nist/ORU_R01_2.5.1_SampleTestCase3.hl7');
    const obs = observations(msg);
    expect(obs.some((o) => o.status === 'C')).toBe(true);
    expect(orders(msg).length).toBeGreaterThan(0);
  });

  it('simhospital file splits into 1,013 messages with no garbage', () => {
    const bytes = new Uint8Array(readFileSync(join(HL7, 'simhospital/messages.hl7')));
    const { messages, garbage } = split(bytes);
    expect(messages).toHaveLength(1013);
    expect(garbage).toBe(0);
    expect(messages[1]!.index).toBe(2);
    const types = new Map<string, number>();
    for (const m of messages) {
      const t = messageType(Hl7Message.parse(decodeMessage(m.bytes).text));
      types.set(`${t.code}^${t.trigger}`, (types.get(`${t.code}^${t.trigger}`) ?? 0) + 1);
    }
    expect(types.get('ADT^A01')).toBe(400);
    expect(types.get('ORU^R01')).toBe(610);
  });
});
