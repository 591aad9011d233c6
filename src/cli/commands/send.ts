import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { UserError } from '../../core/index.js';
import { messageType } from '../../hl7/index.js';
import { MllpClient, type SendResult } from '../../transports/index.js';
import type { RegisterCommand } from '../command-types.js';
import { parseHostPort } from '../address.js';
import { wholeNumber } from '../options.js';
import { readMessageFile } from '../read-messages.js';
import { openStream, type OutputStream } from '../../report/reporter.js';
import {
  addOutputOptions,
  resolveOutputs,
  type OutputFlags,
  type OutputSpec,
} from '../output-options.js';

const OUTPUT: OutputSpec = { command: 'send', reporters: ['list', 'json'] };

interface SendOpts extends OutputFlags {
  to: string;
  timeout: string;
  retries: string;
  ca?: string;
  pin?: string[];
  tls?: boolean;
}

const OK = new Set(['AA', 'CA']);

/** The --ca file, or a UserError naming it (never a stack). */
function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError('E_FILE', `--ca: cannot read the CA certificate (${code ?? 'error'})`, {
      location: { file },
      hint: 'give the PEM file of the CA that signed the receiver\u2019s certificate',
    });
  }
}

export const register: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('send')
    .description('Send every message of the files over MLLP and report each acknowledgement')
    .argument('<files...>', 'HL7 v2 files (one or many messages each)')
    .requiredOption('--to <host:port>', 'receiver address, e.g. --to 127.0.0.1:2575')
    .addOption(
      new Option('--timeout <ms>', 'time to wait for each ACK, in ms').default('10000', '10000 ms'),
    )
    .addOption(
      new Option('--retries <n>', 'resends (same MSH-10) after a timeout or reset').default(
        '0',
        '0',
      ),
    )
    .option('--tls', 'use TLS')
    .option('--ca <file>', 'trusted CA certificate (PEM) for TLS')
    .option('--pin <sha256...>', 'accept only this certificate fingerprint (TLS)');
  addOutputOptions(cmd, OUTPUT, {
    json: 'one JSON object per message and a summary (NDJSON), to stdout or to FILE',
  });
  cmd.action(async (files: string[], opts: SendOpts) => {
    const outputs = resolveOutputs(opts, OUTPUT);
    const { host, port } = parseHostPort(opts.to);
    const ackTimeoutMs = wholeNumber(opts.timeout, '--timeout', '10000');
    const retries = wholeNumber(opts.retries, '--retries', '2');
    const all = files.flatMap((f) => {
      const { messages, garbage } = readMessageFile(f);
      for (const g of garbage)
        process.stderr.write(
          `${f}: skipped ${g.length} bytes at offset ${g.offset} ("${g.preview}")\n`,
        );
      return messages;
    });
    if (all.length === 0)
      throw new UserError('E_INPUT', `no HL7 message in ${files.join(', ')}`, {
        hint: 'nothing was sent; each message starts with an MSH segment',
      });
    const unreadable = all.filter((m) => !m.message);
    if (unreadable.length > 0) {
      const m = unreadable[0]!;
      throw new UserError('E_HL7_PARSE', m.error?.message ?? 'unreadable message', {
        location: { file: m.file, index: m.index, offset: m.offset },
        hint: 'nothing was sent; fix or remove the message',
      });
    }
    const tls =
      opts.tls || opts.ca || opts.pin
        ? { ca: opts.ca ? readCa(opts.ca) : undefined, pinSha256: opts.pin }
        : undefined;
    const client = new MllpClient({ host, port, ackTimeoutMs, retries, tls });
    try {
      await client.connect();
    } catch (e) {
      throw e instanceof UserError ? e : new UserError('E_CONNECT', String(e), { exitCode: 3 });
    }
    const texts: OutputStream[] = [];
    const jsons: OutputStream[] = [];
    for (const t of outputs) (t.name === 'json' ? jsons : texts).push(openStream(t.to));
    const json = (v: unknown) => {
      if (jsons.length === 0) return;
      const line = `${JSON.stringify(v)}\n`;
      for (const j of jsons) j.write(line);
    };
    const text = (line: string) => {
      for (const t of texts) t.write(line);
    };
    const counts = new Map<string, number>();
    let notOk = 0;
    const rtts: number[] = [];
    for (const m of all) {
      const r: SendResult = await client.send(m.message!);
      const key = r.status === 'acked' ? (r.ackCode ?? '?') : r.status;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (!(r.status === 'acked' && OK.has(r.ackCode ?? ''))) notOk++;
      rtts.push(r.rttMs);
      const t = messageType(m.message!);
      json({
        file: m.file,
        index: m.index,
        type: `${t.code}^${t.trigger}`,
        controlId: r.controlId,
        status: r.status,
        ack: r.ackCode,
        rttMs: Math.round(r.rttMs * 10) / 10,
        attempts: r.attempts,
        error: r.error,
      });
      const detail = r.error ? `  ${r.error}` : '';
      text(
        `${r.controlId.padEnd(20)} ${`${t.code}^${t.trigger}`.padEnd(8)} ${key.padEnd(8)} ${r.rttMs.toFixed(1).padStart(8)} ms${detail}\n`,
      );
    }
    await client.close();
    rtts.sort((a, b) => a - b);
    const summary = [...counts].map(([k, v]) => `${k} ${v}`).join(', ');
    const p50 = rtts[Math.floor(rtts.length / 2)] ?? 0;
    json({
      summary: Object.fromEntries(counts),
      sent: all.length,
      notAccepted: notOk,
      p50Ms: p50,
    });
    text(
      `\n${all.length} sent: ${summary}; median round trip ${p50.toFixed(1)} ms${client.stray.length ? `; ${client.stray.length} unmatched ACK(s)` : ''}\n`,
    );
    await Promise.all([...texts, ...jsons].map((s) => s.end()));
    setExit(notOk > 0 ? 1 : 0);
  });
};
