import { describe, expect, it } from 'vitest';
import { parseDuration, zoneOffsetMinutes } from '../../src/config/duration.js';
import {
  IdSource,
  dtmIn,
  evalClock,
  parseInstant,
  placeholderNames,
  render,
  RenderError,
} from '../../src/scenarios/values.js';

const time = { now: () => Date.UTC(2026, 2, 27, 14, 30, 0), zone: 'Europe/London' };

describe('identifiers', () => {
  it('are fresh within a run and differ between runs', () => {
    const a = new IdSource();
    const b = new IdSource();
    const ids = new Set<string>();
    for (let i = 0; i < 500; i++) ids.add(a.next('mrn'));
    expect(ids.size).toBe(500);
    expect(a.token).not.toBe(b.token);
    expect(a.next('order')).not.toBe(b.next('order'));
  });

  it('have the kind prefix and fit MSH-10 (20 characters)', () => {
    const ids = new IdSource('ABC123');
    expect(ids.next('mrn')).toBe('MABC123001');
    expect(ids.next('control-id')).toMatch(/^CABC123\d{3}$/);
    expect(ids.next('device', 'TR')).toMatch(/^TRABC123/);
    for (let i = 0; i < 2000; i++) expect(ids.next('control-id').length).toBeLessThanOrEqual(20);
  });

  it('makes synthetic names of letters and valid birth dates', () => {
    const ids = new IdSource();
    for (let i = 0; i < 50; i++) {
      expect(ids.next('family-name')).toMatch(/^Zz[A-Za-z]+$/);
      const d = ids.next('birth-date');
      expect(d).toMatch(/^(19[4-9]\d|200\d)(0[1-9]|1[0-2])(0[1-9]|1\d|2[0-8])$/);
    }
  });
});

describe('clock expressions', () => {
  const now = time.now();
  it('offsets now by durations and named durations', () => {
    expect(evalClock('now', now)).toBe(now);
    expect(evalClock('now - 2h', now)).toBe(now - 7_200_000);
    expect(evalClock('now + 1h30m', now)).toBe(now + 5_400_000);
    expect(evalClock('now - window - 30m', now, (n) => (n === 'window' ? '4h' : undefined))).toBe(
      now - 4.5 * 3_600_000,
    );
    expect(evalClock('2025-03-30T00:30:00Z + 1h', now)).toBe(Date.UTC(2025, 2, 30, 1, 30));
  });

  it('refuses what is not a clock expression', () => {
    expect(evalClock('yesterday', now)).toBeUndefined();
    expect(evalClock('now - lots', now)).toBeUndefined();
    expect(evalClock('now * 2', now)).toBeUndefined();
  });

  it('formats DTM with the offset the zone has at that instant (DST)', () => {
    expect(dtmIn(Date.UTC(2025, 2, 30, 0, 30), 'Europe/London')).toBe('20250330003000+0000');
    expect(dtmIn(Date.UTC(2025, 2, 30, 1, 30), 'Europe/London')).toBe('20250330023000+0100');
    expect(dtmIn(Date.UTC(2025, 9, 26, 0, 30), 'Europe/London')).toBe('20251026013000+0100');
    expect(dtmIn(Date.UTC(2025, 0, 1, 12, 0), 'America/New_York')).toBe('20250101070000-0500');
    expect(dtmIn(Date.UTC(2025, 0, 1, 12, 0), '+05:30')).toBe('20250101173000+0530');
    expect(zoneOffsetMinutes('Australia/Lord_Howe', Date.UTC(2025, 0, 1))).toBe(660);
  });

  it('reads instants from DTM and FHIR text alike', () => {
    expect(parseInstant('20250330023000+0100')).toBe(Date.UTC(2025, 2, 30, 1, 30));
    expect(parseInstant('2025-03-30T02:30:00+01:00')).toBe(Date.UTC(2025, 2, 30, 1, 30));
    expect(parseInstant('20250330023000')).toBeUndefined(); // no zone: no instant
    expect(parseInstant('soon')).toBeUndefined();
  });
});

describe('placeholders', () => {
  const vars = new Map([
    ['mrn', 'M1'],
    ['observed', '20250330023000+0100'],
    ['text', 'A|B^C&D'],
  ]);

  it('substitutes values, clock expressions, defaults and filters', () => {
    expect(render('PID|1||{{mrn}}', { vars, time })).toBe('PID|1||M1');
    expect(render('{{ observed | fhir }}', { vars, time })).toBe('2025-03-30T02:30:00+01:00');
    expect(render('{{observed | iso}}', { vars, time })).toBe('2025-03-30T01:30:00.000Z');
    expect(render('{{now - 1h}}', { vars, time })).toBe('20260327133000+0000');
    expect(render('[{{missing ?? }}] [{{missing ?? R}}] [{{mrn ?? X}}]', { vars, time })).toBe(
      '[] [R] [M1]',
    );
    expect(render('{{text | url}}', { vars, time })).toBe('A%7CB%5EC%26D');
  });

  it('escapes values for ER7 when asked, never the template text', () => {
    const out = render('OBX|5|{{text}}', { vars, time, escape: (s) => s.replace(/\|/g, '\\F\\') });
    expect(out).toBe('OBX|5|A\\F\\B^C&D');
  });

  it('fails on unknown values and filters', () => {
    expect(() => render('{{nope}}', { vars, time })).toThrow(RenderError);
    expect(() => render('{{mrn | shout}}', { vars, time })).toThrow(/unknown filter/);
  });

  it('lists the names a text reads, for the load-time check', () => {
    expect(placeholderNames('{{a}} {{b ?? x}} {{now - w - 2h}} {{c | fhir}}')).toEqual({
      names: ['a', 'w', 'c'],
      problems: [],
    });
    expect(placeholderNames('{{a | bogus}} {{now ~ 2h}}').problems).toHaveLength(2);
  });

  it('parses durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('2 hours')).toBeUndefined();
  });
});
