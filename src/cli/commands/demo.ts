import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runDemo } from '../../runner/index.js';
import { TaskList } from '../../runner/index.js';
import { PROFILE_HELP, parseProfileOption } from '../profile-option.js';
import type { RegisterCommand } from '../command-types.js';
import { writeVerdict } from '../verdict.js';
import { VERSION } from '../version.js';
import { deprecatedOption, Deprecations, reportsDirFlag, storeFlag } from '../output-options.js';

export const register: RegisterCommand = (program: Command, setExit) => {
  program
    .command('demo')
    .description(
      'Run the full go-live review against the embedded reference site (demo faults on; --clean for a fault-free site)',
    )
    .option('--clean', 'fault-free site with complete evidence (ends GO)')
    .option(
      '--output <dir>',
      'where to write the reports and evidence store, in demo/ or clean/ (default: golive-report)',
    )
    .addOption(deprecatedOption('--out <dir>', '--output'))
    .option('--store <store>', 'evidence store (default: evidence.db in the reports folder)')
    .option('--profile <name>', PROFILE_HELP.replace(' with --target embedded', ''))
    .action(
      async (opts: {
        clean?: boolean;
        output?: string;
        out?: string;
        store?: string;
        profile?: string;
      }) => {
        const deprecations = new Deprecations();
        const dir = reportsDirFlag(opts, deprecations) ?? 'golive-report';
        const store = storeFlag(opts, deprecations);
        deprecations.flush();
        const profile = parseProfileOption(opts.profile, true);
        const outDir = resolve(dir, opts.clean ? 'clean' : 'demo');
        const tasks = new TaskList(process.stderr);
        process.stderr.write(
          `golive demo: ${opts.clean ? 'fault-free site' : 'site with demo faults'}\n`,
        );
        const decided = await runDemo({
          clean: !!opts.clean,
          outDir,
          tasks,
          toolVersion: VERSION,
          ...(profile ? { profile } : {}),
          ...(store ? { evidence: store } : {}),
        });
        tasks.close();
        // The verdict block ends the output: decision, blockers, reports and evidence, last.
        writeVerdict(decided);
        // A demo exits 0 whenever its review completed, whatever the decision.
        setExit(0);
      },
    );
};
