import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildJsonReport,
  renderJson,
  reportJsonSchema,
  reportJsonSchemaDocument,
} from '../../src/report/index.js';
import { fixtureInput } from './fixture.js';

const SCHEMA_FILE = new URL('../../schemas/report.schema.json', import.meta.url);

describe('JSON report', () => {
  it('matches the documented schema', () => {
    const parsed = JSON.parse(renderJson(fixtureInput())) as unknown;
    const result = reportJsonSchema.safeParse(parsed);
    expect(result.success, JSON.stringify(result.error?.issues.slice(0, 3))).toBe(true);
  });

  it('leads with decision, questions and criteria as the issue specifies', () => {
    const r = buildJsonReport(fixtureInput());
    expect(r.decision).toBe('NO_GO');
    expect(r.questions.map((q) => q.domain)).toEqual([
      'workflow',
      'interop',
      'compliance',
      'adoption',
      'infrastructure',
    ]);
    expect(r.criteria).toHaveLength(24);
    expect(Object.keys(r.criteria[0]!).sort()).toEqual(
      ['domain', 'evidence', 'id', 'owner', 'reason', 'severity', 'status', 'title'].sort(),
    );
    expect(r.criteria.find((c) => c.id === 'workflow.exceptions')).toMatchObject({
      status: 'not-met',
      severity: 'blocker',
      evidence: ['ev-0001'],
    });
  });

  it('summarises checks, findings in all five domains, exchanges and evidence with hashes', () => {
    const r = buildJsonReport(fixtureInput());
    expect(r.checks.total).toBe(9);
    expect(r.checks.byOutcome).toEqual({ pass: 2, fail: 5, error: 1, skip: 1 });
    expect(r.checks.byKind['scenario']).toEqual({ pass: 1, fail: 1, error: 1, skip: 0 });
    const scenario = r.checks.items.find((c) => c.check === 'order.cancel')!;
    expect(scenario.steps?.[2]).toMatchObject({ outcome: 'fail', exchangeIds: ['x-3'] });
    expect(scenario.exchangeIds).toEqual(['x-1', 'x-2', 'x-3']);
    const load = r.checks.items.find((c) => c.kind === 'load')!;
    expect(load.load?.seriesPoints).toBe(30);
    expect(load.load?.thresholds.filter((t) => !t.ok)).toHaveLength(2);
    for (const d of ['workflow', 'interop', 'compliance', 'adoption', 'infrastructure'])
      expect(r.findings.byDomain[d]).toBeGreaterThan(0);
    expect(r.findings.items[0]!.severity).toBe('error');
    expect(r.findings.items.find((f) => f.rule === 'units.ucum-invalid')?.where).toBe(
      'sample/oru.hl7 message #17 MSH-10=CTL-88 OBX[2]-6',
    );
    expect(r.exchanges).toHaveLength(4);
    expect(r.exchanges[0]).not.toHaveProperty('request');
    expect(r.evidence).toHaveLength(9);
    expect(r.evidence[0]).toMatchObject({ id: 'ev-0001', evaluated: true, check: 'order.cancel' });
    expect(r.evidence.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    expect(r.run).toMatchObject({ id: 'run-2025-03-04-0900', durationMs: 702_000 });
  });

  it('is deterministic', () => {
    expect(renderJson(fixtureInput())).toBe(renderJson(fixtureInput()));
  });

  it('keeps schemas/report.schema.json current', () => {
    const generated = `${JSON.stringify(reportJsonSchemaDocument(), null, 2)}\n`;
    if (process.env['GOLIVE_UPDATE_SCHEMAS'] === '1') {
      // Regenerate with: GOLIVE_UPDATE_SCHEMAS=1 npx vitest run test/report/json.test.ts
      return import('node:fs').then((fs) => fs.writeFileSync(SCHEMA_FILE, generated));
    }
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });
});
