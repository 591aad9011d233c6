/**
 * `golive compliance access|registers|audit`: compliance evidence for the go-live review
 * (REVIEW.md compliance.*). Exit 0 no error-level finding, 1 any, 2 bad input, 3 unreachable.
 */
import { Option, type Command } from 'commander';
import { UserError } from '../../core/index.js';
import type { CheckResult } from '../../core/index.js';
import {
  actionsFromExchanges,
  auditSpan,
  loadAuditTrail,
  loadExchanges,
  reviewAccessFiles,
  reviewRegisterFiles,
  sourceLabel,
  verifyAuditTrail,
  type AuditSource,
} from '../../compliance/index.js';
import { parseDuration, positiveInt, resolveNow } from '../options.js';
import { exitCodeOf, toJsonReport, toText } from '../../report/findings-output.js';
import { checksJunit } from '../../report/reporter-documents.js';
import type { RegisterCommand } from '../command-types.js';
import {
  addAsOfOption,
  addOutputOptions,
  asOfFlag,
  Deprecations,
  emitOutputs,
  resolveOutputs,
  type OutputFlags,
  type OutputSpec,
  type OutputTarget,
} from '../output-options.js';

/** The output flags of a findings command (compliance *, adoption) and its review instant. */
export interface FindingsFlags extends OutputFlags {
  asOf?: string;
  now?: string;
}

const spec = (command: string): OutputSpec => ({
  command,
  reporters: ['list', 'json', 'junit'],
});

/** Add the output flags and --as-of of a findings command. */
export function findingsOptions(cmd: Command, command: string): Command {
  addOutputOptions(cmd, spec(command), {
    json: 'JSON output {summary, results, findings}, to stdout (instead of the text) or to FILE',
    junit: 'one test case per check, to stdout or to FILE',
  });
  return addAsOfOption(cmd, NOW_HELP);
}

/**
 * Before any input is read: the reporters (paths checked) and the review instant, with one
 * deprecation line for old flags.
 */
export function findingsSetup(
  o: FindingsFlags,
  command: string,
): { outputs: OutputTarget[]; now: Date } {
  const deprecations = new Deprecations();
  const outputs = resolveOutputs(o, spec(command));
  const asOf = asOfFlag(o, deprecations);
  deprecations.flush();
  return { outputs, now: resolveNow(asOf, process.env.GOLIVE_NOW, () => new Date()) };
}

export async function emit(
  results: CheckResult[],
  outputs: readonly OutputTarget[],
  command: string,
  setExit: (code: number) => void,
): Promise<void> {
  await emitOutputs(outputs, command, {
    results,
    text: () => toText(results),
    json: () => toJsonReport(results),
    junit: () => checksJunit(`golive ${command.replace('-', ' ')}`, results),
  });
  setExit(exitCodeOf(results));
}

const NOW_HELP = 'review instant (ISO date/date-time; default GOLIVE_NOW or the clock)';

function secret(envVar: string | undefined, option: string): string | undefined {
  if (!envVar) return undefined;
  const v = process.env[envVar];
  if (!v)
    throw new UserError('E_OPTION', `${option}: environment variable ${envVar} is not set`, {
      hint: 'credentials are read from the environment, never from the command line',
    });
  return v;
}

function auditSource(o: {
  fhir?: string;
  ndjson?: string;
  csv?: string;
  user?: string;
  basicEnv?: string;
  bearerEnv?: string;
}): AuditSource {
  const given = [o.fhir, o.ndjson, o.csv].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new UserError(
      'E_OPTION',
      'give exactly one audit source: --fhir URL, --ndjson FILE or --csv FILE',
      { hint: 'see golive compliance audit --help' },
    );
  }
  if (o.ndjson) return { kind: 'ndjson', file: o.ndjson };
  if (o.csv) return { kind: 'csv', file: o.csv };
  const basic = secret(o.basicEnv, '--basic-env');
  const bearer = secret(o.bearerEnv, '--bearer-env');
  if (basic && !basic.includes(':'))
    throw new UserError('E_OPTION', `--basic-env: ${o.basicEnv} must hold user:password`);
  return {
    kind: 'fhir',
    baseUrl: o.fhir!,
    ...(o.user ? { user: o.user } : {}),
    ...(basic
      ? {
          basic: {
            user: basic.slice(0, basic.indexOf(':')),
            password: basic.slice(basic.indexOf(':') + 1),
          },
        }
      : {}),
    ...(bearer ? { bearer } : {}),
  };
}

export const register: RegisterCommand = (program: Command, setExit) => {
  const cmd = program
    .command('compliance')
    .description(
      'Compliance evidence: access review, device and change registers, audit-trail verification',
    );

  const access = cmd
    .command('access')
    .description(
      'Review accounts against roles and clinical duties (compliance.roles-duties, compliance.service-vendor-accounts)',
    )
    .requiredOption('--accounts <file>', 'accounts, CSV or YAML (docs/compliance.md#access-review)')
    .requiredOption('--roles <file>', 'role -> permission matrix, CSV or YAML')
    .requiredOption(
      '--duties <file>',
      'clinical role -> permissions needed; YAML may also hold conflicts and policy',
    )
    .option(
      '--conflicts <file>',
      'segregation-of-duties pairs (permission_a, permission_b), CSV or YAML',
    )
    .option(
      '--dormant-days <n>',
      'days unused after which an active account is dormant (default: 90 days)',
    )
    .option(
      '--rotation-days <n>',
      'days after which a service credential is overdue for rotation (default: 365 days)',
    );
  findingsOptions(access, 'compliance-access');
  access.action(
    async (
      o: FindingsFlags & {
        accounts: string;
        roles: string;
        duties: string;
        conflicts?: string;
        dormantDays?: string;
        rotationDays?: string;
      },
    ) => {
      const { outputs, now } = findingsSetup(o, 'compliance-access');
      const policy = {
        ...(o.dormantDays
          ? { dormantAfterDays: positiveInt(o.dormantDays, '--dormant-days', '90') }
          : {}),
        ...(o.rotationDays
          ? { rotationMaxDays: positiveInt(o.rotationDays, '--rotation-days', '365') }
          : {}),
      };
      const results = reviewAccessFiles(
        {
          accounts: o.accounts,
          roles: o.roles,
          duties: o.duties,
          ...(o.conflicts ? { conflicts: o.conflicts } : {}),
        },
        { now, policy },
      );
      await emit(results, outputs, 'compliance-access', setExit);
    },
  );

  const registers = cmd
    .command('registers')
    .description(
      'Check the connected-device inventory and interface change register (compliance.device-security, compliance.change-control)',
    )
    .option(
      '--devices <file>',
      'connected-device inventory, CSV or YAML (docs/compliance.md#registers)',
    )
    .option('--changes <file>', 'interface change register, CSV or YAML')
    .option(
      '--validations <file>',
      'validation records (site-specific or vendor-only), CSV or YAML',
    );
  findingsOptions(registers, 'compliance-registers');
  registers.action(
    async (
      o: FindingsFlags & {
        devices?: string;
        changes?: string;
        validations?: string;
      },
    ) => {
      if (!o.devices && !o.changes)
        throw new UserError('E_OPTION', 'give --devices and/or --changes with --validations', {
          hint: 'see golive compliance registers --help',
        });
      if (o.changes && !o.validations)
        throw new UserError(
          'E_OPTION',
          '--changes needs --validations (the validation records the changes refer to)',
        );
      const { outputs, now } = findingsSetup(o, 'compliance-registers');
      const results = reviewRegisterFiles(
        {
          ...(o.devices ? { devices: o.devices } : {}),
          ...(o.changes ? { changes: o.changes, validations: o.validations } : {}),
        },
        { now },
      );
      await emit(results, outputs, 'compliance-registers', setExit);
    },
  );

  const audit = cmd
    .command('audit')
    .description(
      'Verify that every action golive performed left a complete audit record (compliance.audit-trail)',
    )
    .requiredOption(
      '--actions <file>',
      'kept exchanges (JSON array, {"exchanges": [...]} or NDJSON)',
    )
    .option('--fhir <url>', 'FHIR R4 base URL: search AuditEvent by date, following next links')
    .option('--ndjson <file>', 'exported AuditEvents, one JSON per line')
    .option(
      '--csv <file>',
      `exported audit log CSV (columns: time, user, action, object_type, object_id, patient, source, outcome, message_control_id)`,
    )
    .addOption(
      new Option(
        '--window <duration>',
        'how far from an action its record may be, e.g. --window 10m',
      ).default('5m', '5m'),
    )
    .addOption(
      new Option('--skew <duration>', 'clock difference tolerated before audit.skew').default(
        '2m',
        '2m',
      ),
    )
    .option(
      '--user <name>',
      'identity sent as X-Golive-User to the FHIR server (default: golive-auditor)',
    )
    .option('--basic-env <var>', 'environment variable holding user:password for HTTP Basic')
    .option('--bearer-env <var>', 'environment variable holding a bearer token');
  findingsOptions(audit, 'compliance-audit');
  audit.action(
    async (
      o: FindingsFlags & {
        actions: string;
        fhir?: string;
        ndjson?: string;
        csv?: string;
        window: string;
        skew: string;
        user?: string;
        basicEnv?: string;
        bearerEnv?: string;
      },
    ) => {
      const windowMs = parseDuration(o.window ?? '5m', '--window');
      const skewMs = parseDuration(o.skew ?? '2m', '--skew');
      const source = auditSource(o);
      const { outputs, now } = findingsSetup(o, 'compliance-audit');
      const { actions, skipped } = actionsFromExchanges(loadExchanges(o.actions));
      const { from, to } = auditSpan(actions, windowMs);
      // Unreadable files throw (exit 2); an unreachable server throws with exit 3.
      const trail =
        actions.length > 0 ? await loadAuditTrail(source, { from, to }) : { records: [] };
      const result = verifyAuditTrail(actions, trail.records, {
        ...(trail.retrieval ? { retrieval: trail.retrieval } : {}),
        now,
        windowMs,
        skewMs,
        skipped,
        actionsFile: o.actions,
        sourceLabel: sourceLabel(source),
      });
      await emit([result], outputs, 'compliance-audit', setExit);
    },
  );
};
