/**
 * Property-based fuzzing (fast-check, fixed seeds, small run counts) of the readers golive
 * points at user files and server answers: golive.yaml (YAML text, then the configuration
 * schema), the CSV readers of src/inputs, FHIR JSON bodies (Bundles, AuditEvents, NDJSON
 * exports, kept exchanges) and the environment overrides. Every input ends in a value or a
 * UserError, never another exception, and within a per-case budget: the budget is a guard
 * against a return of quadratic work on a few kilobytes (seconds, not the milliseconds a case
 * takes), not a measurement. The HL7 parser, splitter and MLLP framer have their own property
 * tests (test/hl7, test/transports).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { applyEnv, defaultConfig, loadConfigText } from '../../src/config/index.js';
import { parseCsvText } from '../../src/inputs/csv.js';
import { parseYamlText } from '../../src/inputs/yaml.js';
import { loadTable } from '../../src/inputs/table.js';
import { ACCOUNTS, DEVICES } from '../../src/compliance/index.js';
import {
  AUDIT_CSV_COLUMNS,
  loadExchanges,
  parseAuditCsv,
  parseAuditNdjson,
  recordFromAuditEvent,
} from '../../src/compliance/index.js';
import { bundleProblem, bundleResources, isBundle } from '../../src/fhir/client.js';
import { loadRoster } from '../../src/lint/index.js';
import { readFileSync } from 'node:fs';

const SEED = 16_016;
const RUNS = 150;
/** Per case, for inputs of a few KB: a guard against quadratic work, far above a normal case. */
const BUDGET_MS = 3000;
const dir = mkdtempSync(join(tmpdir(), 'golive-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run `f`: a value or a UserError is fine; anything else, or a case over budget, fails. */
function endsWell(f: () => unknown): void {
  const t0 = performance.now();
  try {
    f();
  } catch (e) {
    if (!(e instanceof UserError))
      throw new Error(`not a UserError: ${(e as Error)?.stack ?? String(e)}`);
    expect(e.format()).toMatch(/^error E_[A-Z_]+: /);
  }
  const ms = performance.now() - t0;
  if (ms > BUDGET_MS) throw new Error(`case took ${Math.round(ms)} ms (budget ${BUDGET_MS} ms)`);
}

const params = { seed: SEED, numRuns: RUNS };

/** Text that leans on what readers split on: YAML, CSV and JSON punctuation, quotes, NULs. */
const punctuated = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ':',
        ' ',
        '  ',
        '\n',
        '\r\n',
        '\t',
        '-',
        '- ',
        '[',
        ']',
        '{',
        '}',
        ',',
        '"',
        "'",
        '#',
        '&a',
        '*a',
        '!!str',
        '!!binary',
        '|',
        '>',
        '?',
        '%YAML 1.2',
        '---',
        '...',
        '\u0000',
        '\uFEFF',
        '\\',
        '<<: ',
        'site',
        'target',
        'mllp',
        'port',
        'name',
        '__proto__',
        'ä',
        '😀',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 120 },
  )
  .map((parts) => parts.join(''));

const EXAMPLE = readFileSync('examples/golive.yaml', 'utf8');

/** The complete example with a random slice replaced: near misses of a real configuration. */
const mutatedExample = fc
  .tuple(fc.nat(EXAMPLE.length), fc.nat(200), punctuated)
  .map(([at, cut, insert]) => EXAMPLE.slice(0, at) + insert + EXAMPLE.slice(at + cut));

/** Random values shaped like configuration sections, written as YAML. */
const configish = fc
  .record(
    {
      version: fc.oneof(fc.constant(1), fc.anything()),
      site: fc.dictionary(
        fc.constantFrom('name', 'timeZone', 'criticalResultDeadline', 'nme', 'facility'),
        fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean(), fc.constant(null)),
      ),
      target: fc.record(
        {
          mllp: fc.record(
            { host: fc.string({ maxLength: 20 }), port: fc.oneof(fc.integer(), fc.string()) },
            { requiredKeys: [] },
          ),
          fhir: fc.record(
            { baseUrl: fc.oneof(fc.webUrl(), fc.string({ maxLength: 20 })), retries: fc.integer() },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      scenarios: fc.anything({ maxDepth: 3 }),
      load: fc.anything({ maxDepth: 3 }),
    },
    { requiredKeys: [] },
  )
  .map((o) => stringify(o));

describe('fuzz: golive.yaml and YAML inputs', () => {
  it('arbitrary text: a configuration or a UserError', () => {
    fc.assert(
      fc.property(fc.oneof(punctuated, fc.string({ maxLength: 400 })), (text) =>
        endsWell(() => loadConfigText(text, 'golive.yaml', {})),
      ),
      params,
    );
  });

  it('the complete example with a slice replaced: a configuration or a UserError', () => {
    fc.assert(
      fc.property(mutatedExample, (text) =>
        endsWell(() => loadConfigText(text, 'golive.yaml', {})),
      ),
      params,
    );
  });

  it('values of every type under the configuration keys: a configuration or a UserError', () => {
    fc.assert(
      fc.property(configish, (text) => endsWell(() => loadConfigText(text, 'golive.yaml', {}))),
      params,
    );
  });

  it('YAML for every other input (registers, profiles): parsed or a UserError', () => {
    fc.assert(
      fc.property(fc.oneof(punctuated, configish), (text) =>
        endsWell(() => parseYamlText(text, 'x.yaml')),
      ),
      params,
    );
  });

  it('environment overrides: applied or a UserError', () => {
    const base = defaultConfig();
    const env = fc.record(
      {
        GOLIVE_MLLP_HOST: fc.string({ maxLength: 20 }),
        GOLIVE_MLLP_PORT: fc.oneof(fc.string({ maxLength: 8 }), fc.integer().map(String)),
        GOLIVE_FHIR_URL: fc.oneof(fc.webUrl(), fc.string({ maxLength: 20 })),
        GOLIVE_CAPTURE_PORT: fc.oneof(fc.string({ maxLength: 8 }), fc.integer().map(String)),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(env, (e) => endsWell(() => applyEnv(base, e))),
      params,
    );
  });
});

/** CSV-ish text: a header from the columns a reader knows, then rows of cells. */
function csvish(columns: readonly string[]) {
  const cell = fc.oneof(
    fc.constantFrom(
      '',
      'yes',
      'no',
      'true',
      '2026-02-27',
      '2026-02-27T09:15:02+01:00',
      'x;y',
      'human',
    ),
    fc.string({ maxLength: 12 }),
  );
  const quoted = cell.map((c) =>
    c.includes(',') || c.includes('"') ? `"${c.replace(/"/g, '""')}"` : c,
  );
  return fc
    .tuple(
      fc.subarray([...columns, 'extra', ''], { minLength: 0 }),
      fc.array(fc.array(quoted, { maxLength: columns.length + 2 }), { maxLength: 12 }),
      fc.constantFrom('\n', '\r\n'),
    )
    .map(([header, rows, eol]) => [header.join(','), ...rows.map((r) => r.join(','))].join(eol));
}

describe('fuzz: CSV readers', () => {
  const anyRow = z.record(z.string(), z.string().optional());
  it('parseCsvText on arbitrary text: rows or a UserError', () => {
    fc.assert(
      fc.property(fc.oneof(punctuated, fc.string({ maxLength: 300 })), (text) =>
        endsWell(() => parseCsvText(text, 'x.csv', anyRow)),
      ),
      params,
    );
  });

  it('access accounts and device register tables: rows or a UserError', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(ACCOUNTS, DEVICES),
        fc.oneof(csvish(ACCOUNTS.required), csvish(DEVICES.required), punctuated),
        (spec, text) => {
          const file = join(dir, `t${n++}.csv`);
          writeFileSync(file, text);
          endsWell(() =>
            spec === ACCOUNTS ? loadTable(file, ACCOUNTS) : loadTable(file, DEVICES),
          );
        },
      ),
      { ...params, numRuns: 100 },
    );
  });

  it('identity rosters: people or a UserError', () => {
    let n = 0;
    const columns = ['id', 'given', 'family', 'dob', 'sex', 'postcode', 'ssn', 'phone'];
    fc.assert(
      fc.property(fc.oneof(csvish(columns), punctuated), (text) => {
        const file = join(dir, `r${n++}.csv`);
        writeFileSync(file, text);
        endsWell(() => loadRoster(file));
      }),
      { ...params, numRuns: 100 },
    );
  });

  it('audit log CSV exports: records or a UserError', () => {
    const columns = AUDIT_CSV_COLUMNS;
    fc.assert(
      fc.property(fc.oneof(csvish(columns), punctuated), (text) =>
        endsWell(() => parseAuditCsv(text, 'audit.csv')),
      ),
      params,
    );
  });
});

/** JSON values shaped like FHIR resources: the right keys with values of any type. */
const resourceish = fc.record(
  {
    resourceType: fc.oneof(fc.constantFrom('AuditEvent', 'Bundle', 'Patient'), fc.anything()),
    id: fc.oneof(fc.string({ maxLength: 10 }), fc.anything({ maxDepth: 1 })),
    recorded: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.anything({ maxDepth: 1 }),
    ),
    agent: fc.anything({ maxDepth: 3 }),
    entity: fc.anything({ maxDepth: 3 }),
    source: fc.anything({ maxDepth: 2 }),
    type: fc.anything({ maxDepth: 2 }),
    subtype: fc.anything({ maxDepth: 2 }),
    outcome: fc.anything({ maxDepth: 1 }),
    action: fc.anything({ maxDepth: 1 }),
    meta: fc.anything({ maxDepth: 2 }),
    entry: fc.anything({ maxDepth: 3 }),
    link: fc.oneof(
      fc.array(
        fc.record({
          relation: fc.constantFrom('self', 'next'),
          url: fc.oneof(fc.webUrl(), fc.string()),
        }),
      ),
      fc.anything({ maxDepth: 2 }),
    ),
  },
  { requiredKeys: [] },
);

describe('fuzz: FHIR JSON bodies', () => {
  it('Bundles: readable or not, never a throw; a readable one gives its resources', () => {
    fc.assert(
      fc.property(fc.oneof(resourceish, fc.jsonValue()), (v) => {
        const problem = bundleProblem(v);
        const ok = isBundle(v);
        const resources = bundleResources(v);
        if (ok) expect(problem).toBeUndefined();
        expect(Array.isArray(resources)).toBe(true);
      }),
      params,
    );
  });

  it('AuditEvents of any shape become audit records without a throw', () => {
    fc.assert(
      fc.property(resourceish, (ev) =>
        endsWell(() => recordFromAuditEvent(ev as Record<string, unknown>, { file: 'x' })),
      ),
      params,
    );
  });

  it('NDJSON exports: records or a UserError', () => {
    const lines = fc
      .array(
        fc.oneof(
          resourceish.map((o) => JSON.stringify(o)),
          punctuated,
          fc.json(),
        ),
        {
          maxLength: 8,
        },
      )
      .map((l) => l.join('\n'));
    fc.assert(
      fc.property(lines, (text) => endsWell(() => parseAuditNdjson(text, 'x.ndjson'))),
      params,
    );
  });

  it('kept exchanges files: exchanges or a UserError', () => {
    let n = 0;
    const exchangeish = fc.record(
      {
        id: fc.anything({ maxDepth: 1 }),
        protocol: fc.oneof(fc.constantFrom('mllp', 'http'), fc.anything({ maxDepth: 1 })),
        direction: fc.constantFrom('outbound', 'inbound', 5),
        peer: fc.string({ maxLength: 20 }),
        startedAt: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
        ),
        durationMs: fc.oneof(fc.double(), fc.string()),
        request: fc.string({ maxLength: 40 }),
        summary: fc.string({ maxLength: 10 }),
      },
      { requiredKeys: [] },
    );
    const file = fc.oneof(
      fc.array(exchangeish, { maxLength: 4 }).map((a) => JSON.stringify(a)),
      fc
        .array(exchangeish, { maxLength: 4 })
        .map((a) => a.map((x) => JSON.stringify(x)).join('\n')),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      punctuated,
    );
    fc.assert(
      fc.property(file, (text) => {
        const f = join(dir, `x${n++}.json`);
        writeFileSync(f, text);
        endsWell(() => loadExchanges(f));
      }),
      { ...params, numRuns: 100 },
    );
  });
});
