/** `golive lint` and `golive identity match` exit codes via the built CLI (npm run build first). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { BASE, msg } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'golive-lint-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const clean = join(dir, 'clean.hl7');
const bad = join(dir, 'bad.hl7');
writeFileSync(clean, `${BASE}\n`);
writeFileSync(bad, `${msg({ 'OBX-6': 'mEq/L' })}\n`);
const NOW = ['--now', '2026-03-01T12:00:00Z'];

describe('golive lint (CLI)', () => {
  it('exit 0 with no error-level finding, text summary on stdout', async () => {
    const r = await runCli(['lint', clean, ...NOW]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 message\(s\) in 1 file\(s\): 0 error/);
  });

  it('exit 1 with an error-level finding; JSON has the documented shape', async () => {
    const r = await runCli(['lint', bad, '--format', 'json', ...NOW]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.summary.findings.error).toBe(1);
    expect(j.findings[0]).toMatchObject({
      rule: 'units.invalid-ucum',
      severity: 'error',
      domain: 'interop',
      file: bad,
      index: 1,
      offset: 0,
      controlId: 'MSG1',
      path: 'OBX[1]-6',
    });
  });

  it('config can downgrade the rule to a warning: exit 0; JUnit output', async () => {
    const cfg = join(dir, 'lint.yaml');
    writeFileSync(cfg, 'rules:\n  units.invalid-ucum: warning\n');
    const r = await runCli(['lint', bad, '-c', cfg, '--format', 'junit', ...NOW]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/<testsuites name="golive lint"/);
  });

  it('exit 2 on a missing input, a bad config or a bad option, with no stack', async () => {
    const missing = await runCli(['lint', join(dir, 'nope.hl7')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/E_INPUT/);
    expect(missing.stderr).not.toMatch(/at .*\.js:\d+/);
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'rules:\n  units.no-such-rule: off\n');
    const badCfg = await runCli(['lint', clean, '-c', cfg]);
    expect(badCfg.code).toBe(2);
    expect(badCfg.stderr).toMatch(/E_LINT_CONFIG/);
    expect((await runCli(['lint', clean, '--format', 'xml'])).code).toBe(2);
  });
});

describe('golive identity match (CLI)', () => {
  it('exit 1 with probable duplicates (JSON), 0 without, 2 on a bad roster', async () => {
    const roster = join(dir, 'roster.csv');
    writeFileSync(
      roster,
      'id,given,family,birth_date,sex,postcode\n1,Jane,Doe,19800101,F,12345\n2,Jnae,Doe,19800101,F,12345\n3,Mary,Roe,19650304,F,54321\n',
    );
    const r = await runCli(['identity', 'match', roster, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).pairs).toMatchObject([{ a: '1', b: '2' }]);
    const single = join(dir, 'single.csv');
    writeFileSync(single, 'id,given,family,birth_date\n1,Jane,Doe,19800101\n');
    expect((await runCli(['identity', 'match', single])).code).toBe(0);
    const noName = join(dir, 'noname.csv');
    writeFileSync(noName, 'id,dob\n1,19800101\n');
    expect((await runCli(['identity', 'match', noName])).code).toBe(2);
  });
});
