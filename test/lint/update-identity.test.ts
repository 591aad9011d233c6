import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDuplicates, loadRoster, prepare, scorePair } from '../../src/lint/index.js';
import { CORPORA } from '../helpers/corpora.js';
import { msg, of, stream } from './helpers.js';

const n = (i: number, e: Record<string, string> = {}) => msg({ 'MSH-10': `M${i}`, ...e });

describe('update.*', () => {
  it('correction-without-final: C with no earlier F for the same observation', () => {
    expect(of(n(1, { 'OBX-11': 'C' }), 'update.correction-without-final')).toHaveLength(1);
    expect(
      of(stream(n(1), n(2, { 'OBX-11': 'C', 'OBX-5': '5.6' })), 'update.correction-without-final'),
    ).toHaveLength(0);
    // Another order's final does not count (observation = patient, order, code, sub-id).
    const other = n(1, { 'ORC-3': 'FL9', 'OBR-3': 'FL9' });
    expect(
      of(stream(other, n(2, { 'OBX-11': 'C' })), 'update.correction-without-final'),
    ).toHaveLength(1);
  });

  it('status-regression: a preliminary after the final', () => {
    const f = of(stream(n(1), n(2, { 'OBX-11': 'P' })), 'update.status-regression');
    expect(f).toHaveLength(1);
    expect(f[0]!.detail).toMatchObject({ from: 'F', to: 'P' });
    // The final is still remembered after the regression: a second late P is reported too.
    expect(
      of(
        stream(n(1), n(2, { 'OBX-11': 'P' }), n(3, { 'OBX-11': 'P' })),
        'update.status-regression',
      ),
    ).toHaveLength(2);
    expect(of(stream(n(1, { 'OBX-11': 'P' }), n(2)), 'update.status-regression')).toHaveLength(0);
    expect(of(stream(n(1), n(2, { 'OBX-11': 'C' })), 'update.status-regression')).toHaveLength(0);
  });

  it('result-after-cancel: results for an order cancelled earlier (ORC-1 CA/OC, ORC-5 CA, OBR-25 X)', () => {
    const cancel = n(1, { 'MSH-9': 'ORM^O01^ORM_O01', 'ORC-1': 'CA', 'ORC-3': '', 'OBR-3': '' });
    expect(of(stream(cancel, n(2)), 'update.result-after-cancel')).toHaveLength(1); // matched on placer
    expect(
      of(
        stream(n(1, { 'ORC-5': 'CA', 'OBX-11': 'X', 'OBX-5': '' }), n(2)),
        'update.result-after-cancel',
      ),
    ).toHaveLength(1);
    // Near misses: results before the cancel, another order, an "X" (cannot obtain) result.
    expect(of(stream(n(2), cancel), 'update.result-after-cancel')).toHaveLength(0);
    expect(
      of(
        stream(cancel, n(2, { 'ORC-2': 'PL2', 'OBR-2': 'PL2', 'ORC-3': 'FL2', 'OBR-3': 'FL2' })),
        'update.result-after-cancel',
      ),
    ).toHaveLength(0);
    expect(
      of(stream(cancel, n(2, { 'OBX-11': 'X', 'OBX-5': '' })), 'update.result-after-cancel'),
    ).toHaveLength(0);
  });

  it('control-id-reused (error) vs duplicate-message (info)', () => {
    const reused = stream(n(1), n(1, { 'OBX-5': '6.0' }));
    expect(of(reused, 'update.control-id-reused')).toHaveLength(1);
    expect(of(reused, 'update.duplicate-message')).toHaveLength(0);
    const resent = stream(n(1), n(1).replace(/\r/g, '\r\n'));
    expect(of(resent, 'update.duplicate-message')[0]?.severity).toBe('info');
    expect(of(resent, 'update.control-id-reused')).toHaveLength(0);
    // The same MSH-10 from another sending application is another id.
    expect(
      of(stream(n(1), n(1, { 'MSH-3': 'RAD', 'OBX-5': '6.0' })), 'update.control-id-reused'),
    ).toHaveLength(0);
  });
});

describe('identity.*', () => {
  const adt = (i: number, e: Record<string, string> = {}) =>
    msg({ 'MSH-9': 'ADT^A01^ADT_A01', 'MSH-10': `A${i}`, ...e });

  it('conflicting-demographics: one MRN, another birth date, sex or name', () => {
    const f = of(
      stream(adt(1), adt(2, { 'PID-7': '19800102' })),
      'identity.conflicting-demographics',
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.location?.path).toBe('PID-7');
    expect(
      of(stream(adt(1), adt(2, { 'PID-8': 'M' })), 'identity.conflicting-demographics'),
    ).toHaveLength(1);
    expect(
      of(stream(adt(1), adt(2, { 'PID-5': 'SMITH^JANE' })), 'identity.conflicting-demographics'),
    ).toHaveLength(1);
    // Reported once per conflicting value, not on every later message.
    expect(
      of(
        stream(adt(1), adt(2, { 'PID-7': '19800102' }), adt(3, { 'PID-7': '19800102' })),
        'identity.conflicting-demographics',
      ),
    ).toHaveLength(1);
  });

  it('conflicting-demographics near misses: case/diacritics, missing values, U sex, A08 updates, other authority', () => {
    const quiet = (b: string) => of(stream(adt(1), b), 'identity.conflicting-demographics');
    expect(quiet(adt(2, { 'PID-5': 'Doe^Jane' }))).toHaveLength(0);
    expect(quiet(adt(2, { 'PID-5': 'DOÉ^JANE' }))).toHaveLength(0);
    expect(quiet(adt(2, { 'PID-7': '', 'PID-8': '' }))).toHaveLength(0);
    expect(quiet(adt(2, { 'PID-8': 'U' }))).toHaveLength(0);
    expect(quiet(adt(2, { 'PID-7': '198001011200' }))).toHaveLength(0); // same day, more precision
    expect(quiet(adt(2, { 'MSH-9': 'ADT^A08^ADT_A01', 'PID-5': 'SMITH^JANE' }))).toHaveLength(0);
    expect(quiet(adt(2, { 'PID-3': '12345^^^OTHER^MR', 'PID-7': '19700101' }))).toHaveLength(0);
    // After an A08 the new name is the reference: the old name is now the conflict.
    const after = stream(
      adt(1),
      adt(2, { 'MSH-9': 'ADT^A08^ADT_A01', 'PID-5': 'SMITH^JANE' }),
      adt(3),
    );
    expect(of(after, 'identity.conflicting-demographics')).toHaveLength(1);
  });

  it('probable-duplicate: another MRN, same person with typos; not twins, not strangers', () => {
    const dup = adt(2, { 'PID-3': '99999^^^HOSP^MR', 'PID-5': 'DOE^JAEN' });
    const f = of(stream(adt(1), dup), 'identity.probable-duplicate');
    expect(f).toHaveLength(1);
    expect(f[0]!.detail).toMatchObject({ mrn: '99999^HOSP', other: '12345^HOSP' });
    const twin = adt(2, { 'PID-3': '99999^^^HOSP^MR', 'PID-5': 'DOE^PETER', 'PID-8': 'M' });
    expect(of(stream(adt(1), twin), 'identity.probable-duplicate')).toHaveLength(0);
    const stranger = adt(2, {
      'PID-3': '99999^^^HOSP^MR',
      'PID-5': 'ROE^MARY',
      'PID-7': '19650304',
      'PID-11': '9 ELM RD^^SHELBYVILLE^^54321',
    });
    expect(of(stream(adt(1), stranger), 'identity.probable-duplicate')).toHaveLength(0);
    // Another assigning authority is another namespace, not a duplicate record.
    expect(
      of(stream(adt(1), adt(2, { 'PID-3': '99999^^^CLINIC^MR' })), 'identity.probable-duplicate'),
    ).toHaveLength(0);
  });

  it('retired-mrn: an MRN used after a merge retired it (A40, A34)', () => {
    const merge = adt(2, {
      'MSH-9': 'ADT^A40^ADT_A39',
      'PID-3': '777^^^HOSP^MR',
      'MRG-1': '12345^^^HOSP^MR',
    });
    const f = of(stream(adt(1), merge, n(3)), 'identity.retired-mrn');
    expect(f).toHaveLength(1);
    expect(f[0]!.location?.index).toBe(3);
    expect(f[0]!.detail).toMatchObject({ survivor: '777^HOSP' });
    expect(of(stream(n(3), merge), 'identity.retired-mrn')).toHaveLength(0); // before the merge
    expect(
      of(stream(merge, n(3, { 'PID-3': '777^^^HOSP^MR' })), 'identity.retired-mrn'),
    ).toHaveLength(0);
    const a08 = adt(2, { 'MSH-9': 'ADT^A08^ADT_A01', 'MRG-1': '12345^^^HOSP^MR' });
    expect(of(stream(a08, n(3)), 'identity.retired-mrn')).toHaveLength(0);
  });
});

describe('identity matcher', () => {
  it('folds case and diacritics, allows swapped names, penalises other birth dates', () => {
    const a = prepare({
      id: 'a',
      given: 'José',
      family: 'Müller',
      birthDate: '19800101',
      postcode: '12345',
    });
    const b = prepare({
      id: 'b',
      given: 'JOSE',
      family: 'MULLER',
      birthDate: '19800101',
      postcode: '12345',
    });
    expect(scorePair(a, b).score).toBe(1);
    const swapped = prepare({
      id: 'c',
      given: 'Muller',
      family: 'Jose',
      birthDate: '19800101',
      postcode: '12345',
    });
    expect(scorePair(a, swapped).score).toBeGreaterThan(0.9);
    const other = prepare({
      id: 'd',
      given: 'José',
      family: 'Müller',
      birthDate: '19571231',
      postcode: '99999',
    });
    expect(scorePair(a, other).score).toBeLessThan(0.65);
  });

  // FEBRL dataset2: 5,000 synthetic records, duplicates carry the original's number
  // (rec-N-org / rec-N-dup-k): every pair within one N is a true pair.
  it('reaches precision >= 0.95 and recall >= 0.90 on FEBRL dataset2', () => {
    const people = loadRoster(join(CORPORA, 'identity/febrl/dataset2.csv'));
    expect(people).toHaveLength(5000);
    const group = (id: string) => id.split('-')[1];
    const sizes = new Map<string, number>();
    for (const p of people) sizes.set(group(p.id)!, (sizes.get(group(p.id)!) ?? 0) + 1);
    let truth = 0;
    for (const k of sizes.values()) truth += (k * (k - 1)) / 2;
    const { pairs, stats } = findDuplicates(people);
    const tp = pairs.filter((p) => group(p.a.id) === group(p.b.id)).length;
    expect(tp / pairs.length).toBeGreaterThanOrEqual(0.95);
    expect(tp / truth).toBeGreaterThanOrEqual(0.9);
    // Blocking keeps the work far below the 12.5 million pairs of a full comparison.
    expect(stats.comparisons).toBeLessThan(100_000);
  });
});
