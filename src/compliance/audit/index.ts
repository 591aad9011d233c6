export * from './actions.js';
export * from './records.js';
export * from './match.js';
export * from './complete.js';
export * from './balp.js';
export * from './sources.js';
export * from './fetch.js';
export * from './check.js';
