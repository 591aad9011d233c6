export { startSite, type Site } from './site.js';
export {
  resolveOptions,
  siteOptionsSchema,
  type SiteOptions,
  type SiteConfigInput,
  type ResolvedOptions,
} from './options.js';
export { FAULTS, FAULT_NAMES, FaultSet, parseFaultList, type FaultName } from './faults.js';
export { SYS } from './codes.js';
export { FORWARD_APP, NOTIFY_APP } from './messages.js';
export { STERILIZATION, CYCLE_ID } from './sterilization.js';
export {
  PROFILES,
  PROFILE_NAMES,
  UNREPRESENTABLE,
  faultsFor,
  type ProfileName,
  type SiteProfile,
} from './profile.js';
