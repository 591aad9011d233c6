/**
 * Lint rule cases as data (the fhirpath.js `test/cases/*.yaml` pattern): every file in
 * test/lint/cases/ holds cases for one rule family, each a message (or a stream of them), an
 * optional lint config and "now", and the findings expected per rule. Every case runs as its own
 * test named `<file>: <case name>`; a malformed case fails as that test, naming file and case.
 *
 * Case shape (exactly one of edits / message / messages):
 *   name:     what the case shows, unique in its file
 *   edits:    { FIELD-PATH: 'value' }   the clean base ORU of helpers.ts with fields set
 *   message:  raw ER7, one segment a line
 *   messages: a stream, each item raw ER7 text or { edits, segmentTerminator: CR|LF|CRLF }
 *   config:   lint config (golive-lint.yaml shape: rules, site, limits)
 *   now:      ISO instant the rules take as now (default 2026-03-01T12:00:00Z)
 *   expect:   { rule.id: count } or { rule.id: { count, message: regex, path, severity,
 *             index (1-based message), detail (subset) } }; matchers hold for every finding
 *             of that rule. A count of 0 is a near miss.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Finding } from '../../src/core/index.js';
import { isUserError } from '../../src/core/errors.js';
import { parseYamlText } from '../../src/inputs/yaml.js';
import { defaultRegistry, type LintConfigInput } from '../../src/lint/index.js';
import { NOW, lint, msg, stream } from './helpers.js';

const RULE_IDS = new Set(
  defaultRegistry()
    .all()
    .map((r) => r.id),
);

/** `MSH-10`, `PID-5.1`, `OBX[2]-3`, `MRG-1`: the paths `msg()` sets. */
const FIELD_PATH = /^[A-Z][A-Z0-9]{2}(\[\d+\])?-\d+(\.\d+){0,2}$/;

const editsSchema = z.record(
  z.string().regex(FIELD_PATH, 'a field path like OBX-5 or PID-5.1'),
  // Values are strings: YAML would read 10. or 5.50 as numbers and lose what was written.
  z.string({ error: 'a quoted string (YAML reads bare 10. or 5.50 as numbers)' }),
);

const TERMINATORS = { CR: '\r', LF: '\n', CRLF: '\r\n' } as const;

const streamItemSchema = z.union([
  z.string().min(1),
  z.strictObject({
    edits: editsSchema,
    segmentTerminator: z.enum(['CR', 'LF', 'CRLF']).optional(),
  }),
]);

const regexSource = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const matcherSchema = z
  .strictObject({
    count: z.number().int().nonnegative(),
    message: regexSource.optional(),
    path: z.string().min(1).optional(),
    severity: z.enum(['error', 'warning', 'info']).optional(),
    index: z.number().int().positive().optional(),
    detail: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((m) => m.count > 0 || Object.keys(m).length === 1, {
    message: 'message/path/severity/index/detail need a count above 0',
  });

const expectationSchema = z.union([z.number().int().nonnegative(), matcherSchema]);

const caseSchema = z
  .strictObject({
    name: z.string().min(1),
    edits: editsSchema.optional(),
    message: z.string().min(1).optional(),
    messages: z.array(streamItemSchema).min(1).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    now: z.iso.datetime({ offset: true }).optional(),
    expect: z
      .record(z.string(), expectationSchema)
      .refine((e) => Object.keys(e).length > 0, 'expect names at least one rule'),
  })
  .superRefine((c, ctx) => {
    for (const id of Object.keys(c.expect))
      if (!RULE_IDS.has(id))
        ctx.addIssue({ code: 'custom', path: ['expect', id], message: 'no such rule' });
  })
  .refine(
    (c) => [c.edits, c.message, c.messages].filter((x) => x !== undefined).length === 1,
    'give exactly one of edits, message, messages',
  );

const fileSchema = z.strictObject({
  description: z.string().optional(),
  cases: z.array(z.unknown()).min(1),
});

type Matcher = z.output<typeof matcherSchema>;
type RuleCase = Omit<z.output<typeof caseSchema>, 'expect'> & {
  expect: Record<string, Matcher>;
};

/** One entry of a case file: a case ready to run, or why it is malformed. */
type LoadedCase =
  { file: string; name: string; case: RuleCase } | { file: string; name: string; problem: string };

function issueText(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
    .join('; ');
}

/**
 * Read one case file. A file that is no case file throws (naming the file); a malformed case
 * comes back with its problem, named by its name (or its position when it has none).
 */
function loadCases(text: string, file: string): LoadedCase[] {
  let data: unknown;
  try {
    data = parseYamlText(text, file).data;
  } catch (e) {
    throw isUserError(e) ? new Error(e.format()) : e;
  }
  const top = fileSchema.safeParse(data);
  if (!top.success) throw new Error(`${file}: not a case file: ${issueText(top.error)}`);
  const seen = new Set<string>();
  return top.data.cases.map((raw, i): LoadedCase => {
    const named = raw as { name?: unknown } | null;
    const name =
      typeof named?.name === 'string' && named.name ? named.name : `case #${i + 1} (no name)`;
    const parsed = caseSchema.safeParse(raw);
    const problem = parsed.success
      ? seen.has(name)
        ? 'a case of this name comes earlier in the file'
        : undefined
      : issueText(parsed.error);
    seen.add(name);
    if (problem || !parsed.success)
      return { file, name, problem: `${file}: case "${name}": ${problem}` };
    const expectations = Object.fromEntries(
      Object.entries(parsed.data.expect).map(([rule, e]) => [
        rule,
        typeof e === 'number' ? { count: e } : e,
      ]),
    );
    return { file, name, case: { ...parsed.data, expect: expectations } };
  });
}

/** Raw ER7, one segment a line, as the bytes a sender puts on the wire (segments end in CR). */
const er7 = (text: string) =>
  `${text
    .replace(/\r?\n$/, '')
    .split(/\r?\n/)
    .join('\r')}\r`;

/** The lint input of a case: one message or a stream of them (one per line, as captured). */
function caseText(c: RuleCase): string {
  if (c.edits) return msg(c.edits);
  if (c.message !== undefined) return er7(c.message);
  return stream(
    ...c.messages!.map((item) =>
      typeof item === 'string'
        ? er7(item)
        : msg(item.edits).replace(/\r/g, TERMINATORS[item.segmentTerminator ?? 'CR']),
    ),
  );
}

function checkFinding(rule: string, m: Matcher, f: Finding, i: number): void {
  const what = `${rule} finding ${i + 1} ("${f.message}")`;
  if (m.message !== undefined) expect(f.message, what).toMatch(new RegExp(m.message));
  if (m.path !== undefined) expect(f.location?.path, `${what} path`).toBe(m.path);
  if (m.severity !== undefined) expect(f.severity, `${what} severity`).toBe(m.severity);
  if (m.index !== undefined) expect(f.location?.index, `${what} message index`).toBe(m.index);
  if (m.detail !== undefined) expect(f.detail, `${what} detail`).toMatchObject(m.detail);
}

function runCase(c: RuleCase): void {
  const nowMs = c.now === undefined ? NOW : Date.parse(c.now);
  const result = lint(caseText(c), (c.config ?? {}) as LintConfigInput, nowMs);
  for (const [rule, m] of Object.entries(c.expect)) {
    const found = result.findings.filter((f) => f.rule === rule);
    expect(
      found.length,
      `${rule}: ${found.length} finding(s)${found.map((f) => `\n  - ${f.message}`).join('')}`,
    ).toBe(m.count);
    found.forEach((f, i) => checkFinding(rule, m, f, i));
  }
}

const DIR = fileURLToPath(new URL('./cases/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

const loaded: LoadedCase[] = [];
for (const file of FILES) {
  let cases: LoadedCase[];
  try {
    cases = loadCases(readFileSync(`${DIR}${file}`, 'utf8'), file);
  } catch (e) {
    const problem = (e as Error).message;
    it(`${file}: (the file)`, () => {
      throw new Error(problem.includes(file) ? problem : `${file}: ${problem}`);
    });
    continue;
  }
  loaded.push(...cases);
  for (const l of cases) {
    it(`${basename(l.file)}: ${l.name}`, () => {
      if ('problem' in l) throw new Error(l.problem);
      runCase(l.case);
    });
  }
}

describe('the case files', () => {
  it('are one per rule family', () => {
    expect(FILES).toEqual(
      ['flags', 'identity', 'structure', 'time', 'units', 'update'].map((f) => `${f}.yaml`),
    );
  });

  it('give every rule of the registry a hit and a near miss', () => {
    const hits = new Set<string>();
    const misses = new Set<string>();
    for (const l of loaded) {
      if (!('case' in l)) continue;
      for (const [rule, m] of Object.entries(l.case.expect))
        (m.count > 0 ? hits : misses).add(rule);
    }
    const ids = [...RULE_IDS].sort();
    expect(ids).toHaveLength(32);
    expect(
      ids.filter((id) => !hits.has(id)),
      'rules without a hit',
    ).toEqual([]);
    expect(
      ids.filter((id) => !misses.has(id)),
      'rules without a near miss',
    ).toEqual([]);
  });
});

describe('a malformed case', () => {
  const problems = (text: string) =>
    loadCases(text, 'bad.yaml').flatMap((l) => ('problem' in l ? [l.problem] : []));

  it('is reported with its file and case name', () => {
    const text = `cases:
  - name: fine
    edits: { OBX-8: 'H' }
    expect: { flags.in-range-flagged: 1 }
  - name: a number where a string belongs
    edits: { OBX-5: 10. }
    expect: { flags.in-range-flagged: 0 }
  - name: a rule that does not exist
    edits: {}
    expect: { flags.in-rnage-flagged: 0 }
  - name: two inputs
    edits: {}
    message: MSH|^~\\&|A
    expect: { flags.critical: 0 }
  - name: a matcher on a near miss
    edits: {}
    expect: { flags.critical: { count: 0, severity: info } }
  - edits: {}
    expect: { flags.critical: 0 }
`;
    expect(problems(text)).toEqual([
      expect.stringMatching(/^bad\.yaml: case "a number where a string belongs": edits\.OBX-5: /),
      expect.stringMatching(/^bad\.yaml: case "a rule that does not exist": .*no such rule/),
      expect.stringMatching(/^bad\.yaml: case "two inputs": .*exactly one of edits/),
      expect.stringMatching(/^bad\.yaml: case "a matcher on a near miss": .*need a count above 0/),
      expect.stringMatching(/^bad\.yaml: case "case #6 \(no name\)": name: /),
    ]);
  });

  it('with a repeated name, a bad regex or an unknown key is reported too', () => {
    const text = `cases:
  - { name: same, edits: {}, expect: { flags.critical: 0 } }
  - { name: same, edits: {}, expect: { flags.critical: 0 } }
  - { name: regex, edits: {}, expect: { flags.critical: { count: 1, message: '(' } } }
  - { name: typo, edits: {}, expct: { flags.critical: 0 } }
`;
    expect(problems(text)).toEqual([
      'bad.yaml: case "same": a case of this name comes earlier in the file',
      expect.stringMatching(/^bad\.yaml: case "regex": .*not a valid regular expression/),
      expect.stringMatching(/^bad\.yaml: case "typo": .*expct/),
    ]);
  });

  it('a file that is not a case file fails naming the file', () => {
    expect(() => loadCases('cases: {}\n', 'bad.yaml')).toThrow(/^bad\.yaml: not a case file/);
    expect(() => loadCases('cases: [\n', 'bad.yaml')).toThrow();
  });
});
