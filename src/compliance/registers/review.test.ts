import { describe, expect, it } from 'vitest';
import { changeRow, deviceRow, validationRow } from './schema.js';
import { reviewChanges, reviewDevices } from './review.js';

const NOW = new Date('2026-02-27T12:00:00Z');
const at = (file: string, n: number) => ({ file, row: n, line: n + 1 });

const device = {
  device: 'DEV-1',
  network: 'VLAN 210',
  owner: 'Laboratory',
  patching: 'quarterly',
  authentication: 'badge',
  encryption: 'TLS 1.2',
  remote_access: 'none',
  disclosure_form: 'MDS2 2025',
};
const devRules = (d: Record<string, unknown>) =>
  reviewDevices([{ value: deviceRow.parse({ ...device, ...d }), at: at('devices.csv', 1) }], {
    now: NOW,
  }).findings.map((f) => f.rule);

describe('device inventory', () => {
  it('passes a device with every control documented; "none" remote access is a good answer', () => {
    const r = reviewDevices([{ value: deviceRow.parse(device), at: at('devices.csv', 1) }], {
      now: NOW,
    });
    expect(r.outcome).toBe('pass');
    expect(r.criteria).toEqual(['compliance.device-security']);
    expect(r.measurements.devices_complete_pct).toBe(100);
  });

  it('flags undocumented controls, naming them, at the first missing cell', () => {
    const r = reviewDevices(
      [
        {
          value: deviceRow.parse({ ...device, encryption: undefined, patching: 'unknown' }),
          at: at('devices.csv', 3),
        },
      ],
      { now: NOW },
    );
    expect(r.outcome).toBe('fail');
    const f = r.findings[0]!;
    expect(f.rule).toBe('registers.device-controls-missing');
    expect(f.message).toContain('encryption');
    expect(f.message).toContain('patching');
    expect(f.location).toMatchObject({ file: 'devices.csv', row: 3, column: 'patching' });
  });

  it('counts a disclosure form marked "no" as missing and documented-absent encryption as a warning', () => {
    expect(devRules({ disclosure_form: 'no' })).toEqual(['registers.device-controls-missing']);
    expect(devRules({ encryption: 'none' })).toEqual(['registers.device-control-absent']);
    expect(devRules({ owner: undefined })).toEqual(['registers.device-no-owner']);
  });
});

const change = {
  change: 'CHG-1',
  approver: 'CAB',
  approved_at: '2026-01-10',
  validation_ref: 'VAL-S',
  date: '2026-01-20',
  post_launch_owner: 'R O',
};
const site = {
  id: 'VAL-S',
  change: 'CHG-1',
  scope: 'site',
  date: '2026-01-15',
  approved_by: 'Lab director',
  result: 'pass',
};
const vendor = {
  id: 'VAL-V',
  change: 'CHG-1',
  scope: 'vendor-only',
  date: '2026-01-05',
  approved_by: 'Vendor QA',
  result: 'passed',
};

function changeRules(c: Record<string, unknown>, vals: Record<string, unknown>[]): string[] {
  return reviewChanges(
    [{ value: changeRow.parse({ ...change, ...c }), at: at('changes.csv', 1) }],
    vals.map((v, i) => ({ value: validationRow.parse(v), at: at('validations.csv', i + 1) })),
    { now: NOW },
  ).findings.map((f) => f.rule);
}

describe('change register', () => {
  it('passes an approved, owned change with an approved passing site validation', () => {
    expect(changeRules({}, [site])).toEqual([]);
    expect(changeRules({ validation_ref: undefined }, [site])).toEqual([]); // linked by the validation's change column
    expect(changeRules({}, [site, vendor])).toEqual([]); // vendor testing on top of site validation is fine
  });

  it('flags a change validated by the vendor only', () => {
    expect(changeRules({ validation_ref: 'VAL-V' }, [vendor])).toEqual([
      'registers.validation-vendor-only',
    ]);
  });

  it('flags unapproved changes, including approval after the change was made', () => {
    expect(changeRules({ approver: undefined }, [site])).toEqual(['registers.change-unapproved']);
    expect(changeRules({ approved_at: '2026-01-21' }, [site])).toEqual([
      'registers.change-unapproved',
    ]);
    expect(changeRules({ approved_at: '2026-01-20' }, [site])).toEqual([]); // same day is fine
  });

  it('flags missing owner, missing or dangling validation, unapproved and failed validation', () => {
    expect(changeRules({ post_launch_owner: undefined }, [site])).toEqual([
      'registers.change-no-owner',
    ]);
    expect(changeRules({ validation_ref: 'VAL-9' }, [])).toEqual(['registers.change-unvalidated']);
    expect(changeRules({}, [{ ...site, approved_by: undefined }])).toEqual([
      'registers.validation-unapproved',
    ]);
    expect(changeRules({}, [{ ...site, result: 'fail' }])).toEqual(['registers.validation-failed']);
  });
});
