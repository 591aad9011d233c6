import { describe, expect, it } from 'vitest';
import { oru, patientWithOrder, testSite, uid } from './helpers.js';

type Obs = Record<string, unknown> & {
  id: string;
  status: string;
  valueQuantity?: {
    value: number;
    comparator?: string;
    unit?: string;
    code?: string;
    system?: string;
  };
};
type DR = { status: string; result?: { reference: string }[] };

async function obsFor(
  t: Awaited<ReturnType<typeof testSite>>,
  placer: string,
  code = '2823-3',
  sub = '',
) {
  const r = await t.get<{ entry?: { resource: Obs }[] }>(
    `/Observation?identifier=urn:golive:obs|F${placer}/${code}/${sub}`,
  );
  return r.body.entry?.map((e) => e.resource) ?? [];
}

describe('results inbound', () => {
  it('maps value, unit, range, interpretation and effective time exactly as sent', async () => {
    const t = await testSite();
    const { person, placer } = await patientWithOrder(t);
    const r = await t.send(
      oru(person, { placer }, [
        { value: '6.10', flags: 'H', range: '3.5-5.1', time: '20260329013000+0100' },
        {
          code: '1751-7^Albumin^LN',
          type: 'SN',
          value: '<^0.5',
          units: 'g/dL^g/dL^UCUM',
          range: '>3.4',
        },
        { code: '8251-1^Comment^LN', type: 'ST', value: 'H\\T\\E \\F\\ café ñ', units: '' },
        { code: '5778-6^Color^LN', type: 'CWE', value: 'YEL^Yellow^L', units: '' },
      ]),
    );
    expect(r.code).toBe('AA');
    const raw = await fetch(
      `${t.site.fhirBase}/Observation?identifier=urn:golive:obs|F${placer}/2823-3/`,
    ).then((x) => x.text());
    expect(raw).toContain('"value":6.10');
    const [k] = await obsFor(t, placer);
    expect(k).toMatchObject({
      status: 'final',
      valueQuantity: {
        value: 6.1,
        unit: 'mmol/L',
        system: 'http://unitsofmeasure.org',
        code: 'mmol/L',
      },
      referenceRange: [{ text: '3.5-5.1', low: { value: 3.5 }, high: { value: 5.1 } }],
      interpretation: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
              code: 'H',
            },
          ],
        },
      ],
      effectiveDateTime: '2026-03-29T01:30:00+01:00',
    });
    const [alb] = await obsFor(t, placer, '1751-7');
    expect(alb!.valueQuantity).toMatchObject({ comparator: '<', value: 0.5, code: 'g/dL' });
    expect(alb!.referenceRange).toEqual([
      {
        text: '>3.4',
        low: { value: 3.4, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
      },
    ]);
    const [txt] = await obsFor(t, placer, '8251-1');
    expect(txt!.valueString).toBe('H&E | café ñ');
    const [col] = await obsFor(t, placer, '5778-6');
    expect(col!.valueCodeableConcept).toMatchObject({
      coding: [{ code: 'YEL', display: 'Yellow' }],
    });
    const [dr] = await t.search<DR>(`/DiagnosticReport?identifier=urn:golive:filler|F${placer}`);
    expect(dr!.status).toBe('final');
    expect(dr!.result).toHaveLength(4);
  });

  it('a correction supersedes; a retraction leaves nothing current; a late preliminary never overwrites a final', async () => {
    const t = await testSite();
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ value: '4.0', status: 'F' }]));
    expect((await t.send(oru(person, { placer }, [{ value: '3.9', status: 'P' }]))).code).toBe(
      'AA',
    );
    let [o] = await obsFor(t, placer);
    expect([o!.status, o!.valueQuantity!.value]).toEqual(['final', 4]);
    await t.send(oru(person, { placer }, [{ value: '4.4', status: 'C' }]));
    [o] = await obsFor(t, placer);
    expect([
      o!.status,
      o!.valueQuantity!.value,
      (o!.meta as { versionId: string }).versionId,
    ]).toEqual(['corrected', 4.4, '2']);
    const [dr] = await t.search<DR>(`/DiagnosticReport?identifier=F${placer}`);
    expect(dr!.status).toBe('corrected');
    await t.send(oru(person, { placer }, [{ value: '', status: 'W' }]));
    [o] = await obsFor(t, placer);
    expect(o!.status).toBe('entered-in-error');
    const [dr2] = await t.search<DR>(`/DiagnosticReport?identifier=F${placer}`);
    expect(dr2!.result ?? []).toHaveLength(0);
    expect(
      await t.search(
        `/Observation?identifier=F${placer}/2823-3/&status=final,corrected,preliminary`,
      ),
    ).toHaveLength(0);
  });

  it('refuses unknown orders, mismatched patients and bad values, filing nothing', async () => {
    const t = await testSite();
    const { person, placer } = await patientWithOrder(t);
    const other = await patientWithOrder(t);
    const unknown = await t.send(oru(person, { placer: uid('P') }, [{}]));
    expect([unknown.code, unknown.errors[0]!.code, unknown.errors[0]!.location]).toEqual([
      'AE',
      '204',
      'OBR-2',
    ]);
    expect(unknown.errors[0]!.message).toMatch(/unknown order .*: result not filed/);
    const mismatch = await t.send(oru(other.person, { placer }, [{}]));
    expect([mismatch.code, mismatch.errors[0]!.code, mismatch.errors[0]!.location]).toEqual([
      'AE',
      '204',
      'PID-3',
    ]);
    const nm = await t.send(oru(person, { placer }, [{ value: 'high' }]));
    expect([nm.code, nm.errors[0]!.code, nm.errors[0]!.location]).toEqual(['AE', '102', 'OBX-5']);
    const st = await t.send(oru(person, { placer }, [{ status: 'Q' }]));
    expect([st.code, st.errors[0]!.code]).toEqual(['AE', '103']);
    // All or nothing: a good OBX before a bad one is not filed either.
    await t.send(
      oru(person, { placer }, [{ code: '2951-2^Sodium^LN', value: '140' }, { value: 'x' }]),
    );
    expect(await obsFor(t, placer, '2951-2')).toHaveLength(0);
    // A result without PID files under the order's patient.
    expect((await t.send(oru(undefined, { placer }, [{ value: '4.2' }]))).code).toBe('AA');
  });

  it('reads a time without an offset as the site local time', async () => {
    const t = await testSite({ localOffsetMinutes: 120 });
    const { person, placer } = await patientWithOrder(t);
    await t.send(oru(person, { placer }, [{ time: '202603271415' }]));
    const [o] = await obsFor(t, placer);
    expect(o!.effectiveDateTime).toBe('2026-03-27T14:15:00+02:00');
  });
});
