import type { Command } from 'commander';
import { UserError } from '../../core/index.js';
import { messageType, type Hl7Message } from '../../hl7/index.js';
import type { RegisterCommand } from '../command-types.js';
import { streamMessageFile } from '../read-messages.js';
import { openStream, type OutputStream } from '../../report/reporter.js';
import {
  addOutputOptions,
  resolveOutputs,
  type OutputFlags,
  type OutputSpec,
} from '../output-options.js';

const OUTPUT: OutputSpec = { command: 'hl7-inspect', reporters: ['list', 'json'] };

interface FieldView {
  path: string;
  value: string;
}

/** Every non-empty leaf of a message, addressed by field path. */
function fieldsOf(msg: Hl7Message): { segment: string; occurrence: number; fields: FieldView[] }[] {
  const counts = new Map<string, number>();
  const d = msg.delimiters;
  return msg.segments.map((seg) => {
    const occ = (counts.get(seg.id) ?? 0) + 1;
    counts.set(seg.id, occ);
    const name = occ > 1 ? `${seg.id}[${occ}]` : seg.id;
    const fields: FieldView[] = [];
    const max = seg.id === 'MSH' ? seg.fields.length + 1 : seg.fields.length;
    for (let f = 1; f < max; f++) {
      const raw = msg.fieldRaw(seg, f) ?? '';
      if (raw === '') continue;
      if (seg.id === 'MSH' && f <= 2) {
        fields.push({ path: `${name}-${f}`, value: raw });
        continue;
      }
      const reps = raw.split(d.repetition);
      reps.forEach((rep, r) => {
        const repPath = reps.length > 1 ? `${name}-${f}[${r + 1}]` : `${name}-${f}`;
        const comps = rep.split(d.component);
        if (comps.length === 1 && !rep.includes(d.subcomponent)) {
          if (rep !== '') fields.push({ path: repPath, value: msg.unescape(rep) });
          return;
        }
        comps.forEach((c, ci) => {
          const subs = c.split(d.subcomponent);
          subs.forEach((s, si) => {
            if (s === '') return;
            const p = subs.length > 1 ? `${repPath}.${ci + 1}.${si + 1}` : `${repPath}.${ci + 1}`;
            fields.push({ path: p, value: msg.unescape(s) });
          });
        });
      });
    }
    return { segment: seg.id, occurrence: occ, fields };
  });
}

export const register: RegisterCommand = (program: Command, setExit) => {
  const hl7 = program.command('hl7').description('Work with HL7 v2 message files');
  const inspect = hl7
    .command('inspect')
    .description('Print each message structure with field paths (PID-3[2].1 = value)')
    .argument(
      '<files...>',
      'HL7 v2 files: one message, many (newline, MLLP-framed) or FHS/BHS batches',
    );
  addOutputOptions(inspect, OUTPUT, {
    json: 'a JSON array of the messages, to stdout (instead of the text) or to FILE',
  });
  inspect.action(async (files: string[], opts: OutputFlags) => {
    // Streamed: each message is written as it is read, so memory holds one message however
    // large the input; a JSON array is written element by element (same text as one
    // JSON.stringify(array, null, 2)) and closed even when reading stops with an error.
    const outputs = resolveOutputs(opts, OUTPUT);
    const texts: OutputStream[] = [];
    const jsons: JsonArrayWriter[] = [];
    const streams: OutputStream[] = [];
    for (const t of outputs) {
      const s = openStream(t.to);
      streams.push(s);
      if (t.name === 'json') jsons.push(new JsonArrayWriter((x) => s.write(x)));
      else texts.push(s);
    }
    let bad = 0;
    try {
      for (const file of files) {
        let seen = 0;
        for await (const m of streamMessageFile(file)) {
          seen++;
          if ('kind' in m) {
            bad++;
            process.stderr.write(
              `${file}: skipped ${m.length} bytes at offset ${m.offset} that are not part of a message${m.reason === 'oversized' ? ' (a message over the size cap)' : ''} ("${m.preview}")\n`,
            );
            continue;
          }
          if (!m.message) {
            bad++;
            const e = m.error ?? new UserError('E_HL7_PARSE', 'unreadable');
            process.stderr.write(
              `${file} message #${m.index} (offset ${m.offset}): ${e.message}\n`,
            );
            continue;
          }
          for (const j of jsons) j.add(inspectJson(file, m.index, m.offset, m.message));
          if (texts.length > 0) {
            const text = messageText(file, m.index, m.offset, m.message);
            for (const t of texts) t.write(text);
          }
        }
        if (seen === 0) {
          // An empty file is said, never an empty success.
          bad++;
          process.stderr.write(`${file}: no HL7 message found (a message starts with MSH)\n`);
        }
      }
    } finally {
      for (const j of jsons) j.end();
      await Promise.all(streams.map((s) => s.end()));
    }
    setExit(bad > 0 ? 1 : 0);
  });
};

function inspectJson(file: string, index: number, offset: number, msg: Hl7Message): unknown {
  const t = messageType(msg);
  return {
    file,
    index,
    offset,
    type: `${t.code}^${t.trigger}`,
    controlId: msg.get('MSH-10'),
    version: msg.get('MSH-12'),
    problems: msg.problems,
    segments: fieldsOf(msg),
  };
}

function messageText(file: string, index: number, offset: number, msg: Hl7Message): string {
  const t = messageType(msg);
  const segments = fieldsOf(msg);
  const out = [
    `${file} #${index} @${offset}  ${t.code}^${t.trigger}  MSH-10=${msg.get('MSH-10') ?? '(none)'}  v${msg.get('MSH-12') ?? '?'}  ${segments.length} segments\n`,
  ];
  for (const p of msg.problems) out.push(`  ! ${p}\n`);
  for (const s of segments) {
    out.push(`  ${s.occurrence > 1 ? `${s.segment}[${s.occurrence}]` : s.segment}\n`);
    for (const f of s.fields) out.push(`    ${f.path.padEnd(18)} ${JSON.stringify(f.value)}\n`);
  }
  return out.join('');
}

/** Writes a JSON array one element at a time, as JSON.stringify(array, null, 2) would. */
class JsonArrayWriter {
  private count = 0;
  constructor(private readonly write: (s: string) => void) {}

  add(item: unknown): void {
    const text = JSON.stringify(item, null, 2).replace(/\n/g, '\n  ');
    this.write(`${this.count++ === 0 ? '[\n  ' : ',\n  '}${text}`);
  }

  end(): void {
    this.write(this.count === 0 ? '[]\n' : '\n]\n');
  }
}
