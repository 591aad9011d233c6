/**
 * The acknowledgement fast paths (src/hl7/ack-fast.ts) agree exactly with the full paths:
 * readAckIds with parseAck(Hl7Message.parse), readAckHeader with ackHeaderOf, formatAck with
 * buildAckFrom/buildAck + toString, parseDelimiters with whether Hl7Message.parse throws.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Hl7Message,
  MessageSplitter,
  ackHeaderOf,
  buildAck,
  buildAckFrom,
  decodeMessage,
  formatAck,
  parseAck,
  parseDelimiters,
  readAckHeader,
  readAckIds,
  readMshHeader,
  type AckHeader,
  type AckOptions,
  type RawMessage,
} from '../../src/hl7/index.js';
import { listFiles, needCorpus } from '../helpers/corpora.js';

const CORPUS = needCorpus(
  'hl7v2',
  "the fast ACK paths on others' real messages (synthetic: the properties here and test/hl7/synthetic-corpus.test.ts)",
);

/** Candidate delimiter characters: the usual ones, odd ones, letters of MSH/MSA, CR/LF. */
const DELIM_POOL = ['|', '^', '~', '\\', '&', '#', '!', '@', '$', '*', 'A', 'M', 'S', 'H', '\t'];

const delimiters = fc.oneof(
  { weight: 3, arbitrary: fc.constant(['|', '^', '~', '\\', '&']) },
  {
    weight: 5,
    arbitrary: fc.shuffledSubarray(DELIM_POOL, { minLength: 5, maxLength: 5 }),
  },
  // Occasionally repeated, missing or line-breaking delimiters (parse must refuse them).
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...DELIM_POOL, '\r', '\n'), { maxLength: 6 }) },
);

/** Text made of the characters that matter: delimiters, escapes, letters, terminators. */
const piece = fc
  .array(
    fc.constantFrom(
      ...DELIM_POOL,
      'AA',
      'AE',
      'CA',
      'X1',
      'MSA',
      '\\F\\',
      '\\T\\',
      '\\X41\\',
      '\\E\\',
      ' ',
      '',
      'é',
    ),
    { maxLength: 4 },
  )
  .map((a) => a.join(''));

const terminator = fc.constantFrom('\r', '\n', '\r\n', '\r\r', '\n\n');

/** A message-like text: an MSH line built from `d`, then segment lines of many kinds. */
const messageText = fc
  .record({
    d: delimiters,
    bom: fc.boolean(),
    header: fc.array(piece, { minLength: 0, maxLength: 18 }),
    segments: fc.array(
      fc.record({
        id: fc.constantFrom('MSA', 'MSA', 'ERR', 'PID', 'MSAX', 'MS', ''),
        fields: fc.array(piece, { maxLength: 5 }),
        sepIsField: fc.boolean(),
      }),
      { maxLength: 4 },
    ),
    terms: fc.array(terminator, { minLength: 5, maxLength: 5 }),
    trailing: fc.boolean(),
  })
  .map(({ d, bom, header, segments, terms, trailing }) => {
    const f = d[0] ?? '|';
    const enc = d.slice(1).join('');
    const msh = ['MSH' + f + enc, ...header].join(f);
    const lines = [msh];
    for (const s of segments) {
      const sep = s.sepIsField ? f : '|';
      lines.push([s.id, ...s.fields].join(sep));
    }
    let text = bom ? '\uFEFF' : '';
    lines.forEach((l, i) => {
      text += l;
      if (i < lines.length - 1 || trailing) text += terms[i % terms.length];
    });
    return text;
  });

function fullParse(text: string): Hl7Message | undefined {
  try {
    return Hl7Message.parse(text);
  } catch {
    return undefined;
  }
}

const RUNS = { numRuns: 3000 };

describe('parseDelimiters', () => {
  it('property: defined exactly when Hl7Message.parse accepts the text, with its delimiters', () => {
    fc.assert(
      fc.property(messageText, (text) => {
        const msg = fullParse(text);
        const d = parseDelimiters(text);
        if (!msg) expect(d).toBeUndefined();
        else expect(d).toEqual(msg.delimiters);
      }),
      RUNS,
    );
  });
  it('refuses what parse refuses', () => {
    for (const t of [
      '',
      'MSH',
      'MSH|^~',
      'PID|1',
      'MSH|^~\\^|A|B',
      'MSH\r^~\\&|x|y',
      'xMSH|^~\\&|',
    ]) {
      expect(parseDelimiters(t)).toBeUndefined();
      expect(() => Hl7Message.parse(t)).toThrow();
    }
  });
});

describe('readAckIds', () => {
  it('property: agrees with parseAck(Hl7Message.parse(text)) whenever it answers', () => {
    let answered = 0;
    fc.assert(
      fc.property(messageText, (text) => {
        const fast = readAckIds(text);
        const msg = fullParse(text);
        if (!fast) {
          // Gave up: the text does not parse, or its field separator is a letter of MSH/MSA.
          if (msg) expect('MSHA').toContain(msg.delimiters.field);
          return;
        }
        answered++;
        expect(msg).toBeDefined();
        const full = parseAck(msg!);
        expect(fast).toEqual({
          code: full.code,
          ackedControlId: full.ackedControlId,
          valid: full.valid,
        });
      }),
      RUNS,
    );
    expect(answered).toBeGreaterThan(RUNS.numRuns / 4);
  });

  it('reads escapes, repetitions, the first MSA and LF terminators like parseAck', () => {
    const cases = [
      'MSH|^~\\&|A|B|C|D|20260101||ACK^A01^ACK|X|P|2.5.1\rMSA|AA|C\\T\\1\r',
      'MSH|^~\\&|A|B|C|D|20260101||ACK|X|P|2.5.1\nMSA|AE~AA|ID1~ID2|text\nMSA|AA|other\n',
      'MSH#*$!@#A#B\r\rMSA#CA#I!D\r',
      'MSH|^~\\&|A\rPID|1\rMSA\r',
      'MSH|^~\\&|A\rMSAX|AA|1\rMSA||1\r',
      'MSH|^~\\&|A\rMSA|ZZ|1',
      '\uFEFFMSH|^~\\&|A\r\nMSA|AR|\\X41\\\r\n',
      'MSH|^~\\&|A|B|C|D',
    ];
    for (const text of cases) {
      const full = parseAck(Hl7Message.parse(text));
      expect(readAckIds(text), text).toEqual({
        code: full.code,
        ackedControlId: full.ackedControlId,
        valid: full.valid,
      });
    }
  });
});

const ackOptions: fc.Arbitrary<AckOptions> = fc.record(
  {
    code: fc.constantFrom('AA', 'AE', 'AR', 'CA', 'CE', 'CR'),
    controlId: fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n|]/g, '')),
    timestamp: fc.constantFrom('20260101000000+0000', '20261231235959-0500'),
    text: piece,
    errors: fc.array(
      fc.record(
        {
          location: fc.constantFrom('PID-3', 'OBR[2]-4.1', 'MSH-10', 'bad path', 'PID-3[2].4.1'),
          code: fc.constantFrom('100', '101', '207', '999'),
          severity: fc.constantFrom('E' as const, 'W' as const, 'I' as const),
          message: piece,
        },
        { requiredKeys: ['code', 'message'] },
      ),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ['code', 'controlId', 'timestamp'] },
);

function built(h: AckHeader, o: AckOptions): string | Error {
  try {
    return buildAckFrom(h, o).toString();
  } catch (e) {
    return e as Error;
  }
}

function formatted(h: AckHeader, o: AckOptions): string | Error {
  try {
    return formatAck(h, o);
  } catch (e) {
    return e as Error;
  }
}

describe('readAckHeader and formatAck', () => {
  it('property: readAckHeader equals ackHeaderOf(parse) and formatAck equals buildAck', () => {
    let answered = 0;
    fc.assert(
      fc.property(messageText, ackOptions, (text, opts) => {
        const h = readAckHeader(text);
        const msg = fullParse(text);
        if (!h) {
          if (msg) expect('MSH').toContain(msg.delimiters.field);
          return;
        }
        answered++;
        expect(msg).toBeDefined();
        expect(h).toEqual(ackHeaderOf(msg!));
        expect(readMshHeader(text)?.delimiters).toEqual(msg!.delimiters);
        let full: string | Error;
        try {
          full = buildAck(msg!, opts).toString();
        } catch (e) {
          full = e as Error;
        }
        const fast = formatted(h, opts);
        if (full instanceof Error) expect(fast).toEqual(full);
        else expect(fast).toBe(full);
      }),
      RUNS,
    );
    expect(answered).toBeGreaterThan(RUNS.numRuns / 4);
  });

  it('property: formatAck equals buildAckFrom for any header, errors included', () => {
    const header: fc.Arbitrary<AckHeader> = fc.record(
      {
        sendingApp: piece,
        sendingFacility: piece,
        receivingApp: piece,
        receivingFacility: piece,
        trigger: piece,
        processingId: fc.constantFrom('P', 'T', ''),
        version: fc.constantFrom('2.5.1', '2.3', ''),
        originalControlId: piece,
        delimiters: delimiters.map((d) => d.slice(1).join('')),
        field: fc.constantFrom('|', '#', '^', '\r', ''),
      },
      {
        requiredKeys: [
          'sendingApp',
          'sendingFacility',
          'receivingApp',
          'receivingFacility',
          'trigger',
          'processingId',
          'version',
          'originalControlId',
        ],
      },
    );
    fc.assert(
      fc.property(header, ackOptions, (h, opts) => {
        const full = built(h, opts);
        const fast = formatted(h, opts);
        if (full instanceof Error) expect(fast).toEqual(full);
        else expect(fast).toBe(full);
      }),
      RUNS,
    );
  });
});

describe.skipIf(CORPUS.skip)('corpora (hl7v2)', () => {
  const files = listFiles(CORPUS.path, '.hl7');
  const opts: AckOptions = {
    code: 'AE',
    controlId: 'ACK1',
    timestamp: '20260327143000+0100',
    text: 'checked | escaped ^ text',
    errors: [{ code: '101', location: 'PID-3', message: 'required field & missing' }],
  };

  it('the ACK built from the header alone equals buildAck for every corpus message', () => {
    let count = 0;
    for (const file of files) {
      const messages: RawMessage[] = [];
      const s = new MessageSplitter({ onMessage: (m) => messages.push(m) });
      s.push(new Uint8Array(readFileSync(file)));
      s.end();
      for (const m of messages) {
        const text = decodeMessage(m.bytes).text;
        const msg = Hl7Message.parse(text);
        const h = readAckHeader(text);
        expect(h, file).toEqual(ackHeaderOf(msg));
        for (const code of ['AA', 'AE'] as const) {
          const o = { ...opts, code };
          expect(formatAck(h!, o), file).toBe(buildAck(msg, o).toString());
        }
        // The corpus's messages read as ACKs too: the fast MSA reader agrees (mostly invalid).
        const full = parseAck(msg);
        expect(readAckIds(text), file).toEqual({
          code: full.code,
          ackedControlId: full.ackedControlId,
          valid: full.valid,
        });
        count++;
      }
    }
    expect(count).toBeGreaterThan(150);
  });
});
