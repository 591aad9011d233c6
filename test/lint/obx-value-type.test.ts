/**
 * OBX-2 (value type) is conditional: required when OBX-5 carries a value (HL7 OO change request
 * 191 wording; v2.5.1 7.4.2.2 words it as "OBX-11 not X"). A value without its type is an error;
 * an OBX with neither (a device's empty slot) is not. The HL7 null `""` and bare separators are
 * no value.
 */
import { describe, expect, it } from 'vitest';
import { msg, of } from './helpers.js';

const missingType = (edits: Record<string, string>) =>
  of(msg({ 'OBX-2': '', ...edits }), 'structure.missing-field').filter(
    (f) => f.location?.path === 'OBX[1]-2',
  );

describe('structure.missing-field on OBX-2', () => {
  it('reports an empty OBX-2 when OBX-5 is valued, naming the value', () => {
    const [f] = missingType({ 'OBX-5': '28' });
    expect(f).toMatchObject({ severity: 'error' });
    expect(f!.message).toBe('OBX[1]-2 (value type) is empty but OBX-5 is valued ("28")');
  });

  it('does not report an OBX with neither a value nor a type', () => {
    expect(missingType({ 'OBX-5': '', 'OBX-6': '' })).toEqual([]);
  });

  it('treats the HL7 null and bare separators in OBX-5 as no value', () => {
    expect(missingType({ 'OBX-5': '""' })).toEqual([]);
    expect(missingType({ 'OBX-5': '^^' })).toEqual([]);
    expect(missingType({ 'OBX-5': '~' })).toEqual([]);
    expect(missingType({ 'OBX-5': '^x' })).toHaveLength(1);
  });

  it('is quiet when OBX-2 is sent', () => {
    expect(of(msg(), 'structure.missing-field')).toEqual([]);
  });
});
