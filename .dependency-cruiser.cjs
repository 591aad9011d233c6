/**
 * Import rules of ARCHITECTURE.md, checked in `npm test`.
 * Dependencies point inward, toward pure domain code.
 */
const pure = '^src/(core|hl7|review)/';

/**
 * Which folder may import which (docs/architecture.md, "Layers"). Inner layers first; a folder
 * may import only folders listed for it. Dependencies point inward, toward pure domain code.
 */
const LAYERS = {
  core: [],
  hl7: ['core'],
  fhir: ['core'],
  storage: [],
  evidence: ['core', 'storage'],
  review: ['core'],
  report: ['core'],
  inputs: ['core', 'hl7'],
  config: ['core', 'inputs'],
  transports: ['core', 'hl7'],
  site: ['core', 'hl7', 'fhir', 'transports', 'storage'],
  adoption: ['core', 'inputs'],
  compliance: ['core', 'inputs', 'hl7', 'fhir', 'config'],
  lint: ['core', 'hl7', 'inputs', 'config', 'report'],
  load: ['core', 'hl7', 'transports', 'inputs', 'config', 'report'],
  scenarios: [
    'core',
    'hl7',
    'fhir',
    'transports',
    'inputs',
    'config',
    'review',
    'report',
    'compliance',
  ],
  server: ['core', 'evidence', 'inputs', 'report', 'review', 'storage'],
  runner: [
    'core',
    'hl7',
    'fhir',
    'transports',
    'inputs',
    'config',
    'site',
    'storage',
    'evidence',
    'review',
    'report',
    'lint',
    'load',
    'scenarios',
    'compliance',
    'adoption',
  ],
  cli: null, // set below: everything runner may import, plus runner and server
};
LAYERS.cli = [...LAYERS.runner, 'runner', 'server'];

/**
 * Files another folder may import directly instead of the folder's index.ts: each is small and
 * needed at start-up by a per-file command (`golive lint` of one file), while the index would
 * also load what that command never uses (docs/decisions/019-through-index.md).
 */
const LIGHT_ENTRIES = [
  // UserError, which cli/main.ts reads before any command runs: `golive --version` and
  // `--help` load it alone, not the ten modules of core/index.ts.
  'core/errors.ts',
  // The one duration and zone grammar (zod only); config/index.ts also builds golive.yaml's
  // whole schema, its loader and its problem messages.
  'config/duration.ts',
  // Terminal text (colour, width, fitting) and the live area: every command's console output.
  'report/terminal.ts',
  'report/live.ts',
  // The reporter pipeline and the one JUnit writer, which lint and the hl7 commands write
  // through; report/index.ts also loads the HTML report (about 70 KB of templates), the
  // Markdown and console renderers and the JSON report's zod schema.
  'report/reporter.ts',
  'report/junit-xml.ts',
  // The JSON, JUnit and text documents of the check commands (compliance, load, scenarios).
  'report/findings-output.ts',
  'report/reporter-documents.ts',
  // The size grammar (parseSize) that cli/options.ts reads for every command's size flags;
  // load/index.ts loads the load engine (executors, histograms, MLLP driver).
  'load/storage.ts',
  // The one target factory of `scenarios`, `probe` and `load`; runner/index.ts also loads
  // `golive run` (every phase: lint, compliance, adoption, the evidence store).
  'runner/targets.ts',
];

module.exports = {
  forbidden: [
    {
      name: 'pure-no-node-io',
      comment: 'core, hl7 and review are pure: no node:* modules (no sockets, files, clocks).',
      severity: 'error',
      from: { path: pure, pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-imports-nothing',
      comment: 'core depends on nothing else in the project and on no package.',
      severity: 'error',
      from: { path: '^src/core/', pathNot: '\\.test\\.ts$' },
      to: { pathNot: '^src/core/' },
    },
    {
      name: 'hl7-only-core',
      severity: 'error',
      from: { path: '^src/hl7/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(core|hl7)/' },
    },
    {
      name: 'review-only-core',
      comment: 'The review is pure: evidence in, decision out.',
      severity: 'error',
      from: { path: '^src/review/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(core|review)/' },
    },
    {
      name: 'site-cannot-know-what-is-tested',
      comment: 'The reference site may use hl7, fhir, transports, storage and core only (SITE.md).',
      severity: 'error',
      from: { path: '^src/site/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(core|hl7|fhir|transports|storage|site)/' },
    },
    {
      name: 'only-runner-and-cli-know-the-site',
      comment:
        'The embedded reference site is started by one target factory (runner/targets.ts) and handed to every phase as a target: only runner/ and cli/ import site/.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(runner|cli|site)/', '\\.test\\.ts$'] },
      to: { path: '^src/site/' },
    },
    {
      name: 'report-not-runner-internals',
      comment: 'Reporters consume results and events, not runner internals.',
      severity: 'error',
      from: { path: '^src/report/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(scenarios|lint|load|compliance|adoption|site|cli|server|transports)/' },
    },
    {
      name: 'transports-low-level',
      severity: 'error',
      from: { path: '^src/(transports|fhir)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(core|hl7|transports|fhir)/' },
    },
    {
      name: 'nobody-imports-cli',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    // The layer table of docs/architecture.md: one rule per folder, naming every folder it may
    // import. A folder not listed may import nothing else in src/.
    ...Object.entries(LAYERS).map(([folder, allowed]) => ({
      name: `layer-${folder}`,
      comment: `${folder}/ may import ${allowed.length ? allowed.join(', ') : 'no other folder'} (docs/architecture.md)`,
      severity: 'error',
      from: { path: `^src/${folder}/`, pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: `^src/(${[folder, ...allowed].join('|')})/` },
    })),
    {
      name: 'through-index',
      comment:
        'Another folder is imported through its index.ts only (its public API); imports inside one folder, sub-folders included, stay direct. Tests may import internals. Exceptions: LIGHT_ENTRIES (docs/decisions/019-through-index.md).',
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^src/[^/]+/',
        pathNot: [
          '^src/$1/',
          '^src/[^/]+/index\\.ts$',
          ...LIGHT_ENTRIES.map((f) => `^src/${f.replace(/\./g, '\\.')}$`),
        ],
      },
    },
    // Where tests live (docs/architecture.md, "Tests"): a test beside the code is a unit test
    // of its folder; a test that crosses folders, or starts processes or servers, is in test/.
    {
      name: 'unit-test-own-folder',
      comment:
        'A test in src/<folder>/ imports only its own folder, core and test/helpers (not the CLI runner, test/helpers/cli.ts); a test that crosses folders lives in test/<folder>/ (docs/architecture.md, Tests).',
      severity: 'error',
      from: { path: '^src/([^/]+)/.+\\.test\\.ts$' },
      to: {
        path: '^(src|test)/',
        pathNot: ['^src/$1/', '^src/core/', '^test/helpers/(?!cli\\.ts$)'],
      },
    },
    {
      name: 'unit-test-no-process-or-server',
      comment:
        'A test in src/ starts no process and no server (child_process, net, http, https, tls): such a test lives in test/<folder>/ (docs/architecture.md, Tests).',
      severity: 'error',
      from: { path: '^src/.+\\.test\\.ts$' },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(child_process|net|http|https|http2|tls|worker_threads)$',
      },
    },
    {
      name: 'code-does-not-import-tests',
      comment: 'Code in src/ imports no test and nothing under test/.',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: ['^test/', '\\.test\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    exclude: { path: '\\.d\\.ts$' },
  },
};
