/**
 * IEEE 11073 (MDC) units in OBX-6: the table maps to valid UCUM, MDC codes the table knows are
 * a warning naming their UCUM equivalent, unknown ones stay an invalid-ucum error, and device
 * feeds written like the simhospital corpus (reference id in OBX-6.1, no coding system) or like
 * IHE PCD-01 (`262688^MDC_DIM_PERCENT^MDC`) are both recognised. Messages are made here.
 */
import { describe, expect, it } from 'vitest';
import { mdcUnitOf, mdcUnits } from '../../src/lint/mdc-units.js';
import { checkUcum } from '../../src/lint/ucum.js';
import { lint, msg, of, stream } from './helpers.js';

describe('MDC unit table', () => {
  it('maps every entry to a valid UCUM unit and codes into partition 4', () => {
    const units = mdcUnits();
    expect(units.length).toBeGreaterThan(50);
    for (const u of units) {
      expect(checkUcum(u.ucum).valid, `${u.refid} -> ${u.ucum}`).toBe(true);
      expect(Math.floor(u.code / 65536), u.refid).toBe(4);
    }
  });

  it('has the published codes of the units device feeds send most', () => {
    // 32-bit codes as IHE PCD-01 and 11073-10101 write them.
    const known: [number, string, string][] = [
      [262688, 'MDC_DIM_PERCENT', '%'],
      [264864, 'MDC_DIM_BEAT_PER_MIN', '/min'],
      [264928, 'MDC_DIM_RESP_PER_MIN', '/min'],
      [266016, 'MDC_DIM_MMHG', 'mm[Hg]'],
      [265987, 'MDC_DIM_KILO_PASCAL', 'kPa'],
      [266048, 'MDC_DIM_CM_H2O', 'cm[H2O]'],
      [268192, 'MDC_DIM_DEGC', 'Cel'],
      [263441, 'MDC_DIM_CENTI_M', 'cm'],
      [263875, 'MDC_DIM_KILO_G', 'kg'],
      [265216, 'MDC_DIM_X_L_PER_MIN', 'L/min'],
      [263762, 'MDC_DIM_MILLI_L', 'mL'],
      [262656, 'MDC_DIM_DIMLESS', '1'],
    ];
    for (const [code, refid, ucum] of known) {
      expect(mdcUnitOf(String(code), 'MDC'), refid).toMatchObject({ refid, code, ucum });
      expect(mdcUnitOf(refid, undefined), refid).toMatchObject({ code, ucum });
    }
    // The 16-bit term code (the Unit-Code attribute of 11073-20601) and the id without X_.
    expect(mdcUnitOf('2720', 'MDC')).toMatchObject({ refid: 'MDC_DIM_BEAT_PER_MIN' });
    expect(mdcUnitOf('MDC_DIM_L_PER_MIN', undefined)).toMatchObject({ ucum: 'L/min' });
  });

  it('tells unknown MDC codes from units that are not MDC at all', () => {
    expect(mdcUnitOf('MDC_DIM_NO_SUCH_UNIT', undefined)).toBe('unknown');
    expect(mdcUnitOf('999999', 'MDC')).toBe('unknown');
    expect(mdcUnitOf('262688', undefined)).toBeUndefined(); // a number, no MDC system
    expect(mdcUnitOf('mmol/L', undefined)).toBeUndefined();
    expect(mdcUnitOf('MMOLL', undefined)).toBeUndefined();
  });
});

/** A vital-signs OBX as a device gateway writes it (OBX-6 given whole). */
const vital = (code: string, value: string, units: string, id = 'V1') =>
  msg({ 'MSH-10': id, 'OBX-3': code, 'OBX-5': value, 'OBX-6': units, 'OBX-7': '' });

describe('units.mdc-unit and units.invalid-ucum on device units', () => {
  it('a known reference id in OBX-6.1 (simhospital style) is a warning naming UCUM', () => {
    const text = vital('tt-0005-06^HR^WelchAllyn', '72', 'MDC_DIM_BEAT_PER_MIN');
    expect(of(text, 'units.invalid-ucum')).toEqual([]);
    const [f] = of(text, 'units.mdc-unit');
    expect(f).toMatchObject({ severity: 'warning', location: { path: 'OBX[1]-6' } });
    expect(f!.message).toMatch(/MDC_DIM_BEAT_PER_MIN.*IEEE 11073.*UCUM \/min/);
    expect(f!.detail).toMatchObject({ ucum: '/min', code: 264864 });
  });

  it('a numeric code with OBX-6.3 MDC (IHE PCD-01 style) is recognised the same way', () => {
    const text = vital('150456^MDC_PULS_OXIM_SAT_O2^MDC', '97', '262688^MDC_DIM_PERCENT^MDC');
    expect(of(text, 'units.invalid-ucum')).toEqual([]);
    const [f] = of(text, 'units.mdc-unit');
    expect(f!.message).toMatch(/"262688" \(MDC_DIM_PERCENT\).*UCUM %/);
  });

  it('an unknown MDC code stays an error saying golive has no mapping for it', () => {
    const text = stream(
      vital('X1^A^L', '1', 'MDC_DIM_WARP_FACTOR', 'A'),
      vital('X2^B^L', '2', '4242424^MDC_DIM_WARP_FACTOR^MDC', 'B'),
    );
    expect(of(text, 'units.mdc-unit')).toEqual([]);
    const fs = of(text, 'units.invalid-ucum');
    expect(fs).toHaveLength(2);
    for (const f of fs) expect(f.message).toMatch(/no UCUM mapping known to golive/);
  });

  it('is quiet when the UCUM equivalent is sent as the alternate unit (OBX-6.4-6)', () => {
    const text = vital('X^Y^L', '120', '266016^MDC_DIM_MMHG^MDC^mm[Hg]^mm[Hg]^UCUM');
    expect(of(text, 'units.mdc-unit')).toEqual([]);
    expect(of(text, 'units.invalid-ucum')).toEqual([]);
  });

  it('a plain number without the MDC system is still read as UCUM, local units as before', () => {
    expect(of(vital('X^Y^L', '1', '262688'), 'units.mdc-unit')).toEqual([]);
    expect(of(vital('X^Y^L', '1', '262688'), 'units.invalid-ucum')).toEqual([]);
    expect(of(vital('X^Y^L', '1', 'PERCENT'), 'units.invalid-ucum')).toHaveLength(1);
  });

  it('site.acceptedUnits and turning the rule off silence the warning', () => {
    const text = vital('X^Y^L', '36.6', 'MDC_DIM_DEGC');
    expect(of(text, 'units.mdc-unit', { site: { acceptedUnits: ['MDC_DIM_DEGC'] } })).toEqual([]);
    expect(of(text, 'units.mdc-unit', { rules: { 'units.mdc-unit': 'off' } })).toEqual([]);
  });

  it('an MDC id and its UCUM unit for one code are one unit, not two', () => {
    const text = stream(
      vital('8867-4^HR^LN', '70', '/min', 'A'),
      vital('8867-4^HR^LN', '71', 'MDC_DIM_BEAT_PER_MIN', 'B'),
    );
    expect(of(text, 'units.multiple-units')).toEqual([]);
    const site = { expectedUnits: { '8867-4': '/min' } };
    expect(of(text, 'units.unexpected-unit', { site })).toEqual([]);
  });

  it('groups the warnings by unit with the UCUM equivalent as a note', () => {
    const text = stream(
      vital('A^SpO2^L', '97', 'MDC_DIM_PERCENT', 'A'),
      vital('A^SpO2^L', '98', 'MDC_DIM_PERCENT', 'B'),
      vital('B^Temp^L', '36.6', 'MDC_DIM_DEGC', 'C'),
    );
    const g = lint(text).groups.find((x) => x.rule === 'units.mdc-unit')!;
    expect(g).toMatchObject({ field: 'OBX-6', count: 3, sender: 'LAB/HOSP' });
    expect(g.values.map((v) => [v.key, v.count, v.note])).toEqual([
      ['MDC_DIM_PERCENT', 2, 'UCUM %'],
      ['MDC_DIM_DEGC', 1, 'UCUM Cel'],
    ]);
  });
});
