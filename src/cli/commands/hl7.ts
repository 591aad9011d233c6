import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { messageType, type Hl7Message } from '../../hl7/index.js';
import type { RegisterCommand } from '../command-types.js';
import { streamMessageFile } from '../read-messages.js';

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
  hl7
    .command('inspect')
    .description('Print each message structure with field paths (PID-3[2].1 = value)')
    .argument(
      '<files...>',
      'HL7 v2 files: one message, many (newline, MLLP-framed) or FHS/BHS batches',
    )
    .option('--json', 'print JSON instead of text')
    .action(async (files: string[], opts: { json?: boolean }) => {
      // Streamed: each message is printed as it is read, so memory holds one message however
      // large the input; a JSON array is written element by element (same text as one
      // JSON.stringify(array, null, 2)) and closed even when reading stops with an error.
      const json = opts.json ? new JsonArrayWriter((s) => process.stdout.write(s)) : undefined;
      let bad = 0;
      try {
        for (const file of files) {
          for await (const m of streamMessageFile(file)) {
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
            if (json) json.add(inspectJson(file, m.index, m.offset, m.message));
            else printMessage(file, m.index, m.offset, m.message);
          }
        }
      } finally {
        json?.end();
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

function printMessage(file: string, index: number, offset: number, msg: Hl7Message): void {
  const t = messageType(msg);
  const segments = fieldsOf(msg);
  process.stdout.write(
    `${file} #${index} @${offset}  ${t.code}^${t.trigger}  MSH-10=${msg.get('MSH-10') ?? '(none)'}  v${msg.get('MSH-12') ?? '?'}  ${segments.length} segments\n`,
  );
  for (const p of msg.problems) process.stdout.write(`  ! ${p}\n`);
  for (const s of segments) {
    process.stdout.write(`  ${s.occurrence > 1 ? `${s.segment}[${s.occurrence}]` : s.segment}\n`);
    for (const f of s.fields)
      process.stdout.write(`    ${f.path.padEnd(18)} ${JSON.stringify(f.value)}\n`);
  }
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
