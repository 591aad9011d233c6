/**
 * The fault x profile matrix of the site itself (docs/site.md, Faults by profile): every fault
 * a profile can represent works there. The probe battery with lookups by FHIR relations only
 * (portable-probes.ts) runs on the minimal profile: the fault-free site observes exactly what
 * the fault-free standard site observes (same clinical facts), and each fault changes exactly
 * the probes it names. faults.test.ts does the same on the standard profile.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FAULT_NAMES,
  PROFILE_NAMES,
  UNREPRESENTABLE,
  faultsFor,
  type FaultName,
  type SiteOptions,
} from '../../src/site/index.js';
import { onCleanup, oru, patientWithOrder, testSite } from './helpers.js';
import { runPortableBattery } from './portable-probes.js';

/** Which probes each fault must change (and no others), whatever the profile. */
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

function dataFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'golive-site-'));
  onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'site.db');
}

const base = (profile: SiteOptions['profile']): SiteOptions => ({
  profile,
  dataFile: dataFile(),
  faultOptions: { burstRatePerSec: 100_000, slowPerMessageMs: 0.01, slowCriticalNotifyMs: 60_000 },
});

/** The rows of docs/site.md "Faults by profile": fault -> profile -> representable. */
function docTable(): Record<string, Record<string, boolean>> {
  const doc = readFileSync(resolve(import.meta.dirname, '../../docs/site.md'), 'utf8');
  const section = doc.split(/^### Faults by profile$/m)[1]!.split(/^#/m)[0]!;
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const header = lines[0]!.split('|').map((c) => c.trim());
  const out: Record<string, Record<string, boolean>> = {};
  for (const line of lines.slice(2)) {
    const cells = line.split('|').map((c) => c.trim());
    const fault = cells[1]!.replace(/`/g, '');
    out[fault] = {};
    for (const p of PROFILE_NAMES) {
      const col = header.findIndex((h) => h.startsWith(p));
      out[fault][p] = cells[col]!.startsWith('yes');
    }
  }
  return out;
}

describe('fault x profile matrix', () => {
  it('faultsFor(profile) lists the representable faults; docs/site.md says the same', () => {
    const table = docTable();
    expect(Object.keys(table).sort()).toEqual([...FAULT_NAMES].sort());
    for (const p of PROFILE_NAMES) {
      const fromDoc = FAULT_NAMES.filter((f) => table[f]![p]);
      expect([p, faultsFor(p)]).toEqual([p, fromDoc]);
      for (const f of FAULT_NAMES)
        expect([p, f, UNREPRESENTABLE[p][f] === undefined]).toEqual([
          p,
          f,
          faultsFor(p).includes(f),
        ]);
    }
  });

  it('every fault is representable in every profile today', () => {
    for (const p of PROFILE_NAMES) expect([p, faultsFor(p)]).toEqual([p, FAULT_NAMES]);
  });
});

describe('faults on the minimal profile', () => {
  let clean: Record<string, unknown> | undefined;
  const baseline = async () =>
    (clean ??= await runPortableBattery(await testSite(base('minimal'))));

  it('the fault-free minimal site observes the same clinical facts as the standard one', async () => {
    const standard = await runPortableBattery(await testSite(base('standard')));
    expect(await baseline()).toEqual(standard);
    expect(standard).toMatchObject({
      correction: [['corrected', 4.4]],
      retraction: ['entered-in-error'],
      latePrelim: [['final', 4]],
      duplicate: ['AA', 1],
      critical: [1, true],
      restart: 1,
    });
  });

  for (const fault of faultsFor('minimal')) {
    it(`${fault} changes exactly ${AFFECTS[fault].join(', ') || 'nothing below its threshold'}`, async () => {
      const b = await baseline();
      const got = await runPortableBattery(await testSite({ ...base('minimal'), faults: [fault] }));
      const changed = Object.keys(b).filter((k) => JSON.stringify(b[k]) !== JSON.stringify(got[k]));
      expect(changed.sort()).toEqual([...AFFECTS[fault]].sort());
    });
  }

  it('burst-drop ACKs every message of a burst with AA and files only up to the rate', async () => {
    const t = await testSite({
      profile: 'minimal',
      faults: ['burst-drop'],
      faultOptions: { burstRatePerSec: 5 },
    });
    const { person, placer } = await patientWithOrder(t);
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 15; i++)
      codes.push(
        (await t.send(oru(person, { placer }, [{ code: `C${i}^Test ${i}^L`, value: String(i) }])))
          .code,
      );
    expect(codes.every((c) => c === 'AA')).toBe(true);
    const [sr] = await t.search<{ id: string }>(`/ServiceRequest?identifier=${placer}`);
    const filed = (await t.search(`/Observation?based-on=ServiceRequest/${sr!.id}&_count=100`))
      .length;
    expect(filed).toBeLessThan(15);
    expect(filed).toBeGreaterThan(0);
  });

  it('slow-under-load makes each message wait in proportion to the messages of the last second', async () => {
    const t = await testSite({
      profile: 'minimal',
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
    expect(performance.now() - t0).toBeGreaterThanOrEqual(10 * 55 - 10);
  });
});
