export * from './framer.js';
export * from './listener.js';
export * from './client.js';
export * from './tls.js';
export * from './decode.js';
