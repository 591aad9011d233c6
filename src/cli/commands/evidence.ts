/**
 * `golive evidence verify|list|runs`: inspect the evidence store.
 * verify exits 0 when the chain is intact, 1 when a record was edited, removed, reordered or
 * cannot be read, or a trigger or table was dropped or altered; 2 for bad input (no store at the
 * path or in the schema, not a store), 3 when PostgreSQL is unreachable. list exits 2 naming a
 * record it cannot read; runs marks a run without a decision record as incomplete.
 */
import { Option, type Command } from 'commander';
import { isUserError, UserError } from '../../core/index.js';
import {
  isRecordKind,
  openEvidenceStore,
  RECORD_KINDS,
  resolveStoreLocation,
  type EvidenceRecord,
  type EvidenceStore,
} from '../../evidence/index.js';
import type { RegisterCommand } from '../command-types.js';
import {
  addOutputOptions,
  emitOutputs,
  resolveOutputs,
  type OutputFlags,
  type OutputSpec,
} from '../output-options.js';

const OUTPUT: OutputSpec = { command: 'evidence', reporters: ['list', 'json'] };

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
    .addOption(
      new Option('--schema <name>', 'PostgreSQL schema holding the store').default(
        'golive',
        'golive',
      ),
    );
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
    .description('Inspect the evidence store (append-only, hash-chained)');

  const verify = storeOptions(evidence.command('verify')).description(
    'Recompute every hash and link; name any edited, removed or reordered record',
  );
  addOutputOptions(verify, OUTPUT, { json: 'the verification report as JSON, to stdout or FILE' });
  verify.action(async (opts: StoreFlags & OutputFlags) => {
    const outputs = resolveOutputs(opts, OUTPUT);
    const report = await withStore(opts, (s) => s.verify());
    await emitOutputs(outputs, 'evidence verify', {
      json: () => report,
      text: () =>
        report.ok
          ? `evidence intact: ${report.records} records, head ${report.headHash}\n`
          : `EVIDENCE TAMPERED: ${report.problems.length} problem(s)\n${report.problems
              .map((p) => `  ${p.problem}: ${p.message}\n`)
              .join('')}`,
    });
    setExit(report.ok ? 0 : 1);
  });

  const list = storeOptions(evidence.command('list'))
    .description('List evidence records in append order')
    .option('--run <id>', 'only records of this run')
    .option('--kind <kind>', `only records of this kind (${RECORD_KINDS.join(', ')})`);
  addOutputOptions(list, OUTPUT, { json: 'records (with content) as JSON, to stdout or FILE' });
  list.action(async (opts: StoreFlags & OutputFlags & { run?: string; kind?: string }) => {
    if (opts.kind !== undefined && !isRecordKind(opts.kind)) {
      throw new UserError('E_ARG', `unknown record kind "${opts.kind}"`, {
        hint: `one of: ${RECORD_KINDS.join(', ')}`,
      });
    }
    const outputs = resolveOutputs(opts, OUTPUT);
    const kind = opts.kind;
    const records = await withStore(opts, async (s) => {
      const found = await s.list({
        runId: opts.run,
        kind: kind !== undefined && isRecordKind(kind) ? kind : undefined,
      });
      refuseMalformed(found, s.location);
      return found;
    });
    await emitOutputs(outputs, 'evidence list', {
      json: () => records,
      text: () =>
        records.length === 0 ? 'no records\n' : records.map((r) => `${line(r)}\n`).join(''),
    });
    setExit(0);
  });

  const runs = storeOptions(evidence.command('runs')).description(
    'List the runs in the store (a run without a decision record is incomplete)',
  );
  addOutputOptions(runs, OUTPUT, { json: 'the runs as JSON, to stdout or FILE' });
  runs.action(async (opts: StoreFlags & OutputFlags) => {
    const outputs = resolveOutputs(opts, OUTPUT);
    const found = await withStore(opts, (s) => s.runs());
    await emitOutputs(outputs, 'evidence runs', {
      json: () => found,
      text: () =>
        found
          .map(
            (r) =>
              `${r.runId.padEnd(24)} ${String(r.records).padStart(6)} records  ${r.firstAt} .. ${r.lastAt}${
                r.complete ? '' : '  INCOMPLETE: no decision record (interrupted while recording?)'
              }\n`,
          )
          .join(''),
    });
    setExit(0);
  });
};
