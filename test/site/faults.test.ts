import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_NAMES, type FaultName, type SiteOptions } from '../../src/site/index.js';
import { runBattery } from './battery.js';
import { onCleanup, oru, patientWithOrder, testSite } from './helpers.js';

/** Which probes of the battery each fault must change (and no others). */
const AFFECTS: Record<FaultName, string[]> = {
  'ignore-corrections': ['correction'],
  'merge-not-applied': ['merge'],
  'correction-ignored': ['identityUpdate', 'identifierChange'],
  'drop-tz': ['tz'],
  'late-prelim-overwrites-final': ['latePrelim'],
  'unit-rewrite': ['unit'],
  'flag-dropped': ['flags'],
  'escape-mangled': ['escape'],
  'cancel-ignored': ['cancel'],
  'reentry-duplicates': ['reentry'],
  'relabel-orphan': ['relabel'],
  'stability-ignored': ['stability'],
  'stat-downgraded': ['priority'],
  'no-critical-notify': ['critical'],
  'slow-critical-notify': ['critical'],
  'retraction-ignored': ['retraction'],
  'wrong-patient-on-unknown-order': ['unknownOrder'],
  'duplicate-filed': ['duplicate'],
  'lost-on-restart': ['restart'],
  'cycle-failure-ignored': ['cycle'],
  'no-audit-on-read': ['auditRead'],
  // Dormant below their thresholds (set high here); their own tests below trigger them.
  'burst-drop': [],
  'slow-under-load': [],
};

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'golive-site-'));
  onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const base = (): SiteOptions => ({
  dataFile: join(dataDir(), 'site.db'),
  faultOptions: { burstRatePerSec: 100_000, slowPerMessageMs: 0.01, slowCriticalNotifyMs: 60_000 },
});

describe('faults', () => {
  let clean: Record<string, unknown> | undefined;
  const baseline = async () => (clean ??= await runBattery(await testSite(base())));

  it('the fault-free site keeps every rule', async () => {
    const b = await baseline();
    expect(b).toMatchObject({
      correction: [['corrected', 4.4]],
      retraction: ['entered-in-error'],
      latePrelim: [['final', 4]],
      merge: [false, 'AE', 1],
      identityUpdate: 'After',
      identifierChange: 1,
      tz: '2026-03-29T01:30:00+01:00',
      unit: [4.1, 'mmol/L'],
      flags: 1,
      escape: 'H&E | café',
      cancel: ['revoked', 'AE'],
      reentry: 1,
      relabel: 2,
      stability: 'unsatisfactory',
      priority: 'stat',
      critical: [1, true],
      unknownOrder: 'AE',
      duplicate: ['AA', 1],
      cycle: 'inactive',
      auditRead: 1,
      restart: 1,
    });
  });

  it('covers every fault named in SITE.md', () => {
    expect(Object.keys(AFFECTS).sort()).toEqual([...FAULT_NAMES].sort());
  });

  for (const fault of FAULT_NAMES) {
    it(`${fault} changes exactly ${AFFECTS[fault].join(', ') || 'nothing below its threshold'}`, async () => {
      const b = await baseline();
      const got = await runBattery(await testSite({ ...base(), faults: [fault] }));
      const changed = Object.keys(b).filter((k) => JSON.stringify(b[k]) !== JSON.stringify(got[k]));
      expect(changed.sort()).toEqual([...AFFECTS[fault]].sort());
    });
  }

  it('burst-drop ACKs every message of a burst with AA and files only up to the rate', async () => {
    const t = await testSite({ faults: ['burst-drop'], faultOptions: { burstRatePerSec: 5 } });
    const { person, placer } = await patientWithOrder(t);
    const codes: string[] = [];
    for (let i = 0; i < 15; i++)
      codes.push(
        (await t.send(oru(person, { placer }, [{ code: `C${i}^Test ${i}^L`, value: String(i) }])))!
          .code!,
      );
    expect(codes.every((c) => c === 'AA')).toBe(true);
    const filed = (await t.search(`/Observation?_count=100`)).length;
    expect(filed).toBeLessThan(15);
    expect(filed).toBeGreaterThan(0);
  });

  it('slow-under-load makes each message wait in proportion to the messages of the last second', async () => {
    const t = await testSite({
      faults: ['slow-under-load'],
      faultOptions: { slowPerMessageMs: 10 },
    });
    const { person, placer } = await patientWithOrder(t);
    const t0 = performance.now();
    // Pipelined on one connection: message k waits at least 10 ms x k (timers never fire early).
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.send(oru(person, { placer }, [{ code: `C${i}^T^L`, value: '1' }])),
      ),
    );
    expect(performance.now() - t0).toBeGreaterThanOrEqual(
      10 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10) - 10,
    );
  });
});
