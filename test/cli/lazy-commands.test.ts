/**
 * Lazy command loading (src/cli/program.ts, src/cli/commands/index.ts): the help the CLI prints
 * from its table, without loading any command, is the help it would print with every command
 * loaded; each command's own help, and "did you mean" for a typo, still work from the built CLI.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { addCommands, createProgram, requestedCommand } from '../../src/cli/program.js';
import { runCli } from '../helpers/cli.js';

/** commander's help of `program`, at a fixed width whatever the terminal. */
function helpOf(program: Command): string {
  program.configureOutput({ getOutHelpWidth: () => 100, getErrHelpWidth: () => 100 });
  return program.helpInformation();
}

describe('lazy command loading', () => {
  it('every table entry names the term and summary its module registers (else update commands/index.ts)', async () => {
    for (const entry of COMMANDS) {
      const program = new Command();
      (await entry.load()).register(program, () => undefined);
      expect(program.commands.map((c) => c.name())).toEqual([entry.name]);
      const c = program.commands[0]!;
      expect({
        term: program.createHelp().subcommandTerm(c),
        summary: c.summary() || c.description(),
      }).toEqual({
        term: entry.term,
        summary: entry.summary,
      });
    }
  });

  it('golive --help from the table equals the help with every command loaded', async () => {
    const lazy = createProgram();
    await addCommands(lazy, undefined, () => undefined);
    const eager = createProgram();
    for (const entry of COMMANDS) (await entry.load()).register(eager, () => undefined);
    expect(helpOf(lazy)).toBe(helpOf(eager));
  });

  it('loads the one command the arguments name', async () => {
    expect(requestedCommand(['lint', '--format', 'json', 'a.hl7'])).toBe('lint');
    expect(requestedCommand(['help', 'send'])).toBe('send');
    expect(requestedCommand(['--help'])).toBeUndefined();
    expect(requestedCommand(['-V'])).toBeUndefined();
    const loaded: string[] = [];
    const table = COMMANDS.map((e) => ({
      ...e,
      load: () => {
        loaded.push(e.name);
        return e.load();
      },
    }));
    const program = createProgram();
    await addCommands(program, 'hl7', () => undefined, table);
    expect(loaded).toEqual(['hl7']);
    // The loaded command has its subcommands; the others are listed in table order.
    expect(program.commands.map((c) => c.name())).toEqual(COMMANDS.map((e) => e.name));
    expect(program.commands.find((c) => c.name() === 'hl7')!.commands.length).toBeGreaterThan(0);
  });

  it('the built CLI: --help lists every command, <cmd> --help shows its options, a typo gets a suggestion', async () => {
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    for (const e of COMMANDS) expect(h.stdout).toContain(e.term);
    const lint = await runCli(['lint', '--help']);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toMatch(/Usage: golive lint \[options\] <inputs\.\.\.>/);
    expect(lint.stdout).toContain('--reporter <name[=file]>');
    const viaHelp = await runCli(['help', 'send']);
    expect(viaHelp.stdout).toContain('--to <host:port>');
    const typo = await runCli(['lnt', 'x.hl7']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown command 'lnt'/);
    expect(typo.stderr).toMatch(/Did you mean lint\?/);
  });
});
