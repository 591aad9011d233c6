import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { messageType, type Hl7Message } from '../../hl7/index.js';
import type { RegisterCommand } from '../command-types.js';
import { readMessageFile } from '../read-messages.js';

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
    .action((files: string[], opts: { json?: boolean }) => {
      const out: unknown[] = [];
      let bad = 0;
      for (const file of files) {
        const { messages, garbage } = readMessageFile(file);
        for (const g of garbage) {
          bad++;
          process.stderr.write(
            `${file}: skipped ${g.length} bytes at offset ${g.offset} that are not part of a message ("${g.preview}")\n`,
          );
        }
        for (const m of messages) {
          if (!m.message) {
            bad++;
            const e = m.error ?? new UserError('E_HL7_PARSE', 'unreadable');
            process.stderr.write(
              `${file} message #${m.index} (offset ${m.offset}): ${e.message}\n`,
            );
            continue;
          }
          const t = messageType(m.message);
          const segments = fieldsOf(m.message);
          if (opts.json) {
            out.push({
              file,
              index: m.index,
              offset: m.offset,
              type: `${t.code}^${t.trigger}`,
              controlId: m.message.get('MSH-10'),
              version: m.message.get('MSH-12'),
              problems: m.message.problems,
              segments,
            });
            continue;
          }
          process.stdout.write(
            `${file} #${m.index} @${m.offset}  ${t.code}^${t.trigger}  MSH-10=${m.message.get('MSH-10') ?? '(none)'}  v${m.message.get('MSH-12') ?? '?'}  ${segments.length} segments\n`,
          );
          for (const p of m.message.problems) process.stdout.write(`  ! ${p}\n`);
          for (const s of segments) {
            process.stdout.write(
              `  ${s.occurrence > 1 ? `${s.segment}[${s.occurrence}]` : s.segment}\n`,
            );
            for (const f of s.fields)
              process.stdout.write(`    ${f.path.padEnd(18)} ${JSON.stringify(f.value)}\n`);
          }
        }
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      setExit(bad > 0 ? 1 : 0);
    });
};
