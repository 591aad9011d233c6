import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  listScenarios,
  loadBuiltinScenarios,
  loadScenarioText,
  selectScenarios,
} from '../../src/scenarios/index.js';

const HEAD = `id: site.example
title: An example
domain: workflow
criteria: [workflow.exceptions]
severity: major
action: fix it
variables:
  mrn: { generate: mrn }
  family: { generate: family-name }
  given: { generate: given-name }
  birthDate: { generate: birth-date }
steps:
`;

const REGISTER = `  - type: send
    title: Register
    template: adt-a04
`;

function loadError(text: string, file = 'bad.yaml'): UserError {
  try {
    loadScenarioText(text, file);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected the scenario to be refused');
}

describe('built-in scenarios', () => {
  const builtins = loadBuiltinScenarios();
  const ids = builtins.map((b) => b.scenario.id);

  it('cover SCENARIOS.md except the load one', () => {
    expect(ids.sort()).toEqual([
      'baseline.order-result',
      'compliance.audit-coverage',
      'downtime.recovery',
      'identity.correction',
      'identity.duplicate-merge',
      'message.duplicate',
      'order.cancel',
      'order.modify-reentry',
      'order.stat',
      'order.unknown',
      'result.correction',
      'result.critical-escalation',
      'result.retraction',
      'result.value-fidelity',
      'specimen.delayed',
      'specimen.relabel',
      'sterilization.cycle-failure',
      'time.zones-ordering',
    ]);
  });

  it('name their review criteria as REVIEW.md and SCENARIOS.md map them', () => {
    const crit = Object.fromEntries(builtins.map((b) => [b.scenario.id, b.scenario.criteria]));
    expect(crit['result.correction']).toEqual(['interop.updates', 'workflow.exceptions']);
    expect(crit['identity.duplicate-merge']).toContain('interop.identity');
    expect(crit['identity.correction']).toContain('interop.identity');
    expect(crit['result.critical-escalation']).toEqual(['workflow.critical-escalation']);
    expect(crit['downtime.recovery']).toEqual(['workflow.downtime-recovery']);
    expect(crit['result.value-fidelity']).toContain('interop.units-flags');
    expect(crit['time.zones-ordering']).toContain('interop.timestamps');
    expect(crit['message.duplicate']).toContain('interop.message-integrity');
    expect(crit['compliance.audit-coverage']).toEqual(['compliance.audit-trail']);
  });

  it('give a clinical sentence for every way they can fail', () => {
    for (const b of builtins) {
      for (const st of b.scenario.steps) {
        if (st.type === 'expect-fhir' || st.type === 'fhir') {
          for (const a of st.assert ?? []) expect(a.fail.length).toBeGreaterThan(15);
        }
      }
      expect(b.scenario.action.length).toBeGreaterThan(20);
    }
  });

  it('list one line each', () => {
    const rows = listScenarios(builtins);
    expect(rows).toHaveLength(18);
    for (const r of rows) expect(r.title).not.toMatch(/\n/);
  });
});

describe('bad scenario files are refused with file:line:col', () => {
  it('unknown key in a step', () => {
    const e = loadError(`${HEAD}${REGISTER}    tempalte: adt-a04\n`);
    // The step holding the unknown key (the message names the key).
    expect(e.format()).toMatch(/^error E_SCHEMA: bad\.yaml:13:5 steps\[0\]/);
    expect(e.message).toMatch(/tempalte/);
  });

  it('unknown step type', () => {
    const e = loadError(`${HEAD}  - type: teleport\n    title: Beam me up\n`);
    expect(e.location).toMatchObject({ file: 'bad.yaml', line: 13, path: 'steps[0].type' });
  });

  it('a placeholder nothing defines', () => {
    const text = `${HEAD}${REGISTER}    with: { given: '{{givn}}' }\n`;
    const e = loadError(text);
    expect(e.code).toBe('E_SCENARIO');
    expect(e.message).toMatch(/unknown value \{\{givn\}\}/);
    expect(e.location?.line).toBe(13);
  });

  it('a template value the scenario does not define', () => {
    const e = loadError(HEAD.replace('  given: { generate: given-name }\n', '') + REGISTER);
    expect(e.message).toMatch(/template "adt-a04" needs \{\{given\}\}/);
    expect(e.location).toMatchObject({ line: 14, col: 15, path: 'steps[0].template' });
  });

  it('FHIRPath that does not compile, pointed at the expression', () => {
    const text = `${HEAD}${REGISTER}  - type: expect-fhir
    title: Check
    search: 'Patient?identifier={{mrn}}'
    assert:
      - path: entry.resource.where(active = )
        count: 1
        fail: the patient is missing
`;
    const e = loadError(text);
    expect(e.message).toMatch(/FHIRPath does not compile/);
    expect(e.location).toMatchObject({ line: 20, col: 15, path: 'steps[1].assert[0].path' });
  });

  it('a FHIRPath %variable nothing defines', () => {
    const text = `${HEAD}  - type: expect-fhir
    title: Check
    search: Patient
    assert:
      - that: entry.resource.id = %patientId
        fail: the patient is missing
`;
    expect(loadError(text).message).toMatch(/reads %patientId/);
  });

  it('a bad HL7 field path, a missing template, a resend of nothing, duplicate step ids', () => {
    expect(loadError(`${HEAD}${REGISTER}    set: { PID3: x }\n`).message).toMatch(/field path/);
    expect(
      loadError(`${HEAD}  - type: send\n    title: x\n    template: adt-a99\n`).message,
    ).toMatch(/no HL7 template named "adt-a99"/);
    expect(loadError(`${HEAD}  - type: send\n    title: x\n    resend: first\n`).message).toMatch(
      /no earlier step with id "first"/,
    );
    const dup = `${HEAD}  - { id: a, type: wait, title: w, for: 1s }\n  - { id: a, type: wait, title: w, for: 1s }\n`;
    expect(loadError(dup).location).toMatchObject({ line: 14, path: 'steps[1].id' });
  });

  it('unknown criteria and bad durations', () => {
    const e = loadError(HEAD.replace('workflow.exceptions', 'workflow.exeptions') + REGISTER);
    expect(e.location).toMatchObject({ line: 4, path: 'criteria[0]' });
    expect(loadError(`${HEAD}  - { type: wait, title: w, for: forever }\n`).message).toMatch(
      /not a duration/,
    );
  });

  it('YAML alias bombs, duplicate keys and prototype keys', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
`;
    expect(loadError(bomb).code).toBe('E_YAML_ALIAS');
    const dup = loadError(`${HEAD}${REGISTER}title: again\n`);
    expect(dup.code).toBe('E_YAML_DUPLICATE_KEY');
    expect(dup.location?.line).toBe(16);
    expect(loadError(`__proto__: { x: 1 }\n${HEAD}`).code).toBe('E_YAML_KEY');
    expect(loadError(`${'['.repeat(80)}${']'.repeat(80)}\n`).code).toBe('E_YAML_DEPTH');
  });
});

describe('selecting scenarios', () => {
  const builtins = loadBuiltinScenarios();

  it('by id, glob and file; unknown ids are bad input', () => {
    expect(selectScenarios(['order.*'], { builtins }).map((l) => l.scenario.id)).toEqual([
      'order.cancel',
      'order.modify-reentry',
      'order.stat',
      'order.unknown',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'golive-sc-'));
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, `${HEAD}${REGISTER}`);
    expect(selectScenarios([file, 'order.stat'], { builtins }).map((l) => l.scenario.id)).toEqual([
      'site.example',
      'order.stat',
    ]);
    expect(() => selectScenarios(['order.nope'], { builtins })).toThrow(/no scenario matches/);
  });

  it('from the config: include, exclude (ignored for ids named on the command line)', () => {
    const picked = selectScenarios([], {
      builtins,
      include: ['result.*'],
      exclude: ['*.retraction'],
    });
    expect(picked.map((l) => l.scenario.id)).toEqual([
      'result.correction',
      'result.critical-escalation',
      'result.value-fidelity',
    ]);
    expect(selectScenarios(['result.retraction'], { builtins, exclude: ['*'] })).toHaveLength(1);
  });
});
