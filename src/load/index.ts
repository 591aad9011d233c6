/**
 * Load, failover and storage growth (criteria infrastructure.*). The API `golive run` uses:
 * load a profile (file or built-in), run it against a target, project storage.
 */
export { runLoadProfile, type LoadTarget, type RunLoadOptions } from './run.js';
export {
  loadProfileFile,
  loadProfileText,
  loadBuiltinProfile,
  BUILTIN_PROFILES,
  type LoadedProfile,
} from './profile.js';
export { profileSchema, parseDuration, type Profile } from './profile-schema.js';
export {
  projectStorage,
  project,
  storageDeclarationSchema,
  parseSize,
  formatBytes,
  type StorageDeclaration,
  type MeasuredSizes,
} from './storage.js';
export { measuredSizesOf, type LoadRunData } from './result.js';
export { httpControl, commandControl, type ControlHooks } from './control.js';
export { parseThreshold, METRICS, ThresholdSyntaxError } from './thresholds.js';
export { startResponder, type Responder } from './responder.js';
export { formatProgress, renderSummary, LiveView } from './live.js';
export type { Progress } from './stats.js';
export type { CaptureSource } from './end-to-end.js';
export { loadTargetFromConfig, storageFromConfig, type ConfigLoadTarget } from './config-target.js';
