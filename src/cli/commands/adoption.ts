/**
 * `golive adoption`: day-one readiness evidence (REVIEW.md adoption.*): task simulations,
 * quick-reference guides, workaround signals and floor-support roster coverage.
 * Exit 0 no error-level finding, 1 any, 2 bad input.
 */
import { Option, type Command } from 'commander';
import { UserError } from '../../core/index.js';
import { reviewAdoptionFiles } from '../../adoption/index.js';
import { percent } from '../options.js';
import type { RegisterCommand } from '../command-types.js';
import { emit, findingsOptions, findingsSetup, type FindingsFlags } from './compliance.js';

export const register: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('adoption')
    .description(
      'Check day-one readiness: unaided tasks, exception guides, workaround signals, floor support (adoption.*)',
    )
    .option('--tasks <file>', 'task simulation records, CSV or YAML (docs/adoption.md)')
    .option('--guides <file>', 'quick-reference guides (task -> guide); needs --tasks')
    .option('--signals <file>', 'workaround signal log')
    .option('--roster <file>', 'floor-support roster (unit, shift, staff, role); needs --plan')
    .option('--plan <file>', 'launch plan: units x shifts (x dates) to cover')
    .addOption(
      new Option('--threshold <pct>', 'minimum % of task attempts completed unaided').default(
        '90',
        '90%',
      ),
    );
  findingsOptions(cmd, 'adoption')
    .addHelpText(
      'after',
      '\nEach input is optional; a check runs when its inputs are given (guides with tasks, roster with plan).',
    )
    .action(
      async (
        o: FindingsFlags & {
          tasks?: string;
          guides?: string;
          signals?: string;
          roster?: string;
          plan?: string;
          threshold: string;
        },
      ) => {
        if (o.guides && !o.tasks)
          throw new UserError(
            'E_OPTION',
            '--guides needs --tasks (guides are checked against the exception tasks)',
          );
        if (!!o.roster !== !!o.plan)
          throw new UserError(
            'E_OPTION',
            '--roster and --plan go together (the roster is checked against the launch plan)',
          );
        if (!o.tasks && !o.signals && !o.roster)
          throw new UserError(
            'E_OPTION',
            'give at least one input: --tasks, --signals or --roster with --plan',
            { hint: 'see golive adoption --help' },
          );
        const { outputs, now } = findingsSetup(o, 'adoption');
        const results = reviewAdoptionFiles(
          {
            ...(o.tasks ? { tasks: o.tasks } : {}),
            ...(o.guides ? { guides: o.guides } : {}),
            ...(o.signals ? { signals: o.signals } : {}),
            ...(o.roster ? { roster: o.roster, plan: o.plan } : {}),
          },
          { now, thresholdPct: percent(o.threshold, '--threshold', '90') },
        );
        await emit(results, outputs, 'adoption', setExit);
      },
    );
};
