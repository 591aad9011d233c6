import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { SYNTHETIC_CASES, toFileText } from '../helpers/synthetic-hl7.js';

// Message files the project writes itself (LF-terminated, as captures often are), so the
// commands are tested on a fresh clone without ../shared/corpora.
const FILES = mkdtempSync(join(tmpdir(), 'golive-cli-files-'));
const write = (name: string) => {
  const file = join(FILES, `${name}.hl7`);
  const c = SYNTHETIC_CASES.find((x) => x.name === name)!;
  writeFileSync(file, toFileText(c.text, { eol: '\n' }));
  return file;
};
const ORU = write('oru-r01-lab');
const ADT = write('adt-a01-basic');
const ESCAPED = write('escaped-delimiters');

describe('golive foundation commands', () => {
  it('--version and --help', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['send', 'listen', 'hl7']) expect(h.stdout).toContain(c);
    const sh = await runCli(['send', '--help']);
    expect(sh.stdout).toContain('--to <host:port>');
  });

  it('hl7 inspect prints field paths, and JSON', async () => {
    const r = await runCli(['hl7', 'inspect', ESCAPED]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PID-5\.2\s+"JOHN\^JANE"/);
    const j = await runCli(['hl7', 'inspect', '--json', ADT]);
    const parsed = JSON.parse(j.stdout) as { type: string; segments: { segment: string }[] }[];
    expect(parsed[0]!.type).toBe('ADT^A01');
    expect(parsed[0]!.segments[0]!.segment).toBe('MSH');
  });

  it('user errors are one line with a hint and exit 2, no stack', async () => {
    const r = await runCli(['hl7', 'inspect', '/no/such/file.hl7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error E_FILE: \/no\/such\/file\.hl7: cannot read file \(ENOENT\)\n {2}hint: /,
    );
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    const bad = await runCli(['send', '--to', 'localhost', ORU]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('E_ADDRESS');
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
  });

  it('send to a closed port exits 3', async () => {
    const r = await runCli(['send', '--to', '127.0.0.1:1', ORU]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('E_CONNECT');
  });

  it('listen captures what send sends; AE answers make send exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-cli-'));
    const out = join(dir, 'cap.hl7');
    const l = startCli(
      ['listen', '--port', '0', '--out', out, '--count', '2'],
      /listening on 127\.0\.0\.1:(\d+)/,
    );
    const port = (await l.started)[1]!;
    const s = await runCli(['send', '--to', `127.0.0.1:${port}`, ORU, ADT]);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/2 sent: AA 2/);
    expect(await l.exited).toBe(0);
    const captured = readFileSync(out, 'utf8').trim().split('\n');
    expect(captured).toHaveLength(2);
    expect(captured[0]).toMatch(/^MSH\|/);

    const ae = startCli(
      ['listen', '--port', '0', '--ack', 'AE', '--count', '1'],
      /listening on 127\.0\.0\.1:(\d+)/,
    );
    const p2 = (await ae.started)[1]!;
    const s2 = await runCli(['send', '--to', `127.0.0.1:${p2}`, ADT]);
    expect(s2.code).toBe(1);
    expect(s2.stdout).toMatch(/AE 1/);
    await ae.exited;
  });

  it('send refuses a file with an unreadable message and sends nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-cli-'));
    const f = join(dir, 'bad.hl7');
    writeFileSync(f, 'MSH|^^\\&|broken\r');
    const r = await runCli(['send', '--to', '127.0.0.1:1', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_HL7_PARSE');
  });
});
