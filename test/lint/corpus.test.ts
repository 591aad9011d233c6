/**
 * Every HL7 v2 file of the shared corpora is linted (each file on its own: they are independent
 * samples) without a crash, and the findings match counts reviewed by hand. Each kind is a real
 * problem in the sample data, explained below; rules not listed must not fire at all.
 */
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintInputs } from '../../src/lint/index.js';
import { listFiles, needCorpus } from '../helpers/corpora.js';

const CORPUS = needCorpus(
  'hl7v2',
  "lint of others' real HL7 v2 files against hand-reviewed finding counts (synthetic: test/lint/synthetic-files.test.ts and the rule tests)",
);
const HL7 = CORPUS.path;
const NOW = Date.parse('2026-11-27T00:00:00Z');

const EXPECTED: Record<string, number> = {
  // fhir-converter vitals send "beats/min" (UCUM: /min or {beats}/min); LAB-ORU uses "tera.l-1";
  // NIST case 5 sends "iU/mL" ([iU]/mL); simhospital sends local codes UMOLL, MMOLL, PERCENT, x10*9/L.
  'units.invalid-ucum': 1806,
  // simhospital vitals send IEEE 11073 MDC unit names in OBX-6.1 (MDC_DIM_PERCENT...): a
  // warning naming the UCUM equivalent, not an invalid unit.
  'units.mdc-unit': 427,
  // Zoneless timestamps with no site zone: all of simhospital, cerner, many fhir-converter samples.
  'time.missing-zone': 1076,
  // simhospital OBX-2 empty with OBX-5 valued; fhir-converter and NIST samples with empty MSH-7,
  // MSH-12, PID-3 or OBX-11 (e.g. bad-phone-example has no PID-3, mdm-example no MSH-12).
  'structure.missing-field': 147,
  // simhospital sends comparators as NM ("<15", ">90"): must be SN.
  'structure.invalid-nm': 73,
  // fhir-converter ADT/BAR samples: EVN-2 in 2029, after the 2026-11-27 "now".
  'time.future': 45,
  // fhir-converter EVN-2 (2029) decades after MSH-7 (1989); MDM OBR-22 45 min after MSH-7;
  // mieweb DFT EVN-2 a day after MSH-7.
  'time.clock-skew': 58,
  // fhir-converter OUL/RDE OBX-19 analysis a month before OBX-14; MDM OBR-14 before OBR-7;
  // cerner OBR-22 reported 34 days before OBR-7 collection; LAB-ORU OBX-14 after MSH-7.
  'time.impossible-order': 27,
  // fhir-converter LRI CBC sample: four HH results (info, for escalation review).
  'flags.critical': 4,
  // fhir-converter ORU-R01-RMGEAD ranges written "70_105".
  'flags.unreadable-range': 6,
  // realm hepatitis C sample puts "1^^UCUM..." into OBX-8.
  'flags.unknown-flag': 1,
  // catalyze-io ORM and remote-operations MDM split by stray line breaks inside a segment;
  // rethinkhealth invalid-missing-msh and invalid-segment-header-length ("PIDX").
  'structure.garbage': 4,
  // fhir-converter MDM T02/T06/T10 OBX-2 "HD", not a value type of table 0125.
  'structure.value-type-mismatch': 3,
  // rethinkhealth oru-r01-lab OBR-25 "HM" (table 0123).
  'structure.unknown-status': 1,
  // NIST ORU case 3 is a correction (OBX-11 C) whose original is not in the sample.
  'update.correction-without-final': 1,
};

describe.skipIf(CORPUS.skip)('corpus lint', () => {
  const files = listFiles(HL7, '.hl7');

  it('lints every file without a crash and with the reviewed findings', async () => {
    expect(files.length).toBeGreaterThan(150);
    const counts: Record<string, number> = {};
    let messages = 0;
    for (const file of files) {
      const r = await lintInputs([file], { nowMs: NOW });
      messages += r.summary.messages;
      for (const [rule, n] of Object.entries(r.summary.byRule))
        counts[rule] = (counts[rule] ?? 0) + n;
      for (const f of r.findings) {
        expect(f.location?.file, relative(HL7, file)).toBe(file);
        expect(f.action.length).toBeGreaterThan(0);
      }
    }
    expect(messages).toBeGreaterThan(1100);
    expect(counts).toEqual(EXPECTED);
  });
});
