/**
 * `golive listen` sets the listener's caps (docs/decisions/013-bounded-readers.md, Limits):
 * --max-connections, --max-message-bytes and --partial-budget change what the built CLI
 * accepts; bad values are E_OPTION with a hint, exit 2.
 */
import { describe, expect, it } from 'vitest';
import { frame } from '../../src/transports/mllp/index.js';
import { runCli, startCli } from '../helpers/cli.js';
import { mllpPeer as peer, oru as msg } from '../helpers/mllp-peer.js';

const READY = /listening on 127\.0\.0\.1:(\d+)/;

describe('golive listen caps', () => {
  it('--max-connections 2 refuses the third connection and serves the first two', async () => {
    const l = startCli(['listen', '--port', '0', '--max-connections', '2'], READY);
    const port = (await l.started)[1]!;
    const a = await peer(port);
    const b = await peer(port);
    a.sock.write(frame(msg('A1')));
    b.sock.write(frame(msg('B1')));
    // Both are accepted (each has its ACK) before the third connects.
    expect((await a.ackCount(1))[0]!.get('MSA-1')).toBe('AA');
    expect((await b.ackCount(1))[0]!.get('MSA-1')).toBe('AA');
    const c = await peer(port);
    await c.closed;
    expect(l.output().stderr).toMatch(/refused: connection refused: 2 connections already open/);
    // The first two still work.
    a.sock.write(frame(msg('A2')));
    expect((await a.ackCount(2))[1]!.get('MSA-2')).toBe('A2');
  });

  it('--max-message-bytes answers AR above it; --partial-budget caps unfinished frames', async () => {
    const l = startCli(
      ['listen', '--port', '0', '--max-message-bytes', '2KiB', '--partial-budget', '4KiB'],
      READY,
    );
    const port = (await l.started)[1]!;
    const a = await peer(port);
    a.sock.write(frame(msg('SMALL')));
    a.sock.write(frame(msg('BIG', 'x'.repeat(3000))));
    const acks = await a.ackCount(2);
    expect(acks.map((x) => x.get('MSA-1'))).toEqual(['AA', 'AR']);
    expect(acks[1]!.get('ERR-8')).toMatch(/exceeds the size cap/);

    // Three unfinished frames of 1,400 bytes each fit the message cap, but only two fit the
    // budget together: whichever arrives last is refused as its bytes arrive, then answered
    // AR at its end; the others are answered AA.
    const peers = [await peer(port), await peer(port), await peer(port)];
    const body = Buffer.from(msg('P', 'y'.repeat(1500)));
    const head = Buffer.concat([Buffer.from([0x0b]), body.subarray(0, 1400)]);
    const tail = Buffer.concat([body.subarray(1400), Buffer.from([0x1c, 0x0d])]);
    for (const p of peers) p.sock.write(head);
    await until(() => /budget: unfinished frames/.test(l.output().stderr));
    for (const p of peers) p.sock.write(tail);
    const answers = await Promise.all(peers.map(async (p) => (await p.ackCount(1))[0]!));
    const codes = answers.map((x) => x.get('MSA-1'));
    expect(codes.filter((c) => c === 'AA')).toHaveLength(2);
    const refused = answers.filter((x) => x.get('MSA-1') === 'AR');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.get('ERR-8')).toMatch(/unfinished frames is full/);
  });

  it('bad values are E_OPTION with a hint, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--max-connections', '0'], /--max-connections: "0" is not a positive whole number/],
      [['--max-message-bytes', '12XB'], /--max-message-bytes: "12XB" is not a size/],
      [['--partial-budget', '10'], /--partial-budget: 10 is below the least, 1024 bytes/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['listen', '--port', '0', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error E_OPTION: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/\n {2}hint: /);
    }
  });
});

/** Wait for a condition the CLI reports asynchronously (a bound on waiting, not on time). */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(ok()).toBe(true);
}
