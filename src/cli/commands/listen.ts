import { createWriteStream, type WriteStream } from 'node:fs';
import { Option, type Command } from 'commander';
import { messageType } from '../../hl7/index.js';
import {
  startMllpListener,
  frame,
  type IncomingMessage,
  type ListenerEvent,
} from '../../transports/index.js';
import { UserError } from '../../core/index.js';
import type { RegisterCommand } from '../command-types.js';
import { parsePort } from '../address.js';
import { byteSize, positiveInt, wholeNumber } from '../options.js';

interface ListenOpts {
  port: string;
  host: string;
  out?: string;
  framed?: boolean;
  ack: string;
  count?: string;
  maxConnections: string;
  maxMessageBytes: string;
  partialBudget: string;
}

export const register: RegisterCommand = (program: Command, setExit) => {
  program
    .command('listen')
    .description('Capture HL7 v2 messages over MLLP to a file and acknowledge them')
    .requiredOption('--port <n>', 'port to listen on (0 picks a free one)')
    .addOption(new Option('--host <addr>', 'address to bind').default('127.0.0.1', '127.0.0.1'))
    .option(
      '--out <file>',
      'append each message to this file (one per line, segments separated by CR)',
    )
    .option('--framed', 'write MLLP-framed messages instead of one per line')
    .addOption(
      new Option('--ack <code>', 'acknowledgement code to answer with: AA, AE or AR').default(
        'AA',
        'AA',
      ),
    )
    .option('--count <n>', 'stop after this many messages')
    .addOption(
      new Option('--max-connections <n>', 'connections at once; more are closed at once').default(
        '256',
        '256',
      ),
    )
    .addOption(
      new Option(
        '--max-message-bytes <size>',
        'largest message (MLLP frame) accepted, at least 1KiB; a larger one is answered AR, e.g. --max-message-bytes 4MiB',
      ).default('16MiB', '16MiB'),
    )
    .addOption(
      new Option(
        '--partial-budget <size>',
        'bytes of unfinished frames held over all connections, at least 1KiB; a frame that would pass it is answered AR',
      ).default('64MiB', '64MiB'),
    )
    .action(async (opts: ListenOpts) => {
      const ackCode = ackCodeOf(opts.ack);
      const port = parsePort(opts.port);
      const stopAfter = opts.count ? wholeNumber(opts.count, '--count', '100', 1) : Infinity;
      const caps = capsOf(opts);
      const out = opts.out ? await openOut(opts.out) : undefined;
      // ACK MSH-10: the listener's own count (ACK<now><n>); one listener per process here.
      const listener = await startMllpListener({ host: opts.host, port, ackCode, ...caps });
      process.stdout.write(
        `listening on ${listener.address.host}:${listener.address.port} (answering ${ackCode})${opts.out ? `, writing to ${opts.out}` : ''}\n`,
      );
      let n = 0;
      let done: () => void = () => {};
      const finished = new Promise<void>((r) => (done = r));
      listener.on('message', (m: IncomingMessage) => {
        n++;
        if (out)
          out.write(opts.framed ? frame(m.bytes) : Buffer.concat([m.bytes, Buffer.from('\n')]));
        const t = m.message ? messageType(m.message) : undefined;
        const what = m.message
          ? `${t!.code}^${t!.trigger}  MSH-10=${m.message.get('MSH-10') ?? '(none)'}`
          : `unreadable: ${m.parseError?.message}`;
        process.stdout.write(
          `#${n} from ${m.remote}  ${what}  ${m.bytes.length} bytes${m.charsetProblem ? `  (${m.charsetProblem})` : ''}\n`,
        );
        if (n >= stopAfter) setImmediate(done);
      });
      listener.on('event', (e: ListenerEvent) => {
        if (e.type !== 'connection' && e.type !== 'disconnect')
          process.stderr.write(`${e.remote}: ${e.type}: ${e.detail}\n`);
      });
      const onSignal = () => done();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      await finished;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await listener.close(1000);
      if (out) await new Promise<void>((r) => out!.end(() => r()));
      process.stdout.write(`stopped after ${n} message(s)\n`);
      setExit(0);
    });
};

function ackCodeOf(value: string): 'AA' | 'AE' | 'AR' {
  const ackCode = value.toUpperCase();
  if (ackCode !== 'AA' && ackCode !== 'AE' && ackCode !== 'AR') {
    throw new UserError('E_OPTION', `--ack "${value}" is not AA, AE or AR`, {
      hint: 'use --ack AA (accept), AE (error) or AR (reject)',
    });
  }
  return ackCode;
}

/** The listener's caps (docs/decisions/013-bounded-readers.md, Limits). */
function capsOf(opts: ListenOpts) {
  return {
    maxConnections: positiveInt(opts.maxConnections, '--max-connections', '256'),
    maxFrameBytes: byteSize(opts.maxMessageBytes, '--max-message-bytes', 1024),
    maxPartialBytes: byteSize(opts.partialBudget, '--partial-budget', 1024),
  };
}

/** The capture file, opened for appending (E_FILE when it cannot be). */
async function openOut(file: string): Promise<WriteStream> {
  const out = createWriteStream(file, { flags: 'a' });
  await new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', (e) =>
      reject(
        new UserError('E_FILE', `cannot write (${(e as NodeJS.ErrnoException).code})`, {
          location: { file },
          hint: 'check the folder exists and is writable',
        }),
      ),
    );
  });
  return out;
}
