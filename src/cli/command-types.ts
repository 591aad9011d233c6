import type { Command } from 'commander';

/**
 * A command module registers its subcommands on the program. Actions report their exit code
 * through `setExit` (never process.exit) and throw UserError for bad input.
 */
export type RegisterCommand = (program: Command, setExit: (code: number) => void) => void;

/**
 * One command of `golive`, as the CLI knows it before loading it: what `golive --help` lists,
 * and how to import the module that registers it (only when that command or its help runs).
 */
export interface CommandEntry {
  /** The command's name, the first word of `term`. */
  name: string;
  /** What `golive --help` lists at the left: name, `[options]`, arguments (commander's form). */
  term: string;
  /** What `golive --help` lists at the right. */
  summary: string;
  load: () => Promise<{ register: RegisterCommand }>;
}
