/**
 * The scenario engine's public API (used by `golive scenarios` and `golive run`).
 */
export {
  runScenarios,
  targetFromConfig,
  probeTarget,
  exitCodeOf,
  resolveAuth,
  phasesOf,
  type RunEvent,
  type RunScenariosOptions,
  type RunScenariosResult,
} from './runner.js';
export {
  loadBuiltinScenarios,
  loadScenarioFile,
  loadScenarioText,
  listScenarios,
  selectScenarios,
  checkScenario,
  BUILTIN_SCENARIO_DIR,
  CONFIG_VALUES,
  type LoadedScenario,
  type ScenarioListing,
} from './loader.js';
export {
  scenarioSchema,
  buildScenarioSchema,
  KNOWN_CRITERIA,
  type Scenario,
  type ScenarioStep,
} from './schema.js';
export { executeScenario, configValues, type Target, type RunContext } from './execute.js';
export {
  BUILTIN_REGISTRY,
  BUILTIN_STEP_KINDS,
  createRegistry,
  type StepRegistry,
} from './steps/registry.js';
export {
  defineStep,
  type StepKind,
  type StepContext,
  type StepOutcome,
  type ManualPrompt,
} from './steps/types.js';
export { TemplateStore, renderTemplate } from './templates.js';
export { templateStoreFor } from './config-templates.js';
export { IdSource } from './values.js';
export { startCapture, CaptureBuffer } from './capture.js';
export { hooksFromConfig, type ControlHooks } from './control.js';
export {
  probeCapabilities,
  renderProbe,
  coverageOf,
  type ProbeData,
  type ProbedSearch,
  type ScenarioCoverage,
} from './probe.js';
export { find, findSchema, type FindSpec, type FindResult } from './lookups.js';
export {
  createProgress,
  formatScenarioList,
  summaryTable,
  type Progress as ScenarioProgress,
  type ProgressOptions as ScenarioProgressOptions,
} from './progress.js';
