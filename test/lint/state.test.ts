/**
 * The compact per-key state of lint (hashed maps, seen messages, string caches) behaves like the
 * BoundedMap it replaces, findings past a rule's cap are never built, and state kept across
 * messages does not keep the messages themselves alive.
 */
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { BoundedMap, LintEngine, lintText, parseLintConfig } from '../../src/lint/index.js';
import { detach } from '../../src/lint/fast-fields.js';
import { HashedMap, PartsHash, StringCache } from '../../src/lint/hashed-map.js';
import { contentHash, SeenMessages } from '../../src/lint/seen-messages.js';
import { readHl7Stream } from '../../src/inputs/hl7-files.js';
import { BASE, NOW, msg, stream } from './helpers.js';

const key = (...parts: (string | undefined)[]) => {
  const k = new PartsHash().reset();
  for (const p of parts) k.add(p);
  return k;
};

describe('PartsHash', () => {
  it('keeps part boundaries and treats undefined as empty', () => {
    const a = key('ab', 'c');
    const b = key('a', 'bc');
    expect([a.h1, a.h2]).not.toEqual([b.h1, b.h2]);
    const u = key(undefined, 'x');
    const e = key('', 'x');
    expect([u.h1, u.h2]).toEqual([e.h1, e.h2]);
    expect(Number.isInteger(a.key) && a.key >= 0 && a.key < 2 ** 30).toBe(true);
  });
});

describe('HashedMap', () => {
  it('evicts and refreshes exactly like BoundedMap (least recently written first)', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const bounded = new BoundedMap<string, number>(50);
    const hashed = new HashedMap<number>(50);
    for (let i = 0; i < 20_000; i++) {
      const k = `k${rnd(120)}`;
      const op = rnd(10);
      if (op < 5) {
        bounded.set(k, i);
        hashed.set(key(k), i);
      } else if (op < 7) {
        bounded.touch(k);
        const s = hashed.find(key(k));
        if (s >= 0) hashed.touch(s);
      } else if (op < 8) {
        expect(hashed.delete(key(k))).toBe(bounded.delete(k));
      } else expect(hashed.get(key(k))).toBe(bounded.get(k));
      expect(hashed.size).toBe(bounded.size);
    }
    expect(hashed.evicted).toBe(bounded.evicted);
    expect([...hashed.valuesInOrder()]).toEqual([...bounded.values()]);
  });
});

describe('SeenMessages', () => {
  it('remembers keys oldest-first out at the bound, with where each was', () => {
    const seen = new SeenMessages(3);
    const at = (index: number) => ({ file: 'f.hl7', index, offset: index * 100, controlId: 'x' });
    for (let i = 1; i <= 5; i++) seen.add(key('APP', 'FAC', `C${i}`), 1000 + i, at(i));
    expect(seen.evicted).toBe(2);
    expect(seen.get(key('APP', 'FAC', 'C1'), 'C1')).toBeUndefined();
    expect(seen.get(key('APP', 'FAC', 'C2'), 'C2')).toBeUndefined();
    expect(seen.get(key('APP', 'FAC', 'C4'), 'C4')).toEqual({
      hash: 1004,
      at: { file: 'f.hl7', index: 4, offset: 400, controlId: 'C4' },
    });
    expect(seen.get(key('APP', 'OTHER', 'C4'), 'C4')).toBeUndefined();
  });

  it('agrees with a plain map through growth, wrap-around and eviction', () => {
    const seen = new SeenMessages(700);
    const ref = new Map<string, number>();
    const order: string[] = [];
    let adds = 0;
    let seed = 11;
    for (let i = 0; i < 20_000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const id = `C${seed % 3000}`;
      const k = key('APP', 'FAC', id);
      const got = seen.get(k, id);
      expect(got?.hash).toBe(ref.get(id));
      if (got) continue;
      seen.add(k, i, { file: 'f', index: i, offset: i });
      adds++;
      ref.set(id, i);
      order.push(id);
      if (ref.size > 700) ref.delete(order.shift()!);
    }
    expect(seen.evicted).toBe(adds - 700);
  });

  it('content hash: equal content, equal hash; line endings folded for text', () => {
    const bytes = new TextEncoder().encode(`${BASE}\r`);
    expect(contentHash('', bytes)).toBe(contentHash('', bytes.slice()));
    expect(contentHash('', bytes)).not.toBe(
      contentHash('', new TextEncoder().encode(`${BASE}x\r`)),
    );
    expect(contentHash('A\r\nB')).toBe(contentHash('A\rB'));
    expect(contentHash('A\rB')).not.toBe(contentHash('A\rC'));
  });
});

describe('StringCache', () => {
  it('computes a value once per text and keeps a copy of the text', () => {
    let made = 0;
    const cache = new StringCache<number>(2, (t) => (made++, t.length));
    expect(cache.get('abc')).toBe(3);
    expect(cache.get('abc')).toBe(3);
    expect(made).toBe(1);
    cache.get('de');
    cache.get('fghi'); // full: cleared, then filled again
    expect(cache.get('abc')).toBe(3);
    expect(made).toBe(4);
    expect(detach('a string longer than thirteen')).toBe('a string longer than thirteen');
  });
});

describe('findings past the cap', () => {
  it('are counted but never described, unless streamed', () => {
    const many = stream(
      ...Array.from({ length: 20 }, (_, i) => msg({ 'MSH-10': `C${i}`, 'OBX-6': 'UMOLL' })),
    );
    const config = parseLintConfig({ limits: { maxFindingsPerRule: 2 } });
    const r = lintText(many, { config, nowMs: NOW });
    expect(r.summary.byRule['units.invalid-ucum']).toBe(20);
    expect(r.findings.filter((f) => f.rule === 'units.invalid-ucum')).toHaveLength(2);
    const streamed: string[] = [];
    lintText(many, { config, nowMs: NOW, onFinding: (f) => streamed.push(f.message) });
    expect(streamed.filter((m) => m.includes('UMOLL'))).toHaveLength(20);
  });
});

describe('state kept across messages', () => {
  it('does not keep the messages themselves alive', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // One patient, a new long control id and order per message, and a 4 KB note: every message
    // adds control-id and status state; a kept slice of a message would pin all 4 KB of it.
    const note = `NTE|1||${'x'.repeat(4000)}`;
    const text = Array.from({ length: 3000 }, (_, i) =>
      [
        msg({
          'MSH-10': `CONTROL-${i}-0123456789-0123456789`,
          'ORC-3': `FILLER-ORDER-NUMBER-${i}`,
          'OBR-3': `FILLER-ORDER-NUMBER-${i}`,
          'PID-3': '123456^^^A-LONG-ASSIGNING-AUTHORITY^MR',
        }),
        note,
      ].join('\r'),
    ).join('\n');
    const input = Buffer.from(text);
    gc();
    const before = process.memoryUsage().heapUsed;
    let engine: LintEngine | undefined = new LintEngine({ nowMs: NOW });
    for await (const item of readHl7Stream(Readable.from([input]), 'mem.hl7')) engine.push(item);
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    expect(engine.finish().summary.messages).toBe(3000);
    engine = undefined;
    // ~3000 x (control id + status entry): well under 1 KB a message; the texts are 12 MB.
    expect(kept / 3000).toBeLessThan(1024);
  });
});
