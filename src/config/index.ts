export * from './schema.js';
export * from './duration.js';
export * from './load.js';
export { ConfigError, type ConfigProblem } from './problems.js';
export {
  adoptionSection,
  complianceSection,
  lintSection,
  loadSection,
  reviewSection,
} from './sections.js';
