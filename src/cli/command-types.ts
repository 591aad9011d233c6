import type { Command } from 'commander';

/**
 * A command module registers its subcommands on the program. Actions report their exit code
 * through `setExit` (never process.exit) and throw UserError for bad input.
 */
export type RegisterCommand = (program: Command, setExit: (code: number) => void) => void;
