/**
 * HL7 v2 test data the project makes itself, with the quirks the shared corpora bring from the
 * field: a UTF-8 byte order mark, LF and CRLF segment terminators, custom delimiters (MSH-1/MSH-2),
 * escaped delimiters (v2.5.1 2.7.4), repetitions, Z-segments, non-ASCII names, corrected results
 * (OBX-11 C) and multi-message files, one message per line (as google/simhospital writes them).
 * A fresh clone, which has no ../shared/corpora, tests every one of these behaviours on this data.
 * Every value is invented; the generator is seeded, so a failure reproduces.
 */

/** A hand-written message and the field values a reader must find in it. */
export interface SyntheticCase {
  name: string;
  /** The message, segments ended by CR (the standard terminator). */
  text: string;
  /** Field path -> value after unescaping, as Hl7Message.get returns it. */
  expect: Record<string, string>;
}

const MSH = (type: string, id: string, extra = '') =>
  `MSH|^~\\&|SYN_LAB|SYN_HOSP|SYN_EHR|SYN_HOSP|20260309140000+0000||${type}|${id}|P|2.5.1${extra}`;

/** A segment from its non-empty fields by number (no counting of bars by hand). */
function seg(id: string, fields: Record<number, string>): string {
  const last = Math.max(...Object.keys(fields).map(Number));
  const out = [id];
  for (let i = 1; i <= last; i++) out.push(fields[i] ?? '');
  return out.join('|');
}

/** The cases, one per quirk; each is parsed, split and acknowledged by the tests. */
export const SYNTHETIC_CASES: SyntheticCase[] = [
  {
    name: 'adt-a01-basic',
    text: [
      MSH('ADT^A01^ADT_A01', 'SYN0001'),
      'EVN|A01|20260309120000+0000',
      'PID|1||S12345^^^SYN^MR||DOE^JOHN^A||19800101|M|||1 HIGH ST^^ANYTOWN^^12345',
      'PV1|1|I|ICU^101^A',
    ].join('\r'),
    expect: { 'MSH-9.2': 'A01', 'PID-3.1': 'S12345', 'PID-5.2': 'JOHN', 'PV1-3.2': '101' },
  },
  {
    name: 'oru-r01-lab',
    text: [
      MSH('ORU^R01^ORU_R01', 'SYN0002'),
      'PID|1||S67890^^^SYN^MR||SMITH^JANE^B||19901215|F',
      'ORC|RE|PLC001|FIL001||CM',
      seg('OBR', {
        1: '1',
        2: 'PLC001',
        3: 'FIL001',
        4: '58410-2^CBC panel^LN',
        7: '20260309100000+0000',
        22: '20260309140000+0000',
        25: 'F',
      }),
      'OBX|1|NM|6690-2^WBC^LN||7.5|10*3/uL|4.5-11.0|N|||F',
      'OBX|2|NM|718-7^Hemoglobin^LN||142|g/L|120-160|N|||F',
    ].join('\r'),
    expect: { 'OBX[2]-5': '142', 'OBX[1]-6': '10*3/uL', 'OBR-25': 'F' },
  },
  {
    name: 'escaped-delimiters',
    text: [
      MSH('ADT^A01', 'SYN0003'),
      'PID|1||S12345^^^SYN^MR||DOE\\T\\SMITH^JOHN\\S\\JANE||19800101|M',
      'OBX|1|ST|NOTE^Note^L||pipe \\F\\ amp \\T\\ caret \\S\\ tilde \\R\\ backslash \\E\\ hex \\X41\\||||||F',
    ].join('\r'),
    expect: {
      'PID-5.1': 'DOE&SMITH',
      'PID-5.2': 'JOHN^JANE',
      'OBX-5': 'pipe | amp & caret ^ tilde ~ backslash \\ hex A',
      'OBX-11': 'F',
    },
  },
  {
    name: 'custom-delimiters',
    // MSH-1 "#", MSH-2 "!@%*": component !, repetition @, escape %, subcomponent *.
    text: [
      'MSH#!@%*#SYN_APP#SYN_FAC#RCV#RCV_FAC#20260301120000+0000##ADT!A01#SYN0004#P#2.5',
      'PID#1##12345!!!MRN@99!!!NHS##DOE!JOHN!A##19800101#M###a%F%b',
    ].join('\r'),
    expect: {
      'MSH-1': '#',
      'MSH-2': '!@%*',
      'MSH-9.1': 'ADT',
      'MSH-9.2': 'A01',
      'PID-3.1': '12345',
      'PID-3.4': 'MRN',
      'PID-3[2].4': 'NHS',
      'PID-5.2': 'JOHN',
      'PID-11': 'a#b',
    },
  },
  {
    name: 'non-ascii',
    text: [
      MSH('ADT^A01', 'SYN0005', '||||||UNICODE UTF-8'),
      'PID|1||54321^^^SYN^MR||MÜLLER^JOSÉ^Ñ||19750315|M|||Straße der Einheit 42^^München^BY^80331^DEU',
      'NK1|1|GARCÍA^FRANÇOISE|SPO',
    ].join('\r'),
    expect: { 'PID-5.1': 'MÜLLER', 'PID-11.3': 'München', 'NK1-2.2': 'FRANÇOISE' },
  },
  {
    name: 'repetitions',
    text: [
      MSH('ADT^A08', 'SYN0006'),
      'PID|1||2590157853^^^SIM MRN^MRN~2478684691^^^NHS^NHSNBR||ROE^ANN||19600101|F|||||555-0100~555-0199',
    ].join('\r'),
    expect: {
      'PID-3[2].1': '2478684691',
      'PID-3[2].4': 'NHS',
      'PID-3[2].5': 'NHSNBR',
      'PID-13[2]': '555-0199',
    },
  },
  {
    name: 'z-segments',
    text: [
      MSH('ADT^A04', 'SYN0007'),
      'PID|1||S777^^^SYN^MR||POE^EDGAR||19090119|M',
      'ZPI|1|VIP^Very important|CONSENT~RESEARCH',
      'ZXT||x^y&z',
    ].join('\r'),
    expect: { 'ZPI-2.1': 'VIP', 'ZPI-3[2]': 'RESEARCH', 'ZXT-2.2.2': 'z' },
  },
  {
    name: 'corrected-result',
    // NIST ELR case 3 style: a correction (OBX-11 C) whose final is not in the same file.
    text: [
      MSH('ORU^R01^ORU_R01', 'SYN0008'),
      'PID|1||S888^^^SYN^MR||LEE^KIM||19700707|F',
      seg('OBR', {
        1: '1',
        2: 'PLC888',
        3: 'FIL888',
        4: '2345-7^Glucose^LN',
        7: '20260309100000+0000',
        22: '20260309120000+0000',
        24: 'CHEM',
        25: 'C',
      }),
      'OBX|1|NM|2345-7^Glucose^LN||6.1|mmol/L|3.9-5.5|H|||C',
    ].join('\r'),
    expect: { 'OBX-11': 'C', 'OBR-25': 'C', 'OBX-8': 'H' },
  },
  {
    name: 'trailing-empty-fields',
    text: [MSH('ADT^A01', 'SYN0009'), 'PID|1||S999^^^SYN^MR||NOE^AL||||||||', 'PV1|1|O|||'].join(
      '\r',
    ),
    expect: { 'PID-5.1': 'NOE', 'PV1-2': 'O' },
  },
];

export type Eol = '\r' | '\n' | '\r\n';

/** One message as file bytes: segments ended by `eol`, optionally after a UTF-8 BOM. */
export function toFileText(text: string, opts: { eol?: Eol; bom?: boolean } = {}): string {
  const body =
    text
      .replace(/\r$/, '')
      .split('\r')
      .join(opts.eol ?? '\r') + (opts.eol ?? '\r');
  return (opts.bom ? '\uFEFF' : '') + body;
}

/** The files a fresh clone tests with: each case as CR, LF, CRLF and BOM-prefixed files. */
export function syntheticFiles(): { name: string; text: string; case: SyntheticCase }[] {
  const out: { name: string; text: string; case: SyntheticCase }[] = [];
  for (const c of SYNTHETIC_CASES) {
    out.push({ name: `${c.name}.hl7`, text: toFileText(c.text), case: c });
    out.push({ name: `${c.name}-lf.hl7`, text: toFileText(c.text, { eol: '\n' }), case: c });
    out.push({ name: `${c.name}-crlf.hl7`, text: toFileText(c.text, { eol: '\r\n' }), case: c });
    out.push({
      name: `${c.name}-bom.hl7`,
      text: toFileText(c.text, { eol: '\r\n', bom: true }),
      case: c,
    });
  }
  return out;
}

/** A small seeded generator (mulberry32): the same seed gives the same data everywhere. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN = ['ANN', 'BEN', 'CARA', 'DEV', 'ELLA', 'FINN', 'GWEN', 'HUGO', 'IDA', 'JON'];
const FAMILY = ['ABBOTT', 'BRAHMS', 'CHOI', 'DUBOIS', 'EKWUEME', 'FRY', 'GARCIA', 'HALL'];
const TESTS = [
  ['2823-3', 'Potassium', 'mmol/L', '3.5-5.1'],
  ['2951-2', 'Sodium', 'mmol/L', '135-145'],
  ['718-7', 'Hemoglobin', 'g/L', '120-160'],
  ['2345-7', 'Glucose', 'mmol/L', '3.9-5.5'],
] as const;

const two = (n: number) => String(n).padStart(2, '0');

/**
 * `count` generated messages, ADT^A01 and ORU^R01 in turn, as a simulator writes them: segments
 * ended by CR, PID-3 with an MRN and a national number (repetitions), OBX values with
 * escapes now and then. Control ids are SIM1, SIM2, ...
 */
export function generatedMessages(count: number, seed = 1): string[] {
  const rnd = seeded(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const out: string[] = [];
  for (let i = 1; i <= count; i++) {
    const mrn = String(1_000_000_000 + Math.floor(rnd() * 8_999_999_999));
    const nhs = String(1_000_000_000 + Math.floor(rnd() * 8_999_999_999));
    const pid = `PID|1||${mrn}^^^SIMULATOR MRN^MRN~${nhs}^^^NHSNBR^NHSNBR||${pick(FAMILY)}^${pick(GIVEN)}||19${10 + Math.floor(rnd() * 89)}0${1 + Math.floor(rnd() * 9)}15|${pick(['F', 'M', 'U'])}`;
    const at = `${10 + Math.floor(i / 3600)}${two(Math.floor(i / 60) % 60)}${two(i % 60)}`;
    const head = `MSH|^~\\&|SIMHOSP|SFAC|RAPP|RFAC|20260301${at}||`;
    if (i % 2) {
      out.push(`${head}ADT^A01|SIM${i}|P|2.3|||AL||44|ASCII\rEVN|A01|20260301120000\r${pid}\r`);
    } else {
      const t = pick(TESTS);
      const value = (rnd() * 10).toFixed(1);
      const status = pick(['F', 'F', 'F', 'P', 'C']);
      const note = rnd() < 0.3 ? `\rNTE|1||checked \\T\\ verified \\F\\ ok` : '';
      out.push(
        `${head}ORU^R01|SIM${i}|P|2.3|||AL||44|ASCII\r${pid}\rOBR|1|P${i}|F${i}|${t[0]}^${t[1]}^LN|||20260301110000\rOBX|1|NM|${t[0]}^${t[1]}^LN||${value}|${t[2]}|${t[3]}||||${status}${note}\r`,
      );
    }
  }
  return out;
}

/** Messages one per line (segments by CR, messages by LF), as google/simhospital writes them. */
export function oneMessagePerLine(messages: string[]): string {
  return messages.map((m) => m.replace(/\r$/, '')).join('\n') + '\n';
}
