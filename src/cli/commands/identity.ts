/**
 * `golive identity match FILE.csv`: probable duplicate people in a roster, with the matcher
 * lint uses on traffic (docs/lint.md#identity-matching). Exit 0 none, 1 some, 2 bad input.
 */
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { DEFAULT_THRESHOLD, findDuplicates, loadRoster, type Person } from '../../lint/index.js';
import type { RegisterCommand } from '../command-types.js';
import {
  addOutputOptions,
  emitOutputs,
  resolveOutputs,
  type OutputFlags,
  type OutputSpec,
} from '../output-options.js';

const OUTPUT: OutputSpec = { command: 'identity', reporters: ['list', 'json'] };

function label(p: Person): string {
  const name = [p.given, p.family].filter(Boolean).join(' ');
  return `${p.id} (${name || 'no name'}${p.birthDate ? `, ${p.birthDate}` : ''})`;
}

export const register: RegisterCommand = (program: Command, setExit) => {
  const identity = program.command('identity').description('Identity checks on patient rosters');
  const match = identity
    .command('match')
    .description('Find probable duplicate people in a roster CSV')
    .argument('<file>', 'roster CSV with a header row (columns: docs/lint.md#identity-matching)')
    .option('--threshold <score>', `match score 0..1 (default ${DEFAULT_THRESHOLD})`);
  addOutputOptions(match, OUTPUT, { json: 'JSON {summary, pairs}, to stdout or to FILE' });
  match.action(async (file: string, o: OutputFlags & { threshold?: string }) => {
    const threshold = o.threshold === undefined ? DEFAULT_THRESHOLD : Number(o.threshold);
    if (!(threshold >= 0 && threshold <= 1))
      throw new UserError('E_OPTION', `--threshold: "${o.threshold}" is not a number from 0 to 1`, {
        hint: 'e.g. --threshold 0.7',
      });
    const outputs = resolveOutputs(o, OUTPUT);
    const people = loadRoster(file);
    const { pairs, stats } = findDuplicates(people, { threshold });
    await emitOutputs(outputs, 'identity', {
      json: () => ({
        summary: { ...stats, threshold, pairs: pairs.length },
        pairs: pairs.map((p) => ({
          a: p.a.id,
          b: p.b.id,
          score: Number(p.score.toFixed(3)),
          agree: p.agree,
          disagree: p.disagree,
        })),
      }),
      text: () =>
        pairs
          .map(
            (p) =>
              `${p.score.toFixed(2)}  ${label(p.a)}  ~  ${label(p.b)}\n      agree: ${p.agree.join(', ') || '-'}; disagree: ${p.disagree.join(', ') || '-'}\n`,
          )
          .join('') +
        `${pairs.length} probable duplicate pair(s) among ${stats.records} record(s) (threshold ${threshold}, ${stats.comparisons} comparisons)\n`,
    });
    setExit(pairs.length > 0 ? 1 : 0);
  });
};
