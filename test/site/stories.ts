/** Multi-step stories shared by the site tests. */
import { uid, type TestSite } from './helpers.js';

type Dev = { id: string; status: string };
type Proc = { id: string };

export async function sterilizationStory(t: TestSite, result: 'pass' | 'fail') {
  const ster = await t.post<Dev>('/Device', {
    resourceType: 'Device',
    identifier: [{ system: 'urn:golive:device', value: uid('STER') }],
    type: { text: 'sterilizer' },
    status: 'active',
  });
  const tray = (v: string) =>
    t.post<Dev>('/Device', {
      resourceType: 'Device',
      identifier: [{ system: 'urn:golive:tray', value: v }],
      type: { text: 'instrument tray' },
      status: 'active',
    });
  const t1 = (await tray(uid('T'))).body;
  const t2 = (await tray(uid('T'))).body;
  const other = (await tray(uid('T'))).body;
  const proc = (trayId: string, when: string) =>
    t.post<Proc>('/Procedure', {
      resourceType: 'Procedure',
      status: 'completed',
      subject: { reference: 'Patient/p1' },
      performedDateTime: when,
      focalDevice: [{ manipulated: { reference: `Device/${trayId}` } }],
    });
  const used = (await proc(t1.id, '2026-03-27T10:00:00+01:00')).body;
  const before = (await proc(t2.id, '2026-03-20T10:00:00+01:00')).body;
  const unrelated = (await proc(other.id, '2026-03-27T10:00:00+01:00')).body;
  const cycleId = uid('CY');
  const cycle = await t.post('/Observation', {
    resourceType: 'Observation',
    status: 'final',
    identifier: [{ system: 'urn:golive:sterilization-cycle', value: cycleId }],
    code: { coding: [{ system: 'urn:golive:sterilization', code: 'cycle-result' }] },
    subject: { reference: `Device/${ster.body.id}` },
    focus: [{ reference: `Device/${t1.id}` }, { reference: `Device/${t2.id}` }],
    effectiveDateTime: '2026-03-27T08:00:00+01:00',
    valueCodeableConcept: { coding: [{ system: 'urn:golive:sterilization', code: result }] },
  });
  return { ster: ster.body, t1, t2, other, used, before, unrelated, cycleId, cycle };
}
