export * from './result.js';
export * from './domain.js';
export * from './finding.js';
export * from './errors.js';
export * from './evidence.js';
export * from './review.js';
export * from './check-data.js';
export * from './check-data-read.js';
