import { Option, type Command } from 'commander';
import { PROFILE_NAMES, parseFaultList, startSite, type ProfileName } from '../../site/index.js';
import { UserError } from '../../core/index.js';
import type { RegisterCommand } from '../command-types.js';
import { parseHostPort, parsePort } from '../address.js';
import { byteSize, positiveInt, wholeNumber } from '../options.js';

interface SiteOpts {
  profile: string;
  mllpPort: string;
  fhirPort: string;
  downstream?: string;
  faults?: string;
  data?: string;
  criticalDelayMs?: string;
  maxConnections?: string;
  maxMessageBytes?: string;
  partialBudget?: string;
}

/**
 * `golive site`: run the reference site (docs/site.md) until SIGINT/SIGTERM, then stop cleanly.
 * Prints one `key: value` line per endpoint so scripts can read them.
 */
export const register: RegisterCommand = (program: Command, setExit) => {
  program
    .command('site')
    .description('Run the embedded reference site (simulated LIS/EHR over MLLP and FHIR R4)')
    .addOption(
      new Option(
        '--profile <name>',
        `how the site represents what it files: ${PROFILE_NAMES.join(' or ')} (docs/site.md, Profiles)`,
      ).default('standard', 'standard'),
    )
    .addOption(new Option('--mllp-port <n>', 'MLLP port (0 picks a free one)').default('0', '0'))
    .addOption(
      new Option('--fhir-port <n>', 'FHIR and control API port (0 picks a free one)').default(
        '0',
        '0',
      ),
    )
    .option(
      '--downstream <host:port>',
      'forward results and critical notifications to this MLLP listener',
    )
    .option('--faults <a,b>', 'switch on named faults (see docs/site.md)')
    .option('--data <file>', 'SQLite data file: state survives restart and kill -9')
    .option(
      '--critical-delay-ms <n>',
      'delay before a critical result is notified, in ms (default: 0 ms)',
    )
    .option(
      '--max-connections <n>',
      'MLLP connections at once; more are closed at once (default: 256)',
    )
    .option(
      '--max-message-bytes <size>',
      'largest MLLP message accepted, at least 1KiB; a larger one is answered AR, e.g. --max-message-bytes 16MiB (default: 4MiB)',
    )
    .option(
      '--partial-budget <size>',
      'bytes of unfinished MLLP frames held over all connections, at least 1KiB (default: 64MiB)',
    )
    .action(async (opts: SiteOpts) => {
      const site = await startSite({
        profile: parseProfile(opts.profile),
        mllpPort: parsePort(opts.mllpPort, '--mllp-port'),
        fhirPort: parsePort(opts.fhirPort, '--fhir-port'),
        ...(opts.downstream ? { downstream: parseHostPort(opts.downstream, '--downstream') } : {}),
        faults: parseFaultList(opts.faults),
        ...(opts.data ? { dataFile: opts.data } : {}),
        ...(opts.criticalDelayMs
          ? { criticalDelayMs: wholeNumber(opts.criticalDelayMs, '--critical-delay-ms', '2000') }
          : {}),
        ...(opts.maxConnections !== undefined
          ? { maxConnections: positiveInt(opts.maxConnections, '--max-connections', '256') }
          : {}),
        ...(opts.maxMessageBytes !== undefined
          ? { maxFrameBytes: byteSize(opts.maxMessageBytes, '--max-message-bytes', 1024) }
          : {}),
        ...(opts.partialBudget !== undefined
          ? { maxPartialBytes: byteSize(opts.partialBudget, '--partial-budget', 1024) }
          : {}),
        log: (line) => process.stderr.write(`site: ${line}\n`),
      });
      const lines = [
        `mllp: ${site.mllp.host}:${site.mllp.port}`,
        `profile: ${site.options.profile}`,
        `fhir: ${site.fhirBase}`,
        `control: ${site.controlBase}`,
        `downstream: ${opts.downstream ?? '(none)'}`,
        `faults: ${site.options.faultSet.names.join(',') || '(none)'}`,
        `data: ${opts.data ?? '(memory only)'}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await site.stop();
      process.stdout.write('site stopped\n');
      setExit(0);
    });
};

function parseProfile(text: string): ProfileName {
  if ((PROFILE_NAMES as readonly string[]).includes(text)) return text as ProfileName;
  throw new UserError('E_SITE_PROFILE', `--profile: unknown profile "${text}"`, {
    location: { path: '--profile' },
    hint: `known profiles: ${PROFILE_NAMES.join(', ')}`,
  });
}
