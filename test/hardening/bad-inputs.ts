/**
 * The named table of bad inputs (issue 16): each row is one CLI invocation with the files it
 * reads, the exit code golive must give and a fragment of what it must say. `@name` in `args` is
 * the path of file `name` of the row (written in the row's own temporary folder), `@dir` that
 * folder. Rows are grouped by what is bad: HL7, YAML, configuration keys, CSV, JSON, flags,
 * paths, URLs, stores. Exit codes (core/result.ts, docs): 2 bad input, 3 unreachable or
 * inconclusive; never 70 (a bug) and never a stack trace.
 */
export interface BadInput {
  name: string;
  args: string[];
  files?: Record<string, string | Buffer>;
  env?: Record<string, string>;
  code: number;
  /** A fragment of stderr + stdout (a string, or a pattern). */
  says: string | RegExp;
}

const MSH = 'MSH|^~\\&|APP|FAC|RCV|RFAC|20260101120000||ADT^A01|C1|P|2.5\r';
const ACCOUNTS_HEAD =
  'id,display_name,kind,clinical_role,roles,owner,last_login,interactive_login,credential_rotated_at,access_expires_at,approval_ref,active,shared\n';
const ACCOUNT =
  'jm,J M,human,registered-nurse,ward-nurse,J M,2026-02-25T07:12:00-05:00,yes,,,,yes,no\n';
const DEVICES_HEAD =
  'device,name,type,unit,network,owner,patching,authentication,encryption,remote_access,disclosure_form\n';
const ROLES = 'examples/site/compliance/roles.csv';
const DUTIES = 'examples/site/compliance/duties.yaml';
const ACTIONS = 'examples/site/compliance/audit/exchanges.json';
const access = (accounts: string) => [
  'compliance',
  'access',
  '--accounts',
  accounts,
  '--roles',
  ROLES,
  '--duties',
  DUTIES,
];
const PROFILE = `name: p
maxDuration: 10s
messages:
  adt: { builtin: adt-a04 }
executors:
  steady: { executor: constant-rate, rate: 10, duration: 1s, mix: { adt: 1 } }
`;
const run = (file = '@golive.yaml') => ['run', '--config', file, '--plan'];

export const BAD_INPUTS: BadInput[] = [
  // ---- HL7 files ----
  {
    name: 'hl7 inspect: no such file',
    args: ['hl7', 'inspect', '@none.hl7'],
    code: 2,
    says: 'cannot read',
  },
  { name: 'hl7 inspect: a folder', args: ['hl7', 'inspect', '@dir'], code: 2, says: 'EISDIR' },
  {
    name: 'hl7 inspect: an empty file is said, not an empty success',
    args: ['hl7', 'inspect', '@x.hl7'],
    files: { 'x.hl7': '' },
    code: 1,
    says: 'no HL7 message found',
  },
  {
    name: 'send: a file with no message is refused before connecting',
    args: ['send', '@x.hl7', '--to', '127.0.0.1:9'],
    files: { 'x.hl7': '\n\n' },
    code: 2,
    says: 'no HL7 message',
  },
  {
    name: 'hl7 inspect: bytes with no message structure',
    args: ['hl7', 'inspect', '@x.hl7'],
    files: { 'x.hl7': '\u0000\u0001garbage\u00ff'.repeat(100) },
    code: 1,
    says: 'not part of a message',
  },
  {
    name: 'lint: empty file (nothing read is no evidence)',
    args: ['lint', '@x.hl7'],
    files: { 'x.hl7': '' },
    code: 0,
    says: 'no messages were read: nothing was checked',
  },
  {
    name: 'hl7 inspect: MSH without delimiters',
    args: ['hl7', 'inspect', '@x.hl7'],
    files: { 'x.hl7': 'MSH\r' },
    code: 1,
    says: 'not part of a message',
  },
  { name: 'lint: no such file', args: ['lint', '@none.hl7'], code: 2, says: 'cannot read' },
  {
    name: 'lint: text that is not HL7 (a warning)',
    args: ['lint', '@x.hl7'],
    files: { 'x.hl7': 'hello world\n' },
    code: 0,
    says: 'structure.garbage',
  },
  {
    name: 'lint: NUL bytes between messages',
    args: ['lint', '@x.hl7', '--json'],
    files: { 'x.hl7': `${MSH}PID|1||1^^^H^MR\r\n\u0000\u0000\u0000\n${MSH}` },
    code: 1,
    says: 'structure.',
  },
  {
    name: 'send: a file with no message (skipped bytes said, nothing sent)',
    args: ['send', '@x.hl7', '--to', '127.0.0.1:9'],
    files: { 'x.hl7': 'not hl7\n' },
    code: 2,
    says: /skipped 7 bytes[\s\S]*no HL7 message/,
  },

  // ---- YAML ----
  {
    name: 'config: YAML syntax (unclosed flow mapping)',
    args: run(),
    files: { 'golive.yaml': 'site: { name: x\n' },
    code: 2,
    says: 'E_YAML_SYNTAX',
  },
  {
    name: 'config: tab indentation',
    args: run(),
    files: { 'golive.yaml': 'site:\n\tname: x\n' },
    code: 2,
    says: 'E_YAML_SYNTAX',
  },
  {
    name: 'config: duplicate key',
    args: run(),
    files: { 'golive.yaml': 'site:\n  name: a\n  name: b\n' },
    code: 2,
    says: 'E_YAML_DUPLICATE_KEY',
  },
  {
    name: 'config: alias bomb',
    args: run(),
    files: {
      'golive.yaml':
        'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
    },
    code: 2,
    says: 'E_YAML_ALIAS',
  },
  {
    name: 'config: prototype key',
    args: run(),
    files: { 'golive.yaml': '__proto__: { polluted: 1 }\n' },
    code: 2,
    says: 'E_YAML_KEY',
  },
  {
    name: 'config: nesting 100 levels deep',
    args: run(),
    files: { 'golive.yaml': `site: ${'['.repeat(100)}${']'.repeat(100)}\n` },
    code: 2,
    says: 'E_YAML_DEPTH',
  },
  {
    name: 'config: a list at the top',
    args: run(),
    files: { 'golive.yaml': '- site\n- target\n' },
    code: 2,
    says: 'E_SCHEMA',
  },
  {
    name: 'config: a bare word',
    args: run(),
    files: { 'golive.yaml': 'hello\n' },
    code: 2,
    says: 'E_SCHEMA',
  },
  {
    name: 'config: empty file',
    args: run(),
    files: { 'golive.yaml': '' },
    code: 2,
    says: 'E_CONFIG_EMPTY',
  },
  {
    name: 'config: over the size cap',
    args: run(),
    files: { 'golive.yaml': `site:\n  name: ${'n'.repeat(600 * 1024)}\n` },
    code: 2,
    says: 'E_CONFIG_SIZE',
  },
  {
    name: 'config: a 20,000-character value',
    args: run(),
    files: { 'golive.yaml': `site:\n  name: ${'n'.repeat(20_000)}\n` },
    code: 2,
    says: 'E_CONFIG_STRING',
  },
  {
    name: 'config: invalid UTF-8',
    args: run(),
    files: {
      'golive.yaml': Buffer.concat([
        Buffer.from('site:\n  name: '),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('\n  timeZone: Nowhere/City\n'),
      ]),
    },
    code: 2,
    says: 'timeZone',
  },

  // ---- configuration keys ----
  {
    name: 'config: misspelt key',
    args: run(),
    files: { 'golive.yaml': 'targt:\n  mllp: { host: 127.0.0.1, port: 2575 }\n' },
    code: 2,
    says: 'did you mean "target"',
  },
  {
    name: 'config: duration with a space',
    args: run(),
    files: { 'golive.yaml': 'site:\n  criticalResultDeadline: 30 min\n' },
    code: 2,
    says: 'is not a duration',
  },
  {
    name: 'config: FHIR base that is not a URL',
    args: run(),
    files: { 'golive.yaml': 'target:\n  fhir:\n    baseUrl: nope\n' },
    code: 2,
    says: 'expected a URL',
  },
  {
    name: 'config: port out of range',
    args: run(),
    files: { 'golive.yaml': 'target:\n  mllp: { host: 127.0.0.1, port: 70000 }\n' },
    code: 2,
    says: 'target.mllp.port',
  },
  {
    name: 'config: unknown time zone',
    args: run(),
    files: { 'golive.yaml': 'site:\n  timeZone: Mars/Olympus\n' },
    code: 2,
    says: 'not a time zone',
  },
  {
    name: 'config: wrong type (text for a number)',
    args: run(),
    files: { 'golive.yaml': 'capture:\n  port: abc\n' },
    code: 2,
    says: 'expected a number',
  },
  {
    name: 'config: GOLIVE_MLLP_PORT not a port',
    args: run(),
    files: { 'golive.yaml': 'site:\n  name: x\n' },
    env: { GOLIVE_MLLP_PORT: 'x' },
    code: 2,
    says: 'E_ENV',
  },
  {
    name: 'config: GOLIVE_FHIR_URL not a URL',
    args: run(),
    files: { 'golive.yaml': 'site:\n  name: x\n' },
    env: { GOLIVE_FHIR_URL: 'ht!tp://x' },
    code: 2,
    says: 'E_ENV',
  },
  {
    name: 'lint config: unknown rule key',
    args: ['lint', '@x.hl7', '-c', '@lint.yaml'],
    files: { 'x.hl7': MSH, 'lint.yaml': 'rulez: {}\n' },
    code: 2,
    says: 'rulez',
  },
  {
    name: 'load profile: percentile without parentheses',
    args: ['load', '@p.yaml', '--target', 'embedded'],
    files: { 'p.yaml': `${PROFILE}thresholds:\n  ack_latency: ['p99<500ms']\n` },
    code: 2,
    says: 'p(99)<500ms',
  },
  {
    name: 'load profile: unknown metric',
    args: ['load', '@p.yaml', '--target', 'embedded'],
    files: { 'p.yaml': `${PROFILE}thresholds:\n  latency: ['p(99)<500ms']\n` },
    code: 2,
    says: 'unknown metric',
  },
  {
    name: 'load profile: executor past maxDuration',
    args: ['load', '@p.yaml', '--target', 'embedded'],
    files: { 'p.yaml': PROFILE.replace('maxDuration: 10s', 'maxDuration: 500ms') },
    code: 2,
    says: 'maxDuration',
  },
  {
    name: 'load profile: YAML syntax',
    args: ['load', '@p.yaml', '--target', 'embedded'],
    files: { 'p.yaml': 'name: [p\n' },
    code: 2,
    says: 'E_YAML_SYNTAX',
  },

  // ---- CSV ----
  {
    name: 'access: accounts missing required columns',
    args: access('@a.csv'),
    files: { 'a.csv': 'id,kind\njm,human\n' },
    code: 2,
    says: 'missing column',
  },
  {
    name: 'access: a row with too many columns',
    args: access('@a.csv'),
    files: { 'a.csv': `${ACCOUNTS_HEAD}${ACCOUNT.replace('\n', ',extra\n')}` },
    code: 2,
    says: 'E_CSV_SYNTAX',
  },
  {
    name: 'access: unclosed quote',
    args: access('@a.csv'),
    files: { 'a.csv': `${ACCOUNTS_HEAD}"jm,J M,human\n` },
    code: 2,
    says: 'E_CSV_SYNTAX',
  },
  {
    name: 'access: a yes/no column with another word',
    args: access('@a.csv'),
    files: { 'a.csv': `${ACCOUNTS_HEAD}${ACCOUNT.replace(',yes,no\n', ',perhaps,no\n')}` },
    code: 2,
    says: 'active',
  },
  {
    name: 'access: a role not in the role matrix',
    args: access('@a.csv'),
    files: { 'a.csv': `${ACCOUNTS_HEAD}${ACCOUNT.replace('ward-nurse', 'wizard')}` },
    code: 2,
    says: 'E_INPUT_REF',
  },
  {
    name: 'access: the same account twice',
    args: access('@a.csv'),
    files: { 'a.csv': `${ACCOUNTS_HEAD}${ACCOUNT}${ACCOUNT}` },
    code: 2,
    says: 'jm',
  },
  {
    name: 'access: header only (no evidence)',
    args: access('@a.csv'),
    files: { 'a.csv': ACCOUNTS_HEAD },
    code: 3,
    says: 'has no rows',
  },
  {
    name: 'access: empty file',
    args: access('@a.csv'),
    files: { 'a.csv': '' },
    code: 2,
    says: 'no header',
  },
  {
    name: 'registers: device register header only (no evidence)',
    args: ['compliance', 'registers', '--devices', '@d.csv'],
    files: { 'd.csv': DEVICES_HEAD },
    code: 3,
    says: 'has no rows',
  },
  {
    name: 'registers: a CSV that is binary',
    args: ['compliance', 'registers', '--devices', '@d.csv'],
    files: { 'd.csv': '\u0000\u0001\u0002,\u0003\n\u0004' },
    code: 2,
    says: 'E_CSV',
  },
  {
    name: 'audit: CSV export missing columns',
    args: ['compliance', 'audit', '--actions', ACTIONS, '--csv', '@a.csv'],
    files: { 'a.csv': 'time,user\n2026-01-01T00:00:00Z,x\n' },
    code: 2,
    says: 'missing column',
  },
  {
    name: 'audit: CSV time that is not a date',
    args: ['compliance', 'audit', '--actions', ACTIONS, '--csv', '@a.csv'],
    files: {
      'a.csv':
        'time,user,action,object_type,object_id,patient,source,outcome,message_control_id\nyesterday,u,R,Patient,1,1,s,0,\n',
    },
    code: 2,
    says: 'ISO date-time',
  },
  {
    name: 'identity: roster without a name column',
    args: ['identity', 'match', '@r.csv'],
    files: { 'r.csv': 'id,dob\n1,2000-01-01\n' },
    code: 2,
    says: 'no name column',
  },
  {
    name: 'identity: empty roster file',
    args: ['identity', 'match', '@r.csv'],
    files: { 'r.csv': '' },
    code: 2,
    says: 'no name column',
  },
  {
    name: 'identity: roster with a broken row',
    args: ['identity', 'match', '@r.csv'],
    files: { 'r.csv': 'id,given,family\n1,"a,b\n' },
    code: 2,
    says: 'E_CSV_SYNTAX',
  },
  {
    name: 'adoption: task records with a bad yes/no',
    args: ['adoption', '--tasks', '@t.csv'],
    files: {
      't.csv':
        'role,participant,task,critical,exception,unaided,duration_s,errors,date\nrn,A,T,maybe,no,yes,95,0,2026-02-10\n',
    },
    code: 2,
    says: 'critical',
  },

  // ---- JSON ----
  {
    name: 'audit: actions file not JSON',
    args: ['compliance', 'audit', '--actions', '@x.json', '--csv', '@a.csv'],
    files: { 'x.json': '{"exchanges": [', 'a.csv': '' },
    code: 2,
    says: 'E_EXCHANGES',
  },
  {
    name: 'audit: actions of the wrong shape',
    args: ['compliance', 'audit', '--actions', '@x.json', '--csv', '@a.csv'],
    files: { 'x.json': '[{"id": 5}]', 'a.csv': '' },
    code: 2,
    says: 'E_EXCHANGES',
  },
  {
    name: 'audit: actions as JSON null',
    args: ['compliance', 'audit', '--actions', '@x.json', '--csv', '@a.csv'],
    files: { 'x.json': 'null', 'a.csv': '' },
    code: 2,
    says: 'E_EXCHANGES',
  },
  {
    name: 'audit: NDJSON line that is not JSON',
    args: ['compliance', 'audit', '--actions', ACTIONS, '--ndjson', '@e.ndjson'],
    files: { 'e.ndjson': '{"resourceType":"AuditEvent"}\n{oops\n' },
    code: 2,
    says: 'E_NDJSON',
  },
  {
    name: 'audit: NDJSON of another resource type',
    args: ['compliance', 'audit', '--actions', ACTIONS, '--ndjson', '@e.ndjson'],
    files: { 'e.ndjson': '{"resourceType":"Patient"}\n' },
    code: 2,
    says: 'expected an AuditEvent',
  },
  {
    name: 'audit: NDJSON line that is a number',
    args: ['compliance', 'audit', '--actions', ACTIONS, '--ndjson', '@e.ndjson'],
    files: { 'e.ndjson': '5\n' },
    code: 2,
    says: 'E_NDJSON',
  },
  {
    name: 'lint: baseline that is not JSON or YAML',
    args: ['lint', '@x.hl7', '--baseline', '@b.json'],
    files: { 'x.hl7': MSH, 'b.json': '{{{' },
    code: 2,
    says: 'b.json',
  },

  // ---- flags ----
  { name: 'an unknown command', args: ['frobnicate'], code: 2, says: 'unknown command' },
  { name: 'an unknown option', args: ['lint', '--frob', 'x'], code: 2, says: 'unknown option' },
  { name: 'lint: no input', args: ['lint'], code: 2, says: 'missing required argument' },
  {
    name: 'lint: --as-of not a date',
    args: ['lint', '@x.hl7', '--as-of', 'tomorrow'],
    files: { 'x.hl7': MSH },
    code: 2,
    says: '--as-of',
  },
  {
    name: 'lint: --time-zone unknown',
    args: ['lint', '@x.hl7', '--time-zone', 'Mars/Olympus'],
    files: { 'x.hl7': MSH },
    code: 2,
    says: 'Mars/Olympus',
  },
  {
    name: 'send: --timeout not a number',
    args: ['send', '@x.hl7', '--to', '127.0.0.1:9', '--timeout', 'soon'],
    files: { 'x.hl7': MSH },
    code: 2,
    says: '--timeout',
  },
  {
    name: 'identity: --threshold above 1',
    args: ['identity', 'match', '@r.csv', '--threshold', '2'],
    files: { 'r.csv': 'id,given,family\n1,a,b\n' },
    code: 2,
    says: '--threshold',
  },
  {
    name: 'identity: --max-pairs 0',
    args: ['identity', 'match', '@r.csv', '--max-pairs', '0'],
    files: { 'r.csv': 'id,given,family\n1,a,b\n' },
    code: 2,
    says: '--max-pairs',
  },
  {
    name: 'adoption: --threshold not a number',
    args: ['adoption', '--tasks', 'examples/site/adoption/tasks.csv', '--threshold', 'most'],
    code: 2,
    says: '--threshold',
  },
  {
    name: 'audit: two audit sources',
    args: ['compliance', 'audit', '--actions', ACTIONS, '--csv', '@a.csv', '--ndjson', '@b.ndjson'],
    files: { 'a.csv': '', 'b.ndjson': '' },
    code: 2,
    says: 'exactly one audit source',
  },
  {
    name: 'audit: --window with a space',
    args: ['compliance', 'audit', '--actions', ACTIONS, '--csv', '@a.csv', '--window', '5 min'],
    files: { 'a.csv': '' },
    code: 2,
    says: '--window',
  },
  {
    name: 'registers: no register given',
    args: ['compliance', 'registers'],
    code: 2,
    says: '--devices',
  },
  {
    name: 'registers: --changes without --validations',
    args: ['compliance', 'registers', '--changes', 'examples/site/compliance/changes.csv'],
    code: 2,
    says: '--validations',
  },
  {
    name: 'run: --target not a target',
    args: ['run', '--config', '@golive.yaml', '--target', 'mainframe', '--plan'],
    files: { 'golive.yaml': 'site:\n  name: x\n' },
    code: 2,
    says: 'mainframe',
  },
  {
    name: 'run: --as-of not a date',
    args: ['run', '--config', '@golive.yaml', '--as-of', 'someday', '--plan'],
    files: { 'golive.yaml': 'site:\n  name: x\n' },
    code: 2,
    says: '--as-of',
  },
  {
    name: 'run: unknown reference-site profile',
    args: ['run', '--target', 'embedded', '--profile', 'nope', '--plan'],
    code: 2,
    says: 'nope',
  },
  {
    name: 'scenarios run: unknown scenario',
    args: ['scenarios', 'run', 'no.such-scenario', '--target', 'embedded'],
    code: 2,
    says: 'no.such-scenario',
  },
  {
    name: 'scenarios run: --concurrency 0',
    args: ['scenarios', 'run', '--target', 'embedded', '--concurrency', '0'],
    code: 2,
    says: '--concurrency',
  },
  {
    name: 'load: --faults unknown',
    args: ['load', '@p.yaml', '--target', 'embedded', '--faults', 'gremlins'],
    files: { 'p.yaml': PROFILE },
    code: 2,
    says: 'gremlins',
  },
  {
    name: 'serve: --port out of range',
    args: ['serve', '--store', '@none.db', '--port', '99999'],
    code: 2,
    says: '--port',
  },

  // ---- paths ----
  { name: 'run: --config missing', args: run('@none.yaml'), code: 2, says: 'cannot read' },
  { name: 'run: --config is a folder', args: run('@dir'), code: 2, says: 'EISDIR' },
  {
    name: 'load: profile missing',
    args: ['load', '@none.yaml', '--target', 'embedded'],
    code: 2,
    says: 'cannot read',
  },
  {
    name: 'lint: baseline missing',
    args: ['lint', '@x.hl7', '--baseline', '@none.json'],
    files: { 'x.hl7': MSH },
    code: 2,
    says: 'none.json',
  },
  {
    name: 'access: duties file missing',
    args: [
      'compliance',
      'access',
      '--accounts',
      '@a.csv',
      '--roles',
      ROLES,
      '--duties',
      '@none.yaml',
    ],
    files: { 'a.csv': `${ACCOUNTS_HEAD}${ACCOUNT}` },
    code: 2,
    says: 'cannot read',
  },
  {
    name: 'serve: users file missing',
    args: ['serve', '--store', '@none.db', '--port', '0', '--users', '@none.yaml'],
    code: 2,
    says: 'none',
  },
  {
    name: 'send: --ca file missing',
    args: ['send', '@x.hl7', '--to', '127.0.0.1:9', '--tls', '--ca', '@none.pem'],
    files: { 'x.hl7': MSH },
    code: 2,
    says: 'none.pem',
  },

  // ---- URLs and addresses ----
  {
    name: 'audit: --fhir not a URL',
    args: ['compliance', 'audit', '--actions', ACTIONS, '--fhir', 'ht!tp://x'],
    code: 2,
    says: 'not an http(s) URL',
  },
  {
    name: 'audit: --fhir with an unclosed IPv6 host',
    args: ['compliance', 'audit', '--actions', ACTIONS, '--fhir', 'http://[::1'],
    code: 2,
    says: 'not an http(s) URL',
  },
  {
    name: 'audit: --fhir on a closed port',
    args: ['compliance', 'audit', '--actions', ACTIONS, '--fhir', 'http://127.0.0.1:9/fhir'],
    code: 3,
    says: 'E_AUDIT_FETCH',
  },
  {
    name: 'send: --to without a port',
    args: ['send', '@x.hl7', '--to', '127.0.0.1'],
    files: { 'x.hl7': MSH },
    code: 2,
    says: '--to',
  },
  {
    name: 'send: --to port out of range',
    args: ['send', '@x.hl7', '--to', '127.0.0.1:99999'],
    files: { 'x.hl7': MSH },
    code: 2,
    says: '--to',
  },
  {
    name: 'send: nothing listening',
    args: ['send', '@x.hl7', '--to', '127.0.0.1:9', '--timeout', '2000'],
    files: { 'x.hl7': MSH },
    code: 3,
    says: 'ECONNREFUSED',
  },
  {
    name: 'probe: nothing listening',
    args: ['probe', '--config', '@golive.yaml'],
    files: {
      'golive.yaml': 'target:\n  fhir:\n    baseUrl: http://127.0.0.1:9/fhir\n    retries: 0\n',
    },
    code: 3,
    says: '127.0.0.1:9',
  },

  // ---- evidence stores ----
  {
    name: 'evidence verify: no store at the path',
    args: ['evidence', 'verify', '--store', '@none.db'],
    code: 2,
    says: 'none.db',
  },
  {
    name: 'evidence verify: a text file as the store',
    args: ['evidence', 'verify', '--store', '@s.db'],
    files: { 's.db': 'this is not a database\n'.repeat(100) },
    code: 2,
    says: 's.db',
  },
  {
    name: 'evidence list: an empty file as the store',
    args: ['evidence', 'list', '--store', '@s.db'],
    files: { 's.db': '' },
    code: 2,
    says: 's.db',
  },
  {
    name: 'evidence runs: a folder as the store',
    args: ['evidence', 'runs', '--store', '@dir'],
    code: 2,
    says: 'store',
  },
  {
    name: 'evidence list: unknown record kind',
    args: ['evidence', 'list', '--store', '@none.db', '--kind', 'gossip'],
    code: 2,
    says: 'gossip',
  },
  {
    name: 'evidence verify: PostgreSQL not listening',
    args: ['evidence', 'verify', '--store', 'postgres://golive@127.0.0.1:9/golive'],
    code: 3,
    says: '127.0.0.1',
  },
];
