/**
 * The public face of runner/ (`golive run`, `golive demo`, the one target factory, progress and
 * the plan as text). Only cli/ imports it (docs/architecture.md, Layers).
 */
export * from './run.js';
export * from './demo.js';
export * from './targets.js';
export * from './progress.js';
export * from './plan-text.js';
