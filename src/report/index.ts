export type { ReportCheck, ReportInput, ReportPaths, RunInfo } from './types.js';
export { renderJson, buildJsonReport } from './json.js';
export {
  reportJsonSchema,
  reportJsonSchemaDocument,
  REPORT_SCHEMA_VERSION,
  type ReportJson,
} from './json-schema.js';
export { renderJunit } from './junit.js';
export { renderJunitXml, seconds, type JunitCase, type JunitSuite } from './junit-xml.js';
export { renderMarkdown, type MarkdownOptions } from './markdown.js';
export { renderHtml, type HtmlOptions } from './html.js';
export { renderConsoleSummary, type ConsoleOptions } from './console.js';
export { writeReports, REPORT_FILES } from './write.js';
/** The one wording of each decision (`NO-GO`, `CONDITIONAL GO`, `GO`) for every output. */
export { DECISION_LABEL } from './model.js';
/** For the dashboard's pages (src/server): the report's escaper, stylesheet and instant format. */
export { escapeHtml } from './escape.js';
export { STYLESHEET } from './html-assets.js';
export { formatInstant } from './model.js';
/** The reporter pipeline of every command (Reporter, multiplex, the built-in reporters). */
export {
  createReporter,
  describeDestination,
  htmlReporter,
  isReporterName,
  jsonReporter,
  junitReporter,
  listReporter,
  markdownReporter,
  multiplex,
  openStream,
  report,
  REPORTER_NAMES,
  STDOUT,
  writeTo,
  type BeginInfo,
  type CommandOutput,
  type Destination,
  type JunitDocument,
  type OutputStream,
  type Reporter,
  type ReporterIo,
  type ReporterName,
} from './reporter.js';
export {
  checksJunit,
  loadJunit,
  scenarioRunJson,
  scenarioRunJunit,
  type ScenarioRunReport,
} from './reporter-documents.js';
export * from './terminal.js';
export { LiveArea, type LiveAreaOptions } from './live.js';
export {
  exitCodeOf,
  flatten,
  toJsonReport,
  toText,
  type FlatFinding,
  type JsonReport,
} from './findings-output.js';
