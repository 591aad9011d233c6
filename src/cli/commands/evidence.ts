/**
 * `golive evidence verify|list|runs`: inspect the evidence store.
 * verify exits 0 when the chain is intact, 1 when a record was edited, removed or reordered,
 * 2 for bad input (no store at the path, not a store), 3 when PostgreSQL is unreachable.
 */
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import {
  isRecordKind,
  openEvidenceStore,
  RECORD_KINDS,
  resolveStoreLocation,
  type EvidenceRecord,
  type EvidenceStore,
} from '../../evidence/index.js';
import type { RegisterCommand } from '../command-types.js';

interface StoreFlags {
  store?: string;
  schema?: string;
}

function storeOptions(cmd: Command): Command {
  return cmd
    .option(
      '--store <file|url>',
      'SQLite file or postgres:// URL (default: $GOLIVE_STORE, else .golive/evidence.db)',
    )
    .option('--schema <name>', 'PostgreSQL schema holding the store', 'golive');
}

async function withStore<T>(flags: StoreFlags, fn: (s: EvidenceStore) => Promise<T>): Promise<T> {
  const location = resolveStoreLocation({ flag: flags.store, env: process.env });
  // Never create an empty store just to inspect it: a typo must not read as "intact".
  const store = await openEvidenceStore(location, { create: false, schema: flags.schema });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function line(r: EvidenceRecord): string {
  return [
    `#${r.seq}`.padEnd(7),
    r.id.padEnd(10),
    r.runId.padEnd(20),
    r.kind.padEnd(12),
    r.createdAt,
    r.contentHash.slice(0, 12),
    r.author,
  ].join(' ');
}

export const register: RegisterCommand = (program, setExit) => {
  const evidence = program
    .command('evidence')
    .description('inspect the evidence store (append-only, hash-chained)');

  storeOptions(evidence.command('verify'))
    .description('recompute every hash and link; name any edited, removed or reordered record')
    .option('--json', 'print the verification report as JSON')
    .action(async (opts: StoreFlags & { json?: boolean }) => {
      const report = await withStore(opts, (s) => s.verify());
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (report.ok) {
        process.stdout.write(
          `evidence intact: ${report.records} records, head ${report.headHash}\n`,
        );
      } else {
        process.stdout.write(`EVIDENCE TAMPERED: ${report.problems.length} problem(s)\n`);
        for (const p of report.problems) process.stdout.write(`  ${p.problem}: ${p.message}\n`);
      }
      setExit(report.ok ? 0 : 1);
    });

  storeOptions(evidence.command('list'))
    .description('list evidence records in append order')
    .option('--run <id>', 'only records of this run')
    .option('--kind <kind>', `only records of this kind (${RECORD_KINDS.join(', ')})`)
    .option('--json', 'print records (with content) as JSON')
    .action(async (opts: StoreFlags & { run?: string; kind?: string; json?: boolean }) => {
      if (opts.kind !== undefined && !isRecordKind(opts.kind)) {
        throw new UserError('E_ARG', `unknown record kind "${opts.kind}"`, {
          hint: `one of: ${RECORD_KINDS.join(', ')}`,
        });
      }
      const kind = opts.kind;
      const records = await withStore(opts, (s) =>
        s.list({
          runId: opts.run,
          kind: kind !== undefined && isRecordKind(kind) ? kind : undefined,
        }),
      );
      if (opts.json) process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
      else if (records.length === 0) process.stdout.write('no records\n');
      else for (const r of records) process.stdout.write(`${line(r)}\n`);
      setExit(0);
    });

  storeOptions(evidence.command('runs'))
    .description('list the runs in the store')
    .option('--json', 'print as JSON')
    .action(async (opts: StoreFlags & { json?: boolean }) => {
      const runs = await withStore(opts, (s) => s.runs());
      if (opts.json) process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      else
        for (const r of runs)
          process.stdout.write(
            `${r.runId.padEnd(24)} ${String(r.records).padStart(6)} records  ${r.firstAt} .. ${r.lastAt}\n`,
          );
      setExit(0);
    });
};
