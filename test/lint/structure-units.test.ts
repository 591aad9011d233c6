import { describe, expect, it } from 'vitest';
import { msg, of, stream } from './helpers.js';

describe('structure.*', () => {
  it('missing-field: MSH-9/10/12, PID-3, OBX-2 (when OBX-5 valued), OBX-3, OBX-11', () => {
    for (const [path, expected] of [
      ['MSH-10', 'MSH-10'],
      ['MSH-12', 'MSH-12'],
      ['PID-3', 'PID-3'],
      ['OBX-2', 'OBX[1]-2'],
      ['OBX-3', 'OBX[1]-3'],
      ['OBX-11', 'OBX[1]-11'],
    ] as const) {
      expect(
        of(msg({ [path]: '' }), 'structure.missing-field').map((f) => f.location?.path),
        path,
      ).toEqual([expected]);
    }
    // Near miss: OBX-2 may be empty when OBX-5 is empty too (v2.5.1 7.4.2.2).
    expect(
      of(
        msg({ 'OBX-2': '', 'OBX-5': '', 'OBX-6': '', 'OBX-7': '', 'OBX-8': '' }),
        'structure.missing-field',
      ),
    ).toHaveLength(0);
  });

  it('invalid-dtm: impossible dates in MSH-7, PID-7, OBR-7, OBX-14', () => {
    expect(of(msg({ 'PID-7': '19800230' }), 'structure.invalid-dtm')[0]?.location?.path).toBe(
      'PID-7',
    );
    expect(of(msg({ 'OBR-7': '2026-03-01' }), 'structure.invalid-dtm')[0]?.location?.path).toBe(
      'OBR[1]-7',
    );
    expect(of(msg({ 'OBX-14': '202603011260' }), 'structure.invalid-dtm')).toHaveLength(1);
    // Near misses: reduced precision and fractional seconds are valid DTM.
    expect(
      of(msg({ 'PID-7': '1980', 'OBX-14': '20260301090000.1234+0000' }), 'structure.invalid-dtm'),
    ).toHaveLength(0);
  });

  it('invalid-nm: a comparator or text in an NM value', () => {
    const f = of(msg({ 'OBX-5': '<0.5' }), 'structure.invalid-nm');
    expect(f[0]?.message).toMatch(/SN/);
    expect(of(msg({ 'OBX-5': '5,5' }), 'structure.invalid-nm')).toHaveLength(1);
    for (const ok of ['-1.5', '+2', '.5', '10.'])
      expect(
        of(msg({ 'OBX-5': ok, 'OBX-7': '', 'OBX-8': '' }), 'structure.invalid-nm'),
        ok,
      ).toHaveLength(0);
  });

  it('value-type-mismatch: numbers with units sent as ST, malformed SN, unknown OBX-2', () => {
    expect(of(msg({ 'OBX-2': 'ST' }), 'structure.value-type-mismatch')[0]?.message).toMatch(
      /is a number/,
    );
    expect(
      of(msg({ 'OBX-2': 'SN', 'OBX-5': 'abc' }), 'structure.value-type-mismatch'),
    ).toHaveLength(1);
    expect(of(msg({ 'OBX-2': 'XX' }), 'structure.value-type-mismatch')[0]?.message).toMatch(
      /table 0125/,
    );
    // Near misses: text in ST, a valid SN, a number without unit in ST (a code-like value).
    expect(
      of(msg({ 'OBX-2': 'ST', 'OBX-5': 'see note' }), 'structure.value-type-mismatch'),
    ).toHaveLength(0);
    expect(
      of(msg({ 'OBX-2': 'SN', 'OBX-5': '<^0.5' }), 'structure.value-type-mismatch'),
    ).toHaveLength(0);
    expect(
      of(msg({ 'OBX-2': 'SN', 'OBX-5': '^1^:^128' }), 'structure.value-type-mismatch'),
    ).toHaveLength(0);
    expect(of(msg({ 'OBX-2': 'ST', 'OBX-6': '' }), 'structure.value-type-mismatch')).toHaveLength(
      0,
    );
  });

  it('unknown-status: OBX-11 outside table 0085, OBR-25 outside table 0123', () => {
    expect(of(msg({ 'OBX-11': 'Z' }), 'structure.unknown-status')[0]?.location?.path).toBe(
      'OBX[1]-11',
    );
    expect(of(msg({ 'OBR-25': 'HM' }), 'structure.unknown-status')[0]?.location?.path).toBe(
      'OBR[1]-25',
    );
    expect(of(msg({ 'OBX-11': 'C', 'OBR-25': 'C' }), 'structure.unknown-status')).toHaveLength(0);
  });

  it('unknown-code-system: only when the site lists its systems', () => {
    const m = msg({ 'OBX-3': '2345-7^Glucose^99LOCAL' });
    expect(of(m, 'structure.unknown-code-system')).toHaveLength(0);
    expect(of(m, 'structure.unknown-code-system', { site: { codeSystems: ['LN'] } })).toHaveLength(
      1,
    );
    expect(
      of(msg(), 'structure.unknown-code-system', { site: { codeSystems: ['LN'] } }),
    ).toHaveLength(0);
  });

  it('charset: bytes that are not what MSH-18 declares', () => {
    const bad = msg({ 'MSH-18': 'ASCII', 'PID-5.1': 'MÜLLER' });
    expect(of(bad, 'structure.charset')[0]?.message).toMatch(/ASCII/);
    expect(
      of(msg({ 'MSH-18': 'UNICODE UTF-8', 'PID-5.1': 'MÜLLER' }), 'structure.charset'),
    ).toHaveLength(0);
  });
});

describe('units.*', () => {
  it('invalid-ucum: local or mis-cased units, units with spaces; UCUM is case-sensitive', () => {
    for (const u of ['mEq/L', 'UMOLL', 'beats/min', 'iU/mL', 'mmol/L ', 'x10*9/L']) {
      const m = msg({ 'OBX-6': u.replace(/ /g, ' ') });
      expect(of(m, 'units.invalid-ucum'), u).toHaveLength(1);
    }
    expect(of(msg({ 'OBX-6': 'mmol/L ' }), 'units.invalid-ucum')[0]?.message).toMatch(/spaces/);
    for (const u of [
      'mmol/L',
      'meq/L',
      '10*9/L',
      '[iU]/mL',
      '%',
      '{cells}/uL',
      'mm[Hg]',
      '/min',
      'mmol/L^millimole per liter^UCUM',
    ])
      expect(of(msg({ 'OBX-6': u }), 'units.invalid-ucum'), u).toHaveLength(0);
    // "" is the HL7 null, not a unit; accepted local units are not reported.
    expect(of(msg({ 'OBX-6': '""' }), 'units.invalid-ucum')).toHaveLength(0);
    expect(
      of(msg({ 'OBX-6': 'UMOLL' }), 'units.invalid-ucum', { site: { acceptedUnits: ['UMOLL'] } }),
    ).toHaveLength(0);
  });

  it('multiple-units: one code in two units, with commensurability', () => {
    const conv = of(
      stream(msg(), msg({ 'MSH-10': 'M2', 'OBX-6': 'mg/dL', 'OBX-5': '99', 'OBX-7': '70-140' })),
      'units.multiple-units',
    );
    expect(conv).toHaveLength(1);
    expect(conv[0]!.detail).toMatchObject({ relation: 'molar-mass' });
    const same = of(
      stream(
        msg({ 'OBX-6': 'g/L', 'OBX-7': '' }),
        msg({ 'MSH-10': 'M2', 'OBX-6': 'mg/mL', 'OBX-7': '' }),
      ),
      'units.multiple-units',
    );
    expect(same).toHaveLength(0); // g/L and mg/mL are one unit written two ways
    const c2 = of(
      stream(
        msg({ 'OBX-6': 'g/L', 'OBX-7': '' }),
        msg({ 'MSH-10': 'M2', 'OBX-6': 'mg/dL', 'OBX-7': '' }),
      ),
      'units.multiple-units',
    );
    expect(c2[0]?.detail).toMatchObject({ relation: 'convertible', commensurable: true });
    // Reported once per new unit, and different codes never mix.
    const three = stream(
      msg(),
      msg({ 'MSH-10': 'M2', 'OBX-6': 'mg/dL' }),
      msg({ 'MSH-10': 'M3', 'OBX-6': 'mg/dL' }),
    );
    expect(of(three, 'units.multiple-units')).toHaveLength(1);
    expect(
      of(
        stream(msg(), msg({ 'MSH-10': 'M2', 'OBX-3': '2951-2^Sodium^LN', 'OBX-6': 'meq/L' })),
        'units.multiple-units',
      ),
    ).toHaveLength(0);
  });

  it('unexpected-unit: the site declares the unit per code', () => {
    const site = { site: { expectedUnits: { '2345-7': 'mg/dL' } } };
    expect(of(msg(), 'units.unexpected-unit', site)[0]?.message).toMatch(/expects "mg\/dL"/);
    expect(of(msg({ 'OBX-6': 'mg/dL' }), 'units.unexpected-unit', site)).toHaveLength(0);
    expect(of(msg({ 'OBX-6': 'mg/dl' }), 'units.unexpected-unit', site)).toHaveLength(0); // same UCUM unit
    expect(
      of(msg(), 'units.unexpected-unit', { site: { expectedUnits: { 'LN|2345-7': 'mmol/L' } } }),
    ).toHaveLength(0);
  });

  it('missing-unit: numeric result without unit where the code has one, in either order', () => {
    const noUnit = (id: string) => msg({ 'MSH-10': id, 'OBX-6': '' });
    expect(of(stream(msg(), noUnit('M2')), 'units.missing-unit')).toHaveLength(1);
    const later = of(
      stream(noUnit('M1'), noUnit('M2'), msg({ 'MSH-10': 'M3' })),
      'units.missing-unit',
    );
    expect(later).toHaveLength(1);
    expect(later[0]!.location?.index).toBe(1);
    expect(later[0]!.detail).toMatchObject({ count: 2 });
    // Near misses: a code never sent with a unit (ratios, counts), and text results.
    expect(of(stream(noUnit('M1'), noUnit('M2')), 'units.missing-unit')).toHaveLength(0);
    expect(
      of(
        stream(msg(), msg({ 'MSH-10': 'M2', 'OBX-2': 'ST', 'OBX-5': 'see note', 'OBX-6': '' })),
        'units.missing-unit',
      ),
    ).toHaveLength(0);
  });
});
