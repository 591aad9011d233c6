/**
 * `golive hl7 inspect` on input with no end or no message structure (issue 16, item 2; docs/
 * decisions/013): it streams with memory bounded by the message cap and stops with
 * E_HL7_NO_MESSAGE once the cap passes with no message, instead of growing (6 GB in 30 s on
 * /dev/zero before). The endless sources are streams that never end; the cap stops them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isUserError, type UserError } from '../../src/core/errors.js';
import { readMessageFile, streamMessageFile } from '../../src/cli/read-messages.js';
import { runCli } from '../helpers/cli.js';

const MSG = (id: string) => `MSH|^~\\&|LAB|RGH|EHR|RGH|20260327143000+0100||ADT^A01|${id}|P|2.5.1`;

/** A stream that never ends: `prefix`, then `fill` bytes for ever. Counts what it produced. */
function endless(prefix: string, fill: number): Readable & { produced: () => number } {
  let produced = 0;
  let first = true;
  const chunk = Buffer.alloc(64 * 1024, fill);
  const s = new Readable({
    read() {
      const b = first ? Buffer.concat([Buffer.from(prefix), chunk]) : chunk;
      first = false;
      produced += b.length;
      this.push(b);
    },
  });
  return Object.assign(s, { produced: () => produced });
}

async function drain(gen: AsyncGenerator<unknown>): Promise<{ items: unknown[]; error: unknown }> {
  const items: unknown[] = [];
  try {
    for await (const x of gen) items.push(x);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}

const CAP = 1024 * 1024;

describe('inspect reads a stream that never ends', () => {
  it('stops an endless run of NULs (like /dev/zero) at the cap with E_HL7_NO_MESSAGE', async () => {
    const src = endless('', 0);
    const { items, error } = await drain(
      streamMessageFile('<zero>', { stream: src, maxMessageBytes: CAP }),
    );
    expect(items).toEqual([]);
    expect(isUserError(error)).toBe(true);
    const e = error as UserError;
    expect(e.code).toBe('E_HL7_NO_MESSAGE');
    expect(e.location).toMatchObject({ file: '<zero>', offset: 0 });
    expect(e.hint).toMatch(/MSH/);
    // Reading stopped: a few chunks past the cap at most, and the source was released.
    expect(src.produced()).toBeLessThan(CAP + 512 * 1024);
    expect(src.destroyed).toBe(true);
  });

  it('gives the messages before it, then stops an endless unterminated message (over the cap)', async () => {
    const src = endless(`${MSG('A1')}\r${MSG('A2')}\rOBX|1|TX|||`, 0x41);
    const { items, error } = await drain(
      streamMessageFile('<endless>', { stream: src, maxMessageBytes: CAP }),
    );
    expect(
      items.map((m) => (m as { message?: { get(p: string): string } }).message?.get('MSH-10')),
    ).toEqual(['A1']);
    const e = error as UserError;
    expect(e.code).toBe('E_HL7_NO_MESSAGE');
    // From the start of the second message, which never ends within the cap.
    expect(e.location?.offset).toBe(MSG('A1').length + 1);
    expect(src.produced()).toBeLessThan(CAP + 512 * 1024);
  });

  it('reads every message of a normal stream to its end', async () => {
    const text = `${MSG('B1')}\rPID|1||M1\n${MSG('B2')}\rPID|1||M2\n`;
    const { items, error } = await drain(
      streamMessageFile('<text>', { stream: Readable.from([Buffer.from(text)]) }),
    );
    expect(error).toBeUndefined();
    expect(items).toHaveLength(2);
  });

  it('send reads files through the same cap: /dev/zero stops with E_HL7_NO_MESSAGE', () => {
    let err: unknown;
    try {
      readMessageFile('/dev/zero', { maxMessageBytes: CAP });
    } catch (e) {
      err = e;
    }
    expect((err as UserError).code).toBe('E_HL7_NO_MESSAGE');
  });
});

describe('golive hl7 inspect (built CLI)', () => {
  it('inspect /dev/zero exits 2 with E_HL7_NO_MESSAGE and no stack', async () => {
    const r = await runCli(['hl7', 'inspect', '/dev/zero'], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error E_HL7_NO_MESSAGE: \/dev\/zero: no HL7 v2 message in \d+ bytes from offset 0/,
    );
    expect(r.stderr).toMatch(/hint: /);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  }, 60_000);

  it('--json streams an array equal to the one JSON.stringify would print', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-inspect-'));
    const file = join(dir, 'two.hl7');
    writeFileSync(file, `${MSG('J1')}\rPID|1||M1^^^R^MR~M2\n${MSG('J2')}\rPID|1||M3\n`);
    const r = await runCli(['hl7', 'inspect', '--json', file]);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as { controlId: string }[];
    expect(parsed.map((m) => m.controlId)).toEqual(['J1', 'J2']);
    expect(r.stdout).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
    const empty = join(dir, 'empty.hl7');
    writeFileSync(empty, '');
    expect((await runCli(['hl7', 'inspect', '--json', empty])).stdout).toBe('[]\n');
  });
});
