/**
 * The public face of inputs/: reading files (safe YAML, CSV, tables and their field types, HL7
 * files streamed). Other folders import inputs/ through this file only (docs/architecture.md,
 * Layers). Everything here is cheap to load: yaml and csv-parse are small, and zod is loaded
 * by every command that reads an input anyway.
 */
export * from './yaml.js';
export * from './csv.js';
export * from './fields.js';
export * from './table.js';
export * from './hl7-files.js';
