/**
 * One style for every help text (issue 15, Terminal; docs/architecture.md "Terminal output"):
 *
 * - a command's description starts with a capital letter (sentence case), an option's or an
 *   argument's help with a lower-case letter (as commander's own "display help for command"),
 *   unless its first word is a name or an acronym (HL7, SQLite, JUnit, IANA...);
 * - nothing ends with a period;
 * - defaults read `(default: VALUE)`, never `(default VALUE)` nor commander's quoted
 *   `(default: "VALUE")`; times and sizes name their unit;
 * - examples read `e.g. --flag value` with the option's own flag.
 *
 * Every command and subcommand of the table (src/cli/commands/index.ts) is checked through the
 * help commander prints for it; the built CLI's `--help` of each command is the same text.
 */
import { Command, type Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runCli } from '../helpers/cli.js';

interface Found {
  path: string;
  commands: { path: string; description: string }[];
  options: { path: string; option: Option }[];
  args: { path: string; name: string; description: string }[];
  help: { path: string; text: string }[];
}

function walk(cmd: Command, path: string, found: Found): void {
  cmd.configureOutput({ getOutHelpWidth: () => 100, getErrHelpWidth: () => 100 });
  found.commands.push({ path, description: cmd.description() });
  found.help.push({ path, text: cmd.helpInformation() });
  for (const a of cmd.registeredArguments)
    found.args.push({ path, name: a.name(), description: a.description });
  for (const o of cmd.options) if (!o.hidden) found.options.push({ path, option: o });
  for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`, found);
}

async function everything(): Promise<Found> {
  const found: Found = { path: '', commands: [], options: [], args: [], help: [] };
  for (const entry of COMMANDS) {
    const program = new Command();
    (await entry.load()).register(program, () => undefined);
    walk(program.commands[0]!, entry.name, found);
  }
  return found;
}

/** A first word that is a name or an acronym keeps its capital: HL7, SQLite, JUnit, IANA, FHIR. */
const NAME = /^[A-Z][A-Za-z]*[A-Z0-9]/;
const firstWord = (s: string): string => s.trim().split(/\s+/)[0] ?? '';

const found = await everything();

describe('help text style', () => {
  it('covers every command and subcommand of the table', () => {
    expect(found.commands.map((c) => c.path)).toEqual(
      expect.arrayContaining([
        ...COMMANDS.map((e) => e.name),
        'scenarios run',
        'compliance audit',
        'evidence verify',
        'hl7 inspect',
        'identity match',
      ]),
    );
    expect(found.options.length).toBeGreaterThan(80);
  });

  it('command descriptions start with a capital letter and end without a period', () => {
    const bad = found.commands.filter(
      (c) => !/^[A-Z]/.test(c.description) || /\.\s*$/.test(c.description),
    );
    expect(bad).toEqual([]);
  });

  it('option and argument help starts lower-case (names and acronyms excepted), no period', () => {
    const texts = [
      ...found.options
        .filter((o) => o.option.long !== '--help')
        .map((o) => ({ where: `${o.path} ${o.option.flags}`, text: o.option.description })),
      ...found.args.map((a) => ({ where: `${a.path} <${a.name}>`, text: a.description })),
    ];
    const bad = texts.filter(
      ({ text }) =>
        text.trim() === '' ||
        /\.\s*$/.test(text) ||
        (/^[A-Z]/.test(text) && !NAME.test(firstWord(text))),
    );
    expect(bad).toEqual([]);
  });

  it('defaults read "(default: VALUE)", never quoted by commander nor without the colon', () => {
    const bad = found.help.flatMap(({ path, text }) =>
      text
        .split('\n')
        .filter((l) => /\(default [^:]|\(default: ["[]|default: undefined/.test(l))
        .map((l) => `${path}: ${l.trim()}`),
    );
    expect(bad).toEqual([]);
    // commander prints `default: ${JSON.stringify(value)}` unless the option says how to show it
    const unshown = found.options
      .filter(
        (o) =>
          o.option.defaultValue !== undefined &&
          !o.option.negate &&
          o.option.defaultValueDescription === undefined,
      )
      .map((o) => `${o.path} ${o.option.flags}`);
    expect(unshown).toEqual([]);
  });

  it('times and sizes name their unit', () => {
    const bad = found.options.flatMap(({ path, option }) => {
      const shown = `${option.description} ${option.defaultValueDescription ?? ''}`;
      const flags = option.flags;
      const problems: string[] = [];
      if (
        (/-ms\b|<ms>/.test(flags) || /\bdelay\b|\btimeout\b/i.test(flags)) &&
        !/\bms\b/.test(shown)
      )
        problems.push('no ms');
      if (/-days\b/.test(flags) && !/\bdays\b/.test(shown)) problems.push('no days');
      if (/<size>/.test(flags) && !/\b\d+(KiB|MiB|GiB|KB|MB|GB|B)\b/.test(shown))
        problems.push('no byte suffix');
      if (/<duration>/.test(flags) && !/\d+(ms|s|m|h)\b/.test(shown)) problems.push('no duration');
      const def = option.defaultValueDescription;
      if (def !== undefined && /^\d+$/.test(def) && !/<n>|<pct>|port/.test(flags))
        problems.push(`bare default ${def}`);
      return problems.map((p) => `${path} ${flags}: ${p}`);
    });
    expect(bad).toEqual([]);
  });

  it('examples read "e.g. --flag value" with the option\'s own flag', () => {
    const bad = found.options
      .filter(({ option }) => {
        const d = option.description;
        if (/\bfor example\b/i.test(d)) return true;
        const examples = [...d.matchAll(/e\.g\.\s*(\S+)/g)].map((m) => m[1]);
        return examples.some((e) => e !== option.long);
      })
      .map(({ path, option }) => `${path} ${option.flags}: ${option.description}`);
    expect(bad).toEqual([]);
  });

  it("the built CLI's --help of each command prints the help checked here", async () => {
    for (const entry of COMMANDS) {
      const r = await runCli([entry.name, '--help'], { env: { COLUMNS: '100' } });
      expect(r.code, entry.name).toBe(0);
      expect(r.stdout).toContain(`Usage: golive ${entry.name}`);
      const mine = found.help.find((h) => h.path === entry.name)!.text;
      const firstOption = /^ {2}(-\S+)/m.exec(mine)?.[1];
      if (firstOption) expect(r.stdout).toContain(firstOption);
      expect(r.stdout).not.toMatch(/\(default [^:]|\(default: ["[]/);
    }
  }, 120_000);
});
