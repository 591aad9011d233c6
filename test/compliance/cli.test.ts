/**
 * The compliance and adoption commands as a user runs them (built CLI: run `npm run build`
 * first, as `npm test` does): exit 0 clean, 1 error-level findings, 2 bad input, 3 unreachable.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = 'dist/cli/main.js';
const NOW = ['--now', '2026-02-27T09:00:00-05:00'];

function golive(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GOLIVE_NOW: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const access = (site: string, accounts: string) => [
  'compliance',
  'access',
  '--accounts',
  `examples/${site}/compliance/${accounts}`,
  '--roles',
  `examples/${site}/compliance/roles.csv`,
  '--duties',
  `examples/${site}/compliance/duties.yaml`,
  ...NOW,
];
const registers = (site: string, devices: string) => [
  'compliance',
  'registers',
  '--devices',
  `examples/${site}/compliance/${devices}`,
  '--changes',
  `examples/${site}/compliance/changes.csv`,
  '--validations',
  `examples/${site}/compliance/validations.csv`,
  ...NOW,
];
const audit = (site: string) => [
  'compliance',
  'audit',
  '--actions',
  `examples/${site}/compliance/audit/exchanges.json`,
  '--ndjson',
  `examples/${site}/compliance/audit/audit-events.ndjson`,
  ...NOW,
];
const adoption = (site: string) => {
  const d = `examples/${site}/adoption`;
  return [
    'adoption',
    '--tasks',
    `${d}/tasks.csv`,
    '--guides',
    `${d}/guides.csv`,
    '--signals',
    `${d}/signals.csv`,
    '--roster',
    `${d}/roster.csv`,
    '--plan',
    `${d}/plan.yaml`,
    ...NOW,
  ];
};

interface Report {
  summary: { errors: number };
  findings: {
    rule: string;
    severity: string;
    domain: string;
    message: string;
    action: string;
    file?: string;
    row?: number;
    column?: string;
  }[];
}

describe.skipIf(!existsSync(CLI))('golive compliance / adoption (built CLI)', () => {
  it('finds every planted problem of the Riverside General example, exit 1', () => {
    const rules: string[] = [];
    for (const args of [
      access('site', 'accounts.csv'),
      registers('site', 'devices.csv'),
      audit('site'),
      adoption('site'),
    ]) {
      const r = golive(...args, '--json');
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(1);
      const report = JSON.parse(r.stdout) as Report;
      for (const f of report.findings) {
        expect(f.message).not.toBe('');
        expect(f.action).not.toBe('');
        rules.push(f.rule);
      }
    }
    for (const planted of [
      'access.vendor-expired-active',
      'access.shared-account',
      'access.service-interactive',
      'registers.device-controls-missing',
      'registers.validation-vendor-only',
      'adoption.roster-gap',
      'adoption.workaround-open-high-risk',
      'adoption.unaided-below-threshold',
      'audit.missing',
    ]) {
      expect(rules).toContain(planted);
    }
  });

  it('passes the clean variant (YAML and CSV inputs), exit 0', () => {
    for (const args of [
      access('site-clean', 'accounts.yaml'),
      registers('site-clean', 'devices.yaml'),
      audit('site-clean'),
      adoption('site-clean'),
    ]) {
      const r = golive(...args);
      expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/0 failed; 0 error\(s\)/);
    }
  });

  it('prints findings grouped like a linter: severity, rule, location, message, action', () => {
    const r = golive(...access('site', 'accounts.csv'));
    expect(r.stdout).toMatch(
      /error\s+access\.vendor-expired-active\s+examples\/site\/compliance\/accounts\.csv:\d+ row \d+ column access_expires_at/,
    );
    expect(r.stdout).toContain('-> Disable the vendor account now');
  });

  it('exits 2 with file:row:column on a bad input row, and on bad options', () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-cli-'));
    const bad = join(dir, 'signals.csv');
    writeFileSync(
      bad,
      'date,unit,kind,severity,status\n2026-02-01,ICU,sticky note,high,open\n2026-02-31,ICU,sticky note,high,open\n',
    );
    const r = golive('adoption', '--signals', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:3`);
    expect(r.stderr).toContain('row 2 column date');
    expect(r.stdout).toBe('');
    expect(
      golive('compliance', 'audit', '--actions', 'examples/site/compliance/audit/exchanges.json')
        .code,
    ).toBe(2);
    expect(golive('compliance', 'audit', '--actions', 'nope.json', '--csv', 'x.csv').code).toBe(2);
    expect(golive('compliance', 'access', '--accounts', 'x.csv').code).toBe(2);
    expect(
      golive('adoption', '--tasks', 'examples/site/adoption/tasks.csv', '--threshold', '120').code,
    ).toBe(2);
  });

  it('exits 3 when the FHIR audit endpoint cannot be reached', () => {
    const r = golive(
      'compliance',
      'audit',
      '--actions',
      'examples/site/compliance/audit/exchanges.json',
      '--fhir',
      'http://127.0.0.1:9/fhir',
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('E_AUDIT_FETCH');
  });

  it('documents the commands in --help', () => {
    expect(golive('compliance', 'audit', '--help').stdout).toContain('--window <duration>');
    expect(golive('adoption', '--help').stdout).toContain('--plan <file>');
  });
});
