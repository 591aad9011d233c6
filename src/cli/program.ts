/**
 * The `golive` program with its commands loaded lazily: every command is listed (name, term and
 * summary from the table in commands/index.ts), and only the module of the command the
 * arguments name is imported and registered. `golive --help`, `--version` and a typo's "did you
 * mean" need no command module; `golive lint ...` or `golive help lint` loads lint's alone.
 */
import { Command, Help } from 'commander';
import type { CommandEntry } from './command-types.js';
import { COMMANDS } from './commands/index.js';
import { VERSION } from './version.js';

export function createProgram(): Command {
  return new Command()
    .name('golive')
    .description('Prove a clinical technology integration is safe to go live.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}

/**
 * The command `args` (the arguments after the program name) run: the first operand, or the one
 * after `help`. The program's own options (-V, -h) take no value, so operands are simply the
 * arguments that are not options.
 */
export function requestedCommand(args: readonly string[]): string | undefined {
  const operands = args.filter((a) => !a.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}

/**
 * Register `commands` on `program`, in order: the requested one from its module, the others as
 * placeholders that only carry their name and help line (never run: commander dispatches to the
 * requested command, which is the real one).
 */
export async function addCommands(
  program: Command,
  requested: string | undefined,
  setExit: (code: number) => void,
  commands: readonly CommandEntry[] = COMMANDS,
): Promise<void> {
  const terms = new Map<Command, string>();
  for (const entry of commands) {
    if (entry.name === requested) {
      (await entry.load()).register(program, setExit);
    } else {
      terms.set(program.command(entry.name).description(entry.summary), entry.term);
    }
  }
  // A placeholder has no options or arguments of its own: list the entry's term for it.
  const plain = new Help();
  program.configureHelp({
    subcommandTerm: (c: Command) => terms.get(c) ?? plain.subcommandTerm(c),
  });
}
