/**
 * A message re-sent with the same MSH-10 (a sender retry, v2.5.1 2.9.1 and 2.10.1: MSH-10 is
 * the key a receiver uses to recognise a repeat) gets the original acknowledgement replayed byte
 * for byte and is neither filed nor forwarded again, in every profile. The `duplicate-filed`
 * fault files and forwards it a second time. What is checked: the ACK frames, the forwarded
 * copies at the downstream listener, the Observations, and the audit trail.
 */
import { describe, expect, it } from 'vitest';
import { FORWARD_APP, PROFILE_NAMES } from '../../src/site/index.js';
import {
  downstream,
  oru,
  patientWithOrder,
  testSite,
  uid,
  until,
  type TestSite,
} from './helpers.js';
import { results } from './portable-probes.js';

type Audit = { action: string; outcomeDesc?: string };

/**
 * Forwarded copies of an order's results. Once a later order's result has been forwarded,
 * everything queued before it has been too (one ordered queue, docs/site.md MLLP outbound).
 */
async function forwardsOf(t: TestSite, d: Awaited<ReturnType<typeof downstream>>, placer: string) {
  const marker = await patientWithOrder(t);
  await t.send(oru(marker.person, { placer: marker.placer }, [{}]));
  await until(() => d.got.some((g) => g.get('OBR-2') === marker.placer));
  return d.got.filter((g) => g.get('MSH-5') === FORWARD_APP && g.get('OBR-2') === placer);
}

for (const profile of PROFILE_NAMES) {
  describe(`duplicates, ${profile} profile`, () => {
    it('replays the original ACK (original mode), files and forwards once, audits the replay', async () => {
      const d = await downstream();
      const t = await testSite({ profile, downstream: d.listener.address });
      const { person, placer } = await patientWithOrder(t);
      const id = uid('D');
      const msg = oru(person, { placer, id }, [{ value: '4.0' }]);
      const first = await t.send(msg);
      const again = await t.send(msg);
      expect(first.code).toBe('AA');
      expect(again.acks).toEqual(first.acks);
      expect(await results(t, placer)).toHaveLength(1);
      expect(await forwardsOf(t, d, placer)).toHaveLength(1);
      const audit = await t.search<Audit>(
        `/AuditEvent?entity-identifier=${encodeURIComponent(`urn:golive:msh-10|${id}`)}`,
      );
      expect(audit.map((a) => [a.action, a.outcomeDesc])).toEqual([
        ['C', undefined],
        ['E', 'duplicate: original ACK replayed'],
      ]);
    });

    it('replays both frames in enhanced mode (commit ACK, then application ACK)', async () => {
      const t = await testSite({ profile });
      const { person, placer } = await patientWithOrder(t);
      const msg = oru(person, { placer, id: uid('D'), extra: '|||AL|AL' }, [{ value: '4.0' }]);
      const first = await t.send(msg);
      const again = await t.send(msg);
      expect(first.acks.map((a) => a.split('\r')[1]!.split('|')[1])).toEqual(['CA', 'AA']);
      expect(again.acks).toEqual(first.acks);
      expect(await results(t, placer)).toHaveLength(1);
    });

    it('a refused message is not remembered: the same MSH-10 is filed once its cause is fixed', async () => {
      const t = await testSite({ profile });
      const { person } = await patientWithOrder(t);
      const placer = uid('P');
      const id = uid('D');
      const msg = oru(person, { placer, id }, [{ value: '4.0' }]);
      expect((await t.send(msg)).code).toBe('AE'); // unknown order
      await patientWithOrder(t, { placer }, person);
      expect((await t.send(msg)).code).toBe('AA');
      expect(await results(t, placer)).toHaveLength(1);
    });

    it('duplicate-filed: the repeat is acknowledged anew, filed and forwarded a second time', async () => {
      const d = await downstream();
      const t = await testSite({
        profile,
        faults: ['duplicate-filed'],
        downstream: d.listener.address,
      });
      const { person, placer } = await patientWithOrder(t);
      const msg = oru(person, { placer, id: uid('D') }, [{ value: '4.0' }]);
      const first = await t.send(msg);
      const again = await t.send(msg);
      expect([first.code, again.code]).toEqual(['AA', 'AA']);
      expect(again.acks).not.toEqual(first.acks);
      expect((await results(t, placer)).map((o) => o.status)).toEqual(['final', 'final']);
      expect(await forwardsOf(t, d, placer)).toHaveLength(2);
    });
  });
}
