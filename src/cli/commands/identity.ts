/**
 * `golive identity match FILE.csv`: probable duplicate people in a roster, with the matcher
 * lint uses on traffic (docs/lint.md#identity-matching). Exit 0 none, 1 some or a cap reached,
 * 2 bad input. Matching and rendering: lint/identity/command.ts.
 */
import type { Command } from 'commander';
import {
  DEFAULT_THRESHOLD,
  identityOptions,
  matchRoster,
  type IdentityFlags,
} from '../../lint/index.js';
import type { RegisterCommand } from '../command-types.js';
import {
  addOutputOptions,
  emitOutputs,
  resolveOutputs,
  type OutputFlags,
  type OutputSpec,
} from '../output-options.js';

const OUTPUT: OutputSpec = { command: 'identity', reporters: ['list', 'json'] };

export const register: RegisterCommand = (program: Command, setExit) => {
  const identity = program.command('identity').description('Identity checks on patient rosters');
  const match = identity
    .command('match')
    .description('Find probable duplicate people in a roster CSV')
    .argument('<file>', 'roster CSV with a header row (columns: docs/lint.md#identity-matching)')
    .option('--threshold <score>', `match score from 0 to 1 (default: ${DEFAULT_THRESHOLD})`)
    .option('--max-pairs <n>', 'pairs listed at most, best scores first (default: 10000)')
    .option('--max-comparisons <n>', 'candidate pairs scored at most (default: 5000000)');
  addOutputOptions(match, OUTPUT, { json: 'JSON {summary, pairs}, to stdout or to FILE' });
  match.action(async (file: string, o: OutputFlags & IdentityFlags) => {
    // Flags checked (identityOptions, output paths) before the roster is read.
    identityOptions(o);
    const outputs = resolveOutputs(o, OUTPUT);
    const m = matchRoster(file, o);
    await emitOutputs(outputs, 'identity', { json: m.json, text: m.text });
    setExit(m.exitCode);
  });
};
