/**
 * Sterilization cycles arrive as FHIR (no HL7 v2 standard covers them; docs/site.md,
 * Sterilization). A failed cycle quarantines its trays and lists the procedures that used them.
 */
import type {
  CodeableConcept,
  Device,
  Observation,
  Procedure,
  Reference,
  Resource,
} from '../fhir/index.js';
import { dateRange } from '../fhir/index.js';

export const STERILIZATION = 'urn:golive:sterilization';
export const CYCLE_ID = 'urn:golive:sterilization-cycle';

const failedCode = (code: string, text: string): CodeableConcept => ({
  coding: [{ system: STERILIZATION, code }],
  text,
});

export function isCycleResult(o: Resource): o is Observation {
  return (
    o.resourceType === 'Observation' &&
    !!(o as Observation).code?.coding?.some(
      (c) => c.system === STERILIZATION && c.code === 'cycle-result',
    )
  );
}

export function cycleFailed(o: Observation): boolean {
  return !!o.valueCodeableConcept?.coding?.some(
    (c) => c.system === STERILIZATION && c.code === 'fail',
  );
}

function performedStart(p: Procedure): number | undefined {
  const t = p.performedDateTime ?? p.performedPeriod?.start;
  return t ? dateRange(t)?.start : undefined;
}

export interface CycleStore {
  get<T extends Resource>(type: string, id: string): T | undefined;
  all<T extends Resource>(type: string): T[];
  clone<T extends Resource>(r: T): T;
  put<T extends Resource>(r: T): T;
  newId(): string;
}

/** Apply a failed cycle; returns the references it changed or created (for the audit). */
export function applyFailedCycle(s: CycleStore, cycle: Observation): string[] {
  const touched: string[] = [];
  const cycleId = cycle.identifier?.find((i) => i.system === CYCLE_ID)?.value ?? cycle.id!;
  const trayRefs = new Set(
    (cycle.focus ?? []).map((f) => f.reference).filter((r): r is string => !!r),
  );
  const at = cycle.effectiveDateTime ? dateRange(cycle.effectiveDateTime)?.start : undefined;
  for (const ref of trayRefs) {
    const [type, id] = ref.split('/');
    const tray = type === 'Device' && id ? s.get<Device>('Device', id) : undefined;
    if (!tray) continue;
    const t = s.clone(tray);
    t.status = 'inactive';
    t.safety = [
      ...(t.safety ?? []),
      failedCode('failed-cycle', `quarantined: sterilization cycle ${cycleId} failed`),
    ];
    t.note = [
      ...(t.note ?? []),
      { text: `Sterilization cycle ${cycleId} failed its indicator: reprocess before use` },
    ];
    s.put(t);
    touched.push(ref);
  }
  const used = s.all<Procedure>('Procedure').filter((p) => {
    if (p.status !== 'completed') return false;
    if (
      !p.focalDevice?.some((d) => d.manipulated.reference && trayRefs.has(d.manipulated.reference))
    )
      return false;
    const start = performedStart(p);
    return at === undefined || start === undefined || start >= at;
  });
  for (const p of used) {
    const c = s.clone(p);
    c.complication = [
      ...(c.complication ?? []),
      failedCode('failed-cycle-exposure', `instruments from failed sterilization cycle ${cycleId}`),
    ];
    s.put(c);
    touched.push(`Procedure/${p.id}`);
  }
  const list = s.put({
    resourceType: 'List',
    id: s.newId(),
    identifier: [{ system: CYCLE_ID, value: cycleId }],
    status: 'current',
    mode: 'working',
    title: `Procedures that used trays from failed sterilization cycle ${cycleId}`,
    code: failedCode(
      'failed-cycle-procedures',
      'procedures exposed to a failed sterilization cycle',
    ),
    ...(cycle.subject ? { source: cycle.subject as Reference } : {}),
    ...(cycle.effectiveDateTime ? { date: cycle.effectiveDateTime } : {}),
    ...(used.length > 0
      ? { entry: used.map((p) => ({ item: { reference: `Procedure/${p.id}` } })) }
      : {
          emptyReason: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason',
                code: 'nilknown',
              },
            ],
          },
        }),
  });
  touched.push(`List/${list.id}`);
  return touched;
}
