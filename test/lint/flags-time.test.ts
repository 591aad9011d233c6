import { describe, expect, it } from 'vitest';
import { parseRange, placeInRange } from '../../src/lint/range.js';
import { msg, of } from './helpers.js';

describe('reference ranges (OBX-7)', () => {
  it('reads the usual forms', () => {
    expect(parseRange('3.5-5.1')).toMatchObject({ low: 3.5, high: 5.1 });
    expect(parseRange('3.5 - 5.1')).toMatchObject({ low: 3.5, high: 5.1 });
    expect(parseRange('[ 4.0 - 11.0 ]')).toMatchObject({ low: 4, high: 11 });
    expect(parseRange('-2--0.5')).toMatchObject({ low: -2, high: -0.5 });
    expect(parseRange('3.5 to 5.1 mmol/L')).toMatchObject({ low: 3.5, high: 5.1 });
    expect(parseRange('<5')).toMatchObject({ high: 5, highInclusive: false });
    expect(parseRange('<=5')).toMatchObject({ high: 5, highInclusive: true });
    expect(parseRange('> 10')).toMatchObject({ low: 10, lowInclusive: false });
    for (const bad of ['', 'negative', '5-3', '[ ]', '^^10.0'])
      expect(parseRange(bad), bad).toBeUndefined();
  });

  it('a value on a bound is neither inside nor outside (no finding either way)', () => {
    expect(placeInRange({ min: 5, max: 5 }, parseRange('<5')!)).toBe('unknown');
    expect(placeInRange({ min: 5.1, max: 5.1 }, parseRange('3.5-5.1')!)).toBe('unknown');
    expect(placeInRange({ min: 5, max: 5 }, parseRange('3.5-5.1')!)).toBe('inside');
    expect(placeInRange({ min: -Infinity, max: 0.5 }, parseRange('1-5')!)).toBe('below');
  });
});

describe('flags.*', () => {
  it('out-of-range-unflagged: outside the range but no flag or N', () => {
    expect(
      of(msg({ 'OBX-5': '9.1', 'OBX-8': '' }), 'flags.out-of-range-unflagged')[0]?.message,
    ).toMatch(/above the range but flagged none/);
    expect(of(msg({ 'OBX-5': '2.1', 'OBX-8': 'N' }), 'flags.out-of-range-unflagged')).toHaveLength(
      1,
    );
    expect(
      of(msg({ 'OBX-5': '12', 'OBX-7': '<10', 'OBX-8': '' }), 'flags.out-of-range-unflagged'),
    ).toHaveLength(1);
    expect(
      of(
        msg({ 'OBX-2': 'SN', 'OBX-5': '>^20', 'OBX-7': '3.5-7.8', 'OBX-8': '' }),
        'flags.out-of-range-unflagged',
      ),
    ).toHaveLength(1);
    // Near misses: flagged H, on the bound, on an exclusive bound, inside.
    expect(of(msg({ 'OBX-5': '9.1', 'OBX-8': 'H' }), 'flags.out-of-range-unflagged')).toHaveLength(
      0,
    );
    expect(of(msg({ 'OBX-5': '7.8', 'OBX-8': '' }), 'flags.out-of-range-unflagged')).toHaveLength(
      0,
    );
    expect(
      of(msg({ 'OBX-5': '10', 'OBX-7': '<10', 'OBX-8': '' }), 'flags.out-of-range-unflagged'),
    ).toHaveLength(0);
    expect(
      of(msg({ 'OBX-2': 'SN', 'OBX-5': '<^5', 'OBX-8': '' }), 'flags.out-of-range-unflagged'),
    ).toHaveLength(0);
  });

  it('in-range-flagged: inside the range but flagged abnormal', () => {
    expect(of(msg({ 'OBX-8': 'H' }), 'flags.in-range-flagged')).toHaveLength(1);
    expect(of(msg({ 'OBX-8': 'A^Abnormal^HL70078' }), 'flags.in-range-flagged')).toHaveLength(1); // CWE flag (v2.7)
    expect(of(msg({ 'OBX-8': 'N' }), 'flags.in-range-flagged')).toHaveLength(0);
    expect(
      of(msg({ 'OBX-5': '7.8', 'OBX-7': '3.5-7.8', 'OBX-8': 'H' }), 'flags.in-range-flagged'),
    ).toHaveLength(0); // on the bound
    expect(
      of(msg({ 'OBX-5': '10', 'OBX-7': '<10', 'OBX-8': 'H' }), 'flags.in-range-flagged'),
    ).toHaveLength(0);
  });

  it('direction-mismatch: low value flagged high and the reverse', () => {
    expect(of(msg({ 'OBX-5': '1.0', 'OBX-8': 'H' }), 'flags.direction-mismatch')).toHaveLength(1);
    expect(of(msg({ 'OBX-5': '20', 'OBX-8': 'LL' }), 'flags.direction-mismatch')).toHaveLength(1);
    expect(of(msg({ 'OBX-5': '1.0', 'OBX-8': 'L' }), 'flags.direction-mismatch')).toHaveLength(0);
    expect(of(msg({ 'OBX-5': '1.0', 'OBX-8': 'A' }), 'flags.direction-mismatch')).toHaveLength(0);
  });

  it('critical: LL, HH and AA are listed for escalation review', () => {
    expect(of(msg({ 'OBX-5': '30', 'OBX-8': 'HH' }), 'flags.critical')[0]?.severity).toBe('info');
    expect(of(msg({ 'OBX-5': '30', 'OBX-8': 'H' }), 'flags.critical')).toHaveLength(0);
  });

  it('unknown-flag: outside table 0078', () => {
    expect(of(msg({ 'OBX-8': 'HIGH' }), 'flags.unknown-flag')).toHaveLength(1);
    expect(of(msg({ 'OBX-5': '9', 'OBX-8': 'H~RR' }), 'flags.unknown-flag')).toHaveLength(0);
  });

  it('unreadable-range: numeric result with a range in no numeric form', () => {
    expect(of(msg({ 'OBX-7': 'normal' }), 'flags.unreadable-range')).toHaveLength(1);
    expect(of(msg({ 'OBX-7': '[ ]' }), 'flags.unreadable-range')).toHaveLength(0);
    expect(
      of(
        msg({ 'OBX-2': 'ST', 'OBX-5': 'neg', 'OBX-6': '', 'OBX-7': 'negative' }),
        'flags.unreadable-range',
      ),
    ).toHaveLength(0);
  });
});

describe('time.*', () => {
  it('missing-zone: times without offset unless the site zone is configured', () => {
    const zoneless = msg({ 'MSH-7': '20260301100000', 'OBX-14': '20260301090000' });
    expect(of(zoneless, 'time.missing-zone')[0]?.detail).toEqual({ paths: ['MSH-7', 'OBX[1]-14'] });
    expect(of(zoneless, 'time.missing-zone', { site: { timeZone: 'Europe/London' } })).toHaveLength(
      0,
    );
    // A date alone (day precision) needs no zone.
    expect(of(msg({ 'OBR-7': '20260301' }), 'time.missing-zone')).toHaveLength(0);
  });

  it('future: beyond now + tolerance; zoneless only beyond the widest offset unless the zone is known', () => {
    expect(of(msg({ 'OBX-14': '20260301120500+0000' }), 'time.future')[0]?.message).toMatch(
      /5 min in the future/,
    );
    expect(of(msg({ 'OBX-14': '20260301120030+0000' }), 'time.future')).toHaveLength(0); // within 60 s
    expect(of(msg({ 'OBX-14': '20260301130000+0100' }), 'time.future')).toHaveLength(0); // 12:00 UTC
    expect(of(msg({ 'OBX-14': '20260302000000' }), 'time.future')).toHaveLength(0); // could be UTC-12
    expect(of(msg({ 'OBX-14': '20260303000000' }), 'time.future')).toHaveLength(1);
    expect(
      of(msg({ 'OBX-14': '20260301133000' }), 'time.future', { site: { timeZone: 'UTC' } }),
    ).toHaveLength(1);
    expect(
      of(msg({ 'OBX-14': '20260301133000' }), 'time.future', { site: { timeZone: 'Asia/Tokyo' } }),
    ).toHaveLength(0);
  });

  it('impossible-order: collection after receipt, result before collection, event after MSH-7', () => {
    expect(
      of(msg({ 'OBR-14': '20260301085000+0000' }), 'time.impossible-order')[0]?.message,
    ).toMatch(/received before it was collected/);
    expect(
      of(msg({ 'OBR-22': '20260301085000+0000' }), 'time.impossible-order')[0]?.message,
    ).toMatch(/reported before collection/);
    expect(
      of(msg({ 'OBX-14': '20260301103000+0000' }), 'time.impossible-order')[0]?.message,
    ).toMatch(/after the message was sent/);
    // Offsets are honoured: 10:30+0100 is 09:30 UTC, before MSH-7.
    expect(of(msg({ 'OBX-14': '20260301103000+0100' }), 'time.impossible-order')).toHaveLength(0);
    // Day precision compares at day granularity; order messages may carry a planned OBR-7.
    expect(of(msg({ 'OBR-14': '20260301' }), 'time.impossible-order')).toHaveLength(0);
    const order = msg({
      'MSH-9': 'ORM^O01^ORM_O01',
      'OBR-7': '20260302090000+0000',
      'OBR-14': '',
      'OBR-22': '',
    });
    expect(of(order, 'time.impossible-order')).toHaveLength(0);
  });

  it('clock-skew: event stamped after its own message beyond the threshold', () => {
    const evn = (t: string) => msg({ 'MSH-9': 'ADT^A08^ADT_A01', 'EVN-1': 'A08', 'EVN-2': t });
    expect(of(evn('20260301101000+0000'), 'time.clock-skew')[0]?.message).toMatch(
      /10 min after MSH-7/,
    );
    expect(of(evn('20260301100400+0000'), 'time.clock-skew')).toHaveLength(0); // under 300 s
    expect(of(evn('20260301080000+0000'), 'time.clock-skew')).toHaveLength(0); // a delay, not skew
    expect(
      of(evn('20260301100400+0000'), 'time.clock-skew', { site: { skewThresholdSeconds: 60 } }),
    ).toHaveLength(1);
    expect(of(msg({ 'OBR-22': '20260301110000+0000' }), 'time.clock-skew')).toHaveLength(1);
  });
});
