/**
 * The public face of transports/: MLLP framing, listener, client, TLS. Other folders import
 * transports/ through this file only (docs/architecture.md, Layers).
 */
export * from './mllp/index.js';
