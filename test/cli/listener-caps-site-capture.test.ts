/**
 * The MLLP listener caps (decision 013, Limits) where golive starts a listener other than
 * `golive listen`: `golive site` takes the same flags with the same parsers, and the capture
 * listener of golive.yaml takes `capture.maxConnections`, `capture.maxMessageBytes` and
 * `capture.partialBudget`. Each changes what a real socket sees; bad values exit 2 with a hint.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigError, captureLimits, loadConfigText } from '../../src/config/index.js';
import { startCapture } from '../../src/scenarios/capture.js';
import { frame } from '../../src/transports/mllp/index.js';
import { runCli, startCli } from '../helpers/cli.js';
import { mllpPeer as peer, oru as msg } from '../helpers/mllp-peer.js';

describe('golive site: listener caps by flag', () => {
  it('--max-connections 1 refuses a second connection; --max-message-bytes answers AR above it', async () => {
    const s = startCli(
      ['site', '--max-connections', '1', '--max-message-bytes', '2KiB'],
      /mllp: 127\.0\.0\.1:(\d+)[\s\S]*data: /,
    );
    const port = Number((await s.started)[1]);
    const a = await peer(port);
    a.sock.write(frame(msg('A1')));
    // The first connection is served (its ACK came back) before the second connects.
    expect(await a.ackCount(1)).toHaveLength(1);
    const b = await peer(port);
    await b.closed;
    // The first still works; a message over 2 KiB is answered AR by the listener itself.
    a.sock.write(frame(msg('BIG', 'x'.repeat(3000))));
    const acks = await a.ackCount(2);
    expect(acks[1]!.get('MSA-1')).toBe('AR');
    expect(acks[1]!.get('ERR-8')).toMatch(/exceeds the size cap/);
  });

  it('bad values are E_OPTION with a hint, exit 2, before the site starts', async () => {
    const cases: [string[], RegExp][] = [
      [['--max-connections', '0'], /--max-connections: "0" is not a positive whole number/],
      [['--max-message-bytes', '12XB'], /--max-message-bytes: "12XB" is not a size/],
      [['--partial-budget', '10'], /--partial-budget: 10 is below the least, 1024 bytes/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['site', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error E_OPTION: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/\n {2}hint: /);
      expect(r.stdout).not.toContain('mllp:');
    }
  });
});

describe('golive.yaml capture: listener caps by key', () => {
  it('reads sizes with units or as bytes; keys left out keep the defaults', () => {
    const c = loadConfigText(
      'capture:\n  maxConnections: 1\n  maxMessageBytes: 2KiB\n  partialBudget: 65536\n',
    ).config.capture;
    expect(captureLimits(c)).toEqual({
      maxConnections: 1,
      maxFrameBytes: 2048,
      maxPartialBytes: 65536,
    });
    expect(captureLimits(loadConfigText('capture: { port: 0 }\n').config.capture)).toEqual({});
    const none = loadConfigText('site: { name: St Example }\n').config.capture;
    expect(none).toEqual({ host: '127.0.0.1', port: 0, ackCode: 'AA' });
    expect(captureLimits(none)).toEqual({});
  });

  it('the capture listener golive starts from the config applies them', async () => {
    const c = loadConfigText('capture:\n  maxConnections: 1\n  maxMessageBytes: 2KiB\n').config
      .capture;
    const capture = await startCapture(c.host, c.port, c.ackCode, captureLimits(c));
    onTestFinished(() => capture.close());
    const port = capture.address.port;
    const a = await peer(port);
    a.sock.write(frame(msg('A1')));
    expect((await a.ackCount(1))[0]!.get('MSA-1')).toBe('AA');
    const b = await peer(port);
    await b.closed;
    a.sock.write(frame(msg('BIG', 'x'.repeat(3000))));
    expect((await a.ackCount(2))[1]!.get('MSA-1')).toBe('AR');
  });

  it('bad values are configuration problems at their lines, all at once', () => {
    let e: ConfigError | undefined;
    try {
      loadConfigText(
        'capture:\n  maxConnections: 0\n  maxMessageBytes: 12XB\n  partialBudget: 10\n',
        'golive.yaml',
      );
    } catch (x) {
      if (x instanceof ConfigError) e = x;
      else throw x;
    }
    expect(e?.exitCode).toBe(2);
    expect(e!.problems.map((p) => `${p.line} ${p.path}`)).toEqual([
      '2 capture.maxConnections',
      '3 capture.maxMessageBytes',
      '4 capture.partialBudget',
    ]);
    const text = e!.format();
    expect(text).toMatch(/"12XB" is not a size: write e\.g\. 16MiB/);
    expect(text).toMatch(/10 is below the least, 1KiB/);
    expect(text).toMatch(/\n {2}hint: /);
  });

  it('golive run with such a config exits 2 before anything starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-capture-caps-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'golive.yaml');
    writeFileSync(file, 'capture:\n  maxMessageBytes: lots\n');
    const r = await runCli(['run', '--plan', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/capture\.maxMessageBytes: "lots" is not a size/);
    expect(r.stderr).toMatch(/hint: /);
  });
});
