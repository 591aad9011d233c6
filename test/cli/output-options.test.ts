/**
 * One output convention for every command (issue 13) and output paths checked before any work
 * (issue 16 item 6): the flag parser as a unit, then the built CLI.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { openEvidenceStore } from '../../src/evidence/open.js';
import {
  checkOutputDir,
  checkOutputFile,
  Deprecations,
  resolveOutputs,
  rewriteOptionalValues,
  type OutputSpec,
} from '../../src/cli/output-options.js';
import { runCli, startCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'golive-output-'));
const SPEC: OutputSpec = { command: 'lint', reporters: ['list', 'json', 'junit'] };
const where = (ts: ReturnType<typeof resolveOutputs>) =>
  ts.map((t) => `${t.name}>${t.to.kind === 'stdout' ? 'stdout' : t.to.path}`);

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('the output flags (unit)', () => {
  it('the text by default; --json replaces it on stdout; --json FILE keeps it', () => {
    expect(where(resolveOutputs({}, SPEC))).toEqual(['list>stdout']);
    expect(where(resolveOutputs({ json: true }, SPEC))).toEqual(['json>stdout']);
    const f = join(dir, 'a.json');
    expect(where(resolveOutputs({ json: f }, SPEC))).toEqual(['list>stdout', `json>${f}`]);
  });

  it('--reporter is repeatable and comma-separated; --output names the files left without one', () => {
    const x = join(dir, 'x.xml');
    expect(
      where(resolveOutputs({ reporter: [`list,junit=${x}`], json: true, output: dir }, SPEC)),
    ).toEqual(['list>stdout', `junit>${x}`, `json>${join(dir, 'golive-lint.json')}`]);
    expect(where(resolveOutputs({ reporter: ['json', 'junit'], output: dir }, SPEC))).toEqual([
      'list>stdout',
      `json>${join(dir, 'golive-lint.json')}`,
      `junit>${join(dir, 'golive-lint.xml')}`,
    ]);
  });

  it('two reporters on stdout, an unknown reporter or one the command lacks: E_OPTION', () => {
    const two = userError(() => resolveOutputs({ json: true, junit: true }, SPEC));
    expect(two.code).toBe('E_OPTION');
    expect(two.message).toBe('--json and --junit would all write to stdout');
    expect(two.hint).toMatch(/--reporter junit=golive-lint\.xml.*--output DIR/);
    expect(userError(() => resolveOutputs({ reporter: ['dots'] }, SPEC)).message).toMatch(
      /"dots" is not a reporter/,
    );
    expect(
      userError(() =>
        resolveOutputs({ reporter: ['junit'] }, { command: 'probe', reporters: ['list', 'json'] }),
      ).message,
    ).toBe('--reporter junit: golive probe has no junit output');
  });

  it('bad paths: a folder as FILE, a missing parent folder, a file as DIR', () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    const a = userError(() => checkOutputFile(dir, '--json'));
    expect([a.code, a.message, a.exitCode]).toEqual([
      'E_OUTPUT',
      '--json: this is a folder, not a file',
      2,
    ]);
    expect(a.location?.file).toBe(dir);
    const b = userError(() => checkOutputFile(join(dir, 'no', 'such', 'x.json'), '--json'));
    expect(b.message).toMatch(/the folder .*no\/such does not exist/);
    expect(b.hint).toMatch(/mkdir -p/);
    expect(userError(() => checkOutputDir(file, '--output')).message).toBe(
      '--output: this is a file, not a folder',
    );
    expect(userError(() => checkOutputDir(join(file, 'sub'), '--output')).code).toBe('E_OUTPUT');
    // A missing folder is created later: its nearest existing parent must be a folder.
    expect(() => checkOutputDir(join(dir, 'new', 'deeper'), '--output')).not.toThrow();
  });

  it('a bare --json before a command argument leaves the argument alone', () => {
    const kinds = { takesArguments: true };
    expect(rewriteOptionalValues(['--json', 'a.hl7', 'b.hl7'], kinds)).toEqual([
      'a.hl7',
      'b.hl7',
      '--json',
    ]);
    expect(rewriteOptionalValues(['--json', 'out.json', 'a.hl7'], kinds)).toEqual([
      '--json=out.json',
      'a.hl7',
    ]);
    expect(rewriteOptionalValues(['--junit', 'r.XML', '--json', '--', 'x'], kinds)).toEqual([
      '--junit=r.XML',
      '--json',
      '--',
      'x',
    ]);
    // A folder after --json is taken as its (refused) FILE, unless arguments may be folders.
    expect(rewriteOptionalValues(['--json', dir, 'p.yaml'], kinds)).toEqual([
      `--json=${dir}`,
      'p.yaml',
    ]);
    expect(rewriteOptionalValues(['--json', dir], { takesArguments: true, folders: true })).toEqual(
      [dir, '--json'],
    );
    expect(rewriteOptionalValues(['--json', 'x'], { takesArguments: false })).toEqual([
      '--json',
      'x',
    ]);
  });

  it('old flags make one line', () => {
    const d = new Deprecations();
    d.add('--format json', '--json (or --reporter json)');
    expect(d.line()).toBe('golive: --format json is deprecated; use --json (or --reporter json)');
    d.add('--now', '--as-of');
    const out: string[] = [];
    d.flush((s) => void out.push(s));
    expect(out).toEqual([
      'golive: --format json is deprecated; use --json (or --reporter json). --now is deprecated; use --as-of\n',
    ]);
    expect(d.line()).toBeUndefined();
  });
});

const ADT = 'examples/site/traffic/adt.hl7';
const AS_OF = ['--as-of', '2026-02-27'];
const deprecationLines = (stderr: string) =>
  stderr.split('\n').filter((l) => l.includes('deprecated'));
const ACCESS = [
  'compliance',
  'access',
  '--accounts',
  'examples/site/compliance/accounts.csv',
  '--roles',
  'examples/site/compliance/roles.csv',
  '--duties',
  'examples/site/compliance/duties.yaml',
];

describe('every command takes the new flags (built CLI)', () => {
  it('lint: --json FILE, --reporter junit=FILE, --output DIR, --as-of; the text stays on stdout', async () => {
    const out = join(dir, 'lint-out');
    const r = await runCli([
      'lint',
      ADT,
      '--json',
      join(dir, 'lint.json'),
      '--reporter',
      `junit=${join(dir, 'lint.xml')}`,
      '--reporter',
      'json',
      '--output',
      `${out}/`,
      ...AS_OF,
      '--no-progress',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/message\(s\) in 1 file\(s\)/);
    expect(JSON.parse(readFileSync(join(dir, 'lint.json'), 'utf8')).summary.inputs).toEqual([ADT]);
    expect(readFileSync(join(dir, 'lint.xml'), 'utf8')).toMatch(/<testsuites name="golive lint"/);
    expect(readdirSync(out)).toEqual(['golive-lint.json']);
    // --json alone: the JSON document instead of the text; a bare --json leaves the input alone.
    const j = await runCli(['lint', '--json', ADT, ...AS_OF, '--no-progress']);
    expect(JSON.parse(j.stdout).summary.files).toBe(1);
  });

  it('compliance, adoption, identity, scenarios list, hl7 inspect: --json FILE and --junit', async () => {
    const acc = await runCli([...ACCESS, ...AS_OF, '--json', join(dir, 'access.json'), '--junit']);
    expect(acc.stderr).toBe('');
    expect(acc.stdout).toMatch(/^<\?xml /);
    expect(acc.stdout).toMatch(/<testsuites name="golive compliance access"/);
    expect(JSON.parse(readFileSync(join(dir, 'access.json'), 'utf8')).summary.checks).toBe(2);

    const ad = await runCli([
      'adoption',
      '--tasks',
      'examples/site/adoption/tasks.csv',
      ...AS_OF,
      '--reporter',
      'json',
    ]);
    expect(JSON.parse(ad.stdout).results[0].kind).toBe('adoption');

    const roster = join(dir, 'roster.csv');
    writeFileSync(
      roster,
      'id,given,family,birth_date\n1,Ann,Lee,1970-01-01\n2,Bob,Ray,1980-02-02\n',
    );
    const id = await runCli(['identity', 'match', '--json', join(dir, 'pairs.json'), roster]);
    expect(id.stdout).toMatch(/0 probable duplicate pair\(s\)/);
    expect(JSON.parse(readFileSync(join(dir, 'pairs.json'), 'utf8')).summary.pairs).toBe(0);

    const sl = await runCli(['scenarios', 'list', '--output', dir, '--reporter', 'json']);
    expect(sl.stdout).toMatch(/order\.stat/);
    expect(
      JSON.parse(readFileSync(join(dir, 'golive-scenarios.json'), 'utf8')).length,
    ).toBeGreaterThan(10);

    const hl7 = await runCli(['hl7', 'inspect', ADT, '--json', join(dir, 'inspect.json')]);
    expect(hl7.stdout).toMatch(/MSH-10=/);
    expect(JSON.parse(readFileSync(join(dir, 'inspect.json'), 'utf8'))[0].type).toMatch(/^ADT\^/);
  }, 60_000);

  it('evidence verify/list/runs: --json FILE beside the text', async () => {
    const store = join(dir, 'ev.db');
    const s = await openEvidenceStore(store);
    await s.append({ kind: 'check', runId: 'run-a', author: 'golive', content: { n: 1 } });
    await s.close();
    for (const sub of ['verify', 'list', 'runs']) {
      const f = join(dir, `ev-${sub}.json`);
      const r = await runCli(['evidence', sub, '--store', store, '--json', f]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toBe('');
      expect(JSON.parse(readFileSync(f, 'utf8'))).toBeTruthy();
    }
  });

  it('probe --json FILE and send --json FILE', async () => {
    const p = await runCli(['probe', '--target', 'embedded', '--json', join(dir, 'probe.json')]);
    expect(p.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'probe.json'), 'utf8')).outcome).toBeDefined();

    const l = startCli(
      ['listen', '--port', '0', '--count', '6'],
      /listening on 127\.0\.0\.1:(\d+)/,
    );
    const port = (await l.started)[1]!;
    const sent = join(dir, 'sent.ndjson');
    const s = await runCli(['send', '--to', `127.0.0.1:${port}`, '--json', sent, ADT]);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/sent: AA/);
    const lines = readFileSync(sent, 'utf8')
      .trim()
      .split('\n')
      .map((x) => JSON.parse(x));
    expect(lines.at(-1)).toMatchObject({ notAccepted: 0 });
    await l.exited;
  }, 60_000);

  it('run --plan --json FILE with --output and --store', async () => {
    const f = join(dir, 'plan.json');
    const r = await runCli([
      'run',
      '--plan',
      '--config',
      'examples/golive.yaml',
      '--output',
      join(dir, 'reports'),
      '--store',
      join(dir, 'plan.db'),
      '--json',
      f,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const plan = JSON.parse(readFileSync(f, 'utf8'));
    expect(JSON.stringify(plan)).toContain(join(dir, 'plan.db'));
    expect(existsSync(join(dir, 'plan.db'))).toBe(false);
  }, 60_000);
});

describe('old flags still work, with one deprecation line', () => {
  it('lint -f json, -f junit -o FILE, --now', async () => {
    const a = await runCli(['lint', ADT, '-f', 'json', ...AS_OF, '--no-progress']);
    expect(deprecationLines(a.stderr)).toEqual([
      'golive: --format json is deprecated; use --json (or --reporter json)',
    ]);
    expect(JSON.parse(a.stdout).summary.files).toBe(1);
    const f = join(dir, 'old.xml');
    const b = await runCli([
      'lint',
      ADT,
      '-f',
      'junit',
      '-o',
      f,
      '--now',
      '2026-02-27',
      '--no-progress',
    ]);
    expect(deprecationLines(b.stderr)).toHaveLength(1);
    expect(b.stderr).toMatch(
      /--format junit -o .*old\.xml is deprecated; use --junit .*\. --now is deprecated; use --as-of/,
    );
    // The old -o FILE wrote the report there and nothing to stdout.
    expect(b.stdout).toBe('');
    expect(readFileSync(f, 'utf8')).toMatch(/^<\?xml/);
  });

  it('compliance --now; run --out and --evidence', async () => {
    const c = await runCli([...ACCESS, '--now', '2026-02-27', '--json']);
    expect(deprecationLines(c.stderr)).toEqual(['golive: --now is deprecated; use --as-of']);
    expect(JSON.parse(c.stdout).summary.checks).toBe(2);
    const r = await runCli([
      'run',
      '--plan',
      '--config',
      'examples/golive.yaml',
      '--out',
      join(dir, 'old-reports'),
      '--evidence',
      join(dir, 'old.db'),
    ]);
    expect(r.code).toBe(0);
    expect(deprecationLines(r.stderr)).toEqual([
      'golive: --out is deprecated; use --output. --evidence is deprecated; use --store',
    ]);
  }, 60_000);
});

describe('bad output paths fail before any work (exit 2, no stack)', () => {
  const existingFile = join(dir, 'exists.txt');
  writeFileSync(existingFile, 'x');
  const folder = join(dir, 'a-folder');
  mkdirSync(folder, { recursive: true });

  it('lint -o /nonexistent/x, lint --json DIR, compliance --junit into a missing folder', async () => {
    const a = await runCli(['lint', ADT, '-o', '/nonexistent/x', '--no-progress']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(
      /error E_OUTPUT: \/nonexistent\/x: -o: the folder \/nonexistent does not exist/,
    );
    expect(a.stderr).not.toMatch(/\bat .*\.js:\d+/);
    const b = await runCli(['lint', ADT, `--json=${folder}`, '--no-progress']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/E_OUTPUT: .*a-folder: --json: this is a folder, not a file/);
    const c = await runCli([...ACCESS, ...AS_OF, '--junit', join(dir, 'missing', 'r.xml')]);
    expect(c.code).toBe(2);
    expect(c.stdout).toBe('');
  });

  it('load --json DIR and scenarios run --json DIR stop before anything is sent', async () => {
    const l = await runCli(['load', 'peak', '--target', 'embedded', '--json', folder]);
    expect(l.code).toBe(2);
    expect(l.stderr).toMatch(/E_OUTPUT: .*a-folder: --json: this is a folder, not a file/);
    // Nothing ran: no embedded site was started, no summary printed.
    expect(l.stderr).not.toMatch(/embedded site/);
    expect(l.stdout).toBe('');
    const s = await runCli([
      'scenarios',
      'run',
      'order.stat',
      '--target',
      'embedded',
      '--junit',
      folder,
    ]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/E_OUTPUT: .*--junit: this is a folder/);
    expect(s.stdout).toBe('');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('run --output EXISTING_FILE, two reporters on stdout', async () => {
    const r = await runCli(['run', '--config', 'examples/golive.yaml', '--output', existingFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_OUTPUT: .*exists\.txt: --output: this is a file, not a folder/);
    const d = await runCli(['demo', '--out', existingFile]);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--out: this is a file, not a folder/);
    const two = await runCli(['lint', ADT, '--json', '--reporter', 'junit', '--no-progress']);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/E_OPTION: --reporter junit and --json would all write to stdout/);
  });
});
