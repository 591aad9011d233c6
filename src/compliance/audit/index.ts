export * from './actions.js';
export * from './records.js';
export * from './match.js';
export * from './sources.js';
export * from './check.js';
