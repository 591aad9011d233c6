/**
 * golive.yaml mistakes as a newcomer makes them: every problem reported in one run, each at the
 * line and column of its own key or value, in plain words, with the key they probably meant.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, loadConfigText } from '../../src/config/index.js';
import { UserError } from '../../src/core/errors.js';

function problemsOf(text: string): ConfigError {
  try {
    loadConfigText(text, 'golive.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

/** Four mistakes that took four runs to find, one at a time. */
const FOUR_MISTAKES = [
  'version: 1', //                                 1
  'site:', //                                      2
  '  name: St Example', //                         3
  '  criticalResultDeadline: 30 min', //           4
  'targt:', //                                     5
  '  mllp: { host: lis.test, port: 2575 }', //     6
  'capture:', //                                   7
  '  port: abc', //                                8
  'scenarios:', //                                 9
  '  concurency: 8', //                           10
  '',
].join('\n');

describe('golive.yaml errors', () => {
  it('lists every problem at once, each at its own line:column, in file order', () => {
    const e = problemsOf(FOUR_MISTAKES);
    expect(e.code).toBe('E_SCHEMA');
    expect(e.exitCode).toBe(2);
    expect(e.problems.map((p) => `${p.line}:${p.col} ${p.path}`)).toEqual([
      '4:27 site.criticalResultDeadline',
      '5:1 targt',
      '8:9 capture.port',
      '10:3 scenarios.concurency',
    ]);
    expect(e.format()).toBe(
      [
        'error E_SCHEMA: golive.yaml: 4 problems',
        '  golive.yaml:4:27 site.criticalResultDeadline: "30 min" is not a duration: write 500ms, 10s, 2m, 1h or 1h30m (no spaces; a number alone is milliseconds)',
        '  golive.yaml:5:1 targt: unknown key "targt"; did you mean "target"?',
        '  golive.yaml:8:9 capture.port: expected a number, got the text "abc"',
        '  golive.yaml:10:3 scenarios.concurency: unknown key "concurency"; did you mean "concurrency"?',
        '  hint: keys, types and defaults are in docs/config.md; schemas/golive.schema.json checks the file as you type in an editor',
      ].join('\n'),
    );
    expect(e.format()).not.toContain('(+');
    expect(e.format()).not.toMatch(/Invalid input|received|expected number/);
  });

  it('says one problem on one line, with the path once', () => {
    const e = problemsOf('site:\n  criticalResultDeadline: soon\n');
    expect(e.format()).toBe(
      'error E_SCHEMA: golive.yaml:2:27 site.criticalResultDeadline: "soon" is not a duration: write 500ms, 10s, 2m, 1h or 1h30m (no spaces; a number alone is milliseconds)\n' +
        '  hint: keys, types and defaults are in docs/config.md; schemas/golive.schema.json checks the file as you type in an editor',
    );
    expect(e.format().match(/site\.criticalResultDeadline/g)).toHaveLength(1);
    expect(e.location).toMatchObject({ file: 'golive.yaml', line: 2, col: 27 });
  });

  it('locates an unknown key at its own line, deep or at the root, and suggests the key meant', () => {
    const root = problemsOf('version: 1\nsite:\n  name: x\n\ntargt:\n  fhir: {}\n');
    expect(root.location).toMatchObject({ line: 5, col: 1, path: 'targt' });
    expect(root.message).toBe('unknown key "targt"; did you mean "target"?');

    const deep = problemsOf('site:\n  name: x\n  timezone: Europe/London\n');
    expect(deep.location).toMatchObject({ line: 3, col: 3, path: 'site.timezone' });
    expect(deep.message).toBe('unknown key "timezone"; did you mean "timeZone"?');

    const hook = problemsOf('control:\n  restart:\n    command: [./restart.sh]\n    timout: 2m\n');
    expect(hook.message).toBe('unknown key "timout"; did you mean "timeout"?');
    expect(hook.location).toMatchObject({ line: 4, col: 5 });

    const far = problemsOf('review:\n  colour: blue\n');
    expect(far.message).toMatch(/^unknown key "colour" \(known here: template, owners, /);
  });

  it('words each kind of mistake as a person would', () => {
    const cases: [string, string, string][] = [
      ['capture:\n  port: abc\n', 'capture.port', 'expected a number, got the text "abc"'],
      [
        'scenarios:\n  concurrency: 1.5\n',
        'scenarios.concurrency',
        'expected a whole number, got the number 1.5',
      ],
      [
        'scenarios:\n  concurrency: 0\n',
        'scenarios.concurrency',
        'must be at least 1, got the number 0',
      ],
      ['capture:\n  port: 70000\n', 'capture.port', 'must be at most 65535, got the number 70000'],
      ['version: 2\n', 'version', 'must be 1, got the number 2'],
      [
        'capture:\n  ackCode: XX\n',
        'capture.ackCode',
        'expected one of AA, AE or AR, got the text "XX"',
      ],
      [
        'target:\n  fhir:\n    baseUrl: nope\n',
        'target.fhir.baseUrl',
        'expected a URL such as https://ehr.example/fhir/R4, got the text "nope"',
      ],
      [
        'target:\n  fhir:\n    baseUrl: http://x/fhir\n    auth: { type: oauth }\n',
        'target.fhir.auth.type',
        'expected none, basic or bearer, got the text "oauth"',
      ],
      [
        'target:\n  fhir:\n    baseUrl: http://x/fhir\n    auth: { type: basic, username: u }\n',
        'target.fhir.auth.passwordEnv',
        'required key "passwordEnv" is missing',
      ],
      [
        'control:\n  restart:\n    command: ./restart.sh\n',
        'control.restart.command',
        'expected a list ([a, b] or lines starting with "- "), got the text "./restart.sh"',
      ],
      [
        'site:\n  criticalResultDeadline: true\n',
        'site.criticalResultDeadline',
        'expected a duration such as 500ms, 10s, 2m or 1h30m, got true',
      ],
      [
        'scenarios:\n  include: order.*\n',
        'scenarios.include',
        'expected a list ([a, b] or lines starting with "- "), got the text "order.*"',
      ],
      ['target:\n  mllp:\n    host: ""\n    port: 1\n', 'target.mllp.host', 'must not be empty'],
      [
        'site:\n  timeZone: Mars/Olympus\n',
        'site.timeZone',
        'not a time zone (write an IANA name such as Europe/London, or +01:00)',
      ],
    ];
    for (const [text, path, message] of cases) {
      const e = problemsOf(text);
      expect(
        e.problems.map((p) => [p.path, p.message]),
        text,
      ).toEqual([[path, message]]);
    }
  });

  it('points a missing key at its parent and an empty section at its key', () => {
    const missing = problemsOf('target:\n  mllp:\n    host: lis.test\n');
    expect(missing.problems).toEqual([
      { path: 'target.mllp.port', line: 2, col: 3, message: 'required key "port" is missing' },
    ]);
    const empty = problemsOf('version: 1\nsite:\ncapture: {}\n');
    expect(empty.problems).toEqual([
      {
        path: 'site',
        line: 2,
        col: 1,
        message:
          'expected a mapping (indented "key: value" lines), got nothing (the key has no value)',
      },
    ]);
  });

  it('is a UserError the CLI prints without a stack, from a file as from text', () => {
    const e = problemsOf('capture:\n  port: abc\n');
    expect(e).toBeInstanceOf(UserError);
    expect(() => loadConfigFile('test/config/no-such-golive.yaml', {})).toThrow(/cannot read file/);
  });

  it('accepts the examples as they are', () => {
    expect(() => loadConfigFile('examples/golive.yaml', {})).not.toThrow();
    expect(() => loadConfigFile('examples/golive-clean.yaml', {})).not.toThrow();
  });
});
