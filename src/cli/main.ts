#!/usr/bin/env node
/**
 * The golive command. The only place that calls process.exit.
 * Exit codes (ARCHITECTURE.md): checks 0 pass, 1 fail, 2 bad input, 3 unreachable;
 * `golive run` 0 GO, 1 CONDITIONAL GO or NO-GO; anything else is a bug.
 */
import module from 'node:module';
import { CommanderError } from 'commander';
import { isUserError } from '../core/errors.js';
import { addCommands, createProgram, requestedCommand } from './program.js';

// Node 22.1+ keeps compiled code of the modules loaded from here on (the command's, imported
// lazily) in a cache under the temp folder: later starts skip compiling them. Absent on Node 20.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/**
 * A reader that stops early (`golive hl7 inspect f.hl7 | head -1`) closes the pipe: the next
 * write fails with EPIPE. That is the reader's choice, not a failure: stop quietly with the exit
 * code the command has decided so far (0 until it sets one). Any other failure to write the
 * output (a full disk under a redirect) is said in one line, exit 2. The one place for this.
 */
function endQuietlyWhenOutputCloses(decided: () => number): void {
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(decided());
    try {
      process.stderr.write(`error E_OUTPUT: cannot write the output (${e.code ?? e.message})\n`);
    } finally {
      process.exit(2);
    }
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}

export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  endQuietlyWhenOutputCloses(() => exitCode);
  try {
    // Only the command about to run is imported (commands/index.ts): a fast start for every other.
    await addCommands(program, requestedCommand(argv.slice(2)), setExit);
    await program.parseAsync(argv);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version are "errors" to commander with exit code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isUserError(e)) {
      process.stderr.write(`${e.format()}\n`);
      return e.exitCode;
    }
    process.stderr.write(
      `golive: internal error (a bug, please report it): ${(e as Error)?.stack ?? String(e)}\n`,
    );
    return 70;
  }
}

const code = await main(process.argv);
// Let pending output flush, then exit with the code the command decided.
process.exitCode = code;
if (process.env.GOLIVE_NO_FORCE_EXIT !== '1') {
  setTimeout(() => process.exit(code), 50).unref();
}
