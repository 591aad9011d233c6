/**
 * `golive compliance access|registers|audit`: compliance evidence for the go-live review
 * (REVIEW.md compliance.*). Exit 0 no error-level finding, 1 any, 2 bad input, 3 unreachable.
 */
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import type { CheckResult } from '../../core/evidence.js';
import {
  actionsFromExchanges,
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
import type { RegisterCommand } from '../command-types.js';

export function emit(
  results: CheckResult[],
  json: boolean | undefined,
  setExit: (code: number) => void,
): void {
  process.stdout.write(
    json ? `${JSON.stringify(toJsonReport(results), null, 2)}\n` : toText(results),
  );
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
      'compliance evidence: access review, device and change registers, audit-trail verification',
    );

  cmd
    .command('access')
    .description(
      'review accounts against roles and clinical duties (compliance.roles-duties, compliance.service-vendor-accounts)',
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
      'an active account unused longer than this is dormant (default 90)',
    )
    .option('--rotation-days <n>', 'a service credential older than this is overdue (default 365)')
    .option('--now <iso>', NOW_HELP)
    .option('--json', 'JSON output: {summary, results, findings}')
    .action(
      (o: {
        accounts: string;
        roles: string;
        duties: string;
        conflicts?: string;
        dormantDays?: string;
        rotationDays?: string;
        now?: string;
        json?: boolean;
      }) => {
        const now = resolveNow(o.now, process.env.GOLIVE_NOW, () => new Date());
        const policy = {
          ...(o.dormantDays
            ? { dormantAfterDays: positiveInt(o.dormantDays, '--dormant-days') }
            : {}),
          ...(o.rotationDays
            ? { rotationMaxDays: positiveInt(o.rotationDays, '--rotation-days') }
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
        emit(results, o.json, setExit);
      },
    );

  cmd
    .command('registers')
    .description(
      'check the connected-device inventory and interface change register (compliance.device-security, compliance.change-control)',
    )
    .option(
      '--devices <file>',
      'connected-device inventory, CSV or YAML (docs/compliance.md#registers)',
    )
    .option('--changes <file>', 'interface change register, CSV or YAML')
    .option(
      '--validations <file>',
      'validation records (site-specific or vendor-only), CSV or YAML',
    )
    .option('--now <iso>', NOW_HELP)
    .option('--json', 'JSON output: {summary, results, findings}')
    .action(
      (o: {
        devices?: string;
        changes?: string;
        validations?: string;
        now?: string;
        json?: boolean;
      }) => {
        if (!o.devices && !o.changes)
          throw new UserError('E_OPTION', 'give --devices and/or --changes with --validations', {
            hint: 'see golive compliance registers --help',
          });
        if (o.changes && !o.validations)
          throw new UserError(
            'E_OPTION',
            '--changes needs --validations (the validation records the changes refer to)',
          );
        const now = resolveNow(o.now, process.env.GOLIVE_NOW, () => new Date());
        const results = reviewRegisterFiles(
          {
            ...(o.devices ? { devices: o.devices } : {}),
            ...(o.changes ? { changes: o.changes, validations: o.validations } : {}),
          },
          { now },
        );
        emit(results, o.json, setExit);
      },
    );

  cmd
    .command('audit')
    .description(
      'verify that every action golive performed left a complete audit record (compliance.audit-trail)',
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
    .option('--window <duration>', 'how far from an action its record may be', '5m')
    .option('--skew <duration>', 'clock difference tolerated before audit.skew', '2m')
    .option(
      '--user <name>',
      'identity sent as X-Golive-User to the FHIR server (default golive-auditor)',
    )
    .option('--basic-env <var>', 'environment variable holding user:password for HTTP Basic')
    .option('--bearer-env <var>', 'environment variable holding a bearer token')
    .option('--now <iso>', NOW_HELP)
    .option('--json', 'JSON output: {summary, results, findings}')
    .action(
      async (o: {
        actions: string;
        fhir?: string;
        ndjson?: string;
        csv?: string;
        window: string;
        skew: string;
        user?: string;
        basicEnv?: string;
        bearerEnv?: string;
        now?: string;
        json?: boolean;
      }) => {
        const windowMs = parseDuration(o.window ?? '5m', '--window');
        const skewMs = parseDuration(o.skew ?? '2m', '--skew');
        const source = auditSource(o);
        const now = resolveNow(o.now, process.env.GOLIVE_NOW, () => new Date());
        const { actions, skipped } = actionsFromExchanges(loadExchanges(o.actions));
        const from = Math.min(...actions.map((a) => a.startMs)) - windowMs;
        const to = Math.max(...actions.map((a) => a.endMs)) + windowMs;
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
        emit([result], o.json, setExit);
      },
    );
};
