/** Bad inputs: every problem is reported with file:row:column (or file:line) and nothing is half-imported. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { loadAccessFiles, loadChanges, loadDevices } from '../../src/compliance/index.js';
import { loadPlan, loadTasks } from '../../src/adoption/index.js';

const dir = mkdtempSync(join(tmpdir(), 'golive-compliance-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function caught(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

const HEAD =
  'id,display_name,kind,clinical_role,roles,owner,last_login,interactive_login,credential_rotated_at,access_expires_at,approval_ref,active';
const roles = file('roles.csv', 'role,permissions,privileged\nnurse-role,patient.read,no\n');
const duties = file('duties.csv', 'clinical_role,permissions\nnurse,patient.read\n');
const access = (accounts: string) => loadAccessFiles({ accounts, roles, duties });

describe('tabular inputs', () => {
  it('loads a valid CSV', () => {
    const a = access(
      file('ok.csv', `${HEAD}\njdoe,J Doe,human,nurse,nurse-role,J Doe,2026-02-01,yes,,,,yes\n`),
    );
    expect(a.inputs.accounts[0]!.value).toMatchObject({
      id: 'jdoe',
      roles: ['nurse-role'],
      active: true,
    });
    expect(a.inputs.accounts[0]!.at).toMatchObject({ row: 1, line: 2 });
  });

  it('names file, row and column of a bad value, even after good rows', () => {
    const e = caught(() =>
      access(
        file(
          'bad-kind.csv',
          `${HEAD}\njdoe,J,human,nurse,nurse-role,,,yes,,,,yes\nx,X,robot,nurse,nurse-role,,,yes,,,,yes\n`,
        ),
      ),
    );
    expect(e.code).toBe('E_CSV_ROW');
    expect(e.location).toMatchObject({ row: 2, column: 'kind', line: 3 });
    expect(e.message).toContain('robot');
  });

  it('refuses bad dates and bad yes/no cells', () => {
    const d = caught(() =>
      access(
        file('bad-date.csv', `${HEAD}\njdoe,J,human,nurse,nurse-role,,2026-02-30,yes,,,,yes\n`),
      ),
    );
    expect(d.location).toMatchObject({ row: 1, column: 'last_login' });
    const b = caught(() =>
      access(file('bad-bool.csv', `${HEAD}\njdoe,J,human,nurse,nurse-role,,,maybe,,,,yes\n`)),
    );
    expect(b.location).toMatchObject({ column: 'interactive_login' });
    expect(b.message).toContain('yes or no');
  });

  it('refuses missing columns, unknown roles, duplicate ids', () => {
    expect(caught(() => access(file('cols.csv', 'id,kind\njdoe,human\n'))).code).toBe(
      'E_CSV_COLUMNS',
    );
    const r = caught(() =>
      access(file('role.csv', `${HEAD}\njdoe,J,human,nurse,nurse-role;superuser,,,yes,,,,yes\n`)),
    );
    expect(r.code).toBe('E_INPUT_REF');
    expect(r.location).toMatchObject({ row: 1, column: 'roles' });
    const dup = caught(() =>
      access(
        file(
          'dup.csv',
          `${HEAD}\njdoe,J,human,nurse,nurse-role,,,yes,,,,yes\njdoe,J,human,nurse,nurse-role,,,yes,,,,yes\n`,
        ),
      ),
    );
    expect(dup.code).toBe('E_INPUT_DUPLICATE');
    expect(dup.location).toMatchObject({ row: 2 });
  });

  it('gives line and column for a bad YAML row and rejects unknown keys', () => {
    const y = file(
      'acc.yaml',
      'accounts:\n  - id: jdoe\n    kind: human\n    clinical_role: nurse\n    roles: [nurse-role]\n    interactive_login: yes\n    active: sometimes\n',
    );
    const e = caught(() => access(y));
    expect(e.code).toBe('E_SCHEMA');
    expect(e.location).toMatchObject({ line: 7, path: 'accounts[0].active' });
    const k = caught(() =>
      access(
        file(
          'key.yaml',
          '- id: jdoe\n  kind: human\n  clinical_role: nurse\n  roles: [nurse-role]\n  interactive_login: no\n  active: yes\n  colour: red\n',
        ),
      ),
    );
    expect(k.message).toContain('colour');
  });

  it('loads registers and adoption inputs in YAML and CSV alike', () => {
    const devs = loadDevices(
      file(
        'd.yaml',
        'devices:\n  - device: D1\n    network: v1\n    owner: lab\n    patching: q\n    authentication: a\n    encryption: e\n    remote_access: none\n    disclosure_form: yes\n',
      ),
    );
    expect(devs[0]!.value.disclosure_form).toBe('yes');
    const { changes } = loadChanges(
      file(
        'c.csv',
        'change,approver,approved_at,validation_ref,date,post_launch_owner\nC1,CAB,2026-01-01,V1;V2,2026-01-02,R\n',
      ),
    );
    expect(changes[0]!.value.validation_ref).toEqual(['V1', 'V2']);
    const t = loadTasks(
      file(
        't.csv',
        'role,participant,task,critical,exception,unaided,duration_s,errors,date\nrn,P1,Task,yes,no,yes,1:35,0,2026-02-01\n',
      ),
    );
    expect(t[0]!.value.duration_s).toBe(95);
    const p = loadPlan(file('p.yaml', 'launch:\n  units: [ICU, ED]\n  shifts: [day, night]\n'));
    expect(p.shifts).toHaveLength(4);
  });

  it('refuses an unsupported file type with a hint', () => {
    const e = caught(() => loadDevices(file('d.xlsx', 'x')));
    expect(e.code).toBe('E_INPUT_FORMAT');
  });
});
