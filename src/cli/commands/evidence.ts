/**
 * `golive evidence verify|list|runs`: inspect the evidence store.
 * verify exits 0 when the chain is intact, 1 when a record was edited, removed, reordered or
 * cannot be read, or a trigger or table was dropped or altered; 2 for bad input (no store at the
 * path or in the schema, not a store), 3 when PostgreSQL is unreachable. list exits 2 naming a
 * record it cannot read; runs marks a run without a decision record as incomplete.
 */
import type { Command } from 'commander';
import { isUserError, UserError } from '../../core/errors.js';
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
  } catch (e) {
    if (isUserError(e)) throw e;
    // A table dropped or renamed under the store: a database error, not a golive bug.
    const code = (e as { code?: string }).code;
    throw new UserError('E_STORE_READ', `cannot read the evidence store (${code ?? 'error'})`, {
      location: { path: store.location },
      hint: `${(e as Error).message}; \`golive evidence verify\` reports what was changed`,
      cause: e,
    });
  } finally {
    await store.close();
  }
}

/** The first record the store could not read, as a one-line error naming it. */
function refuseMalformed(records: readonly EvidenceRecord[], location: string): void {
  const bad = records.filter((r) => r.malformed);
  const first = bad[0];
  if (!first) return;
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more)` : '';
  throw new UserError(
    'E_STORE_MALFORMED',
    `record ${first.id} (#${first.seq}, run ${first.runId}) cannot be read: ${first.malformed}${more}`,
    {
      location: { path: location },
      hint: 'it was written into the database outside golive; `golive evidence verify` lists every such record, --run or --kind lists the others',
    },
  );
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
      const records = await withStore(opts, async (s) => {
        const found = await s.list({
          runId: opts.run,
          kind: kind !== undefined && isRecordKind(kind) ? kind : undefined,
        });
        refuseMalformed(found, s.location);
        return found;
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
      else if (records.length === 0) process.stdout.write('no records\n');
      else for (const r of records) process.stdout.write(`${line(r)}\n`);
      setExit(0);
    });

  storeOptions(evidence.command('runs'))
    .description('list the runs in the store (a run without a decision record is incomplete)')
    .option('--json', 'print as JSON')
    .action(async (opts: StoreFlags & { json?: boolean }) => {
      const runs = await withStore(opts, (s) => s.runs());
      if (opts.json) process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      else
        for (const r of runs)
          process.stdout.write(
            `${r.runId.padEnd(24)} ${String(r.records).padStart(6)} records  ${r.firstAt} .. ${r.lastAt}${
              r.complete ? '' : '  INCOMPLETE: no decision record (interrupted while recording?)'
            }\n`,
          );
      setExit(0);
    });
};
