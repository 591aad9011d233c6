export { createApp, startServer, DEFAULT_BODY_LIMIT, type App, type RunningServer } from './app.js';
export { AuditLog, isoWithOffset, type AuditEntry } from './audit-log.js';
export { loadUsers, hashToken, generateToken } from './users.js';
export {
  ROLES,
  PERMISSIONS,
  can,
  type Role,
  type User,
  type Identity,
  type ServerOptions,
  type ReviewStarter,
  type ReviewProgress,
  type StepState,
} from './types.js';
export { findingKey, type RunComparison } from './compare.js';
export { MANIFEST, SUMS, type ExportManifest } from './export.js';
export { tarChunks, type TarFile } from './tar.js';
export { DEFAULT_SIGN_IN_LIMITS, type SignInLimits, type LimitRule } from './rate-limit.js';
