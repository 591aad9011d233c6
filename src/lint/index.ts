export * from './types.js';
export * from './config.js';
export * from './bounded-map.js';
export * from './registry.js';
export * from './engine.js';
export * from './check-result.js';
export {
  toJsonReport,
  toJsonFinding,
  toJsonGroup,
  type JsonReport,
  type JsonFinding,
  type JsonGroup,
} from './report/json.js';
export { formatText, formatGroups, type TextOptions } from './report/text.js';
export {
  Baseline,
  BASELINE_FORMAT,
  baselineOf,
  formatBaseline,
  parseBaseline,
  type BaselineFile,
} from './baseline.js';
export { shape, senderLabel } from './groups.js';
export { mdcUnits, mdcUnitOf, type MdcUnit } from './mdc-units.js';
export { lintJunit } from './report/junit.js';
export * from './identity/index.js';
