export * from './types.js';
export { STANDARD_TEMPLATE } from './standard.js';
export { evaluateCriterion, type Evaluated } from './evaluate.js';
export { evaluateReview, isOpenStatus } from './decide.js';
export { checkWaiver, chooseWaiver, waiverEnd } from './waivers.js';
export {
  evidenceFromRecords,
  withThresholds,
  type FromRecords,
  type RecordLike,
  type ThresholdOverrides,
} from './records.js';
