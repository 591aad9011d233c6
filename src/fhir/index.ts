/**
 * The public face of fhir/: the R4 client, search bundles, CapabilityStatement reading, the
 * resource shapes, decimal-keeping JSON and FHIRPath. Other folders import fhir/ through this
 * file only (docs/architecture.md, Layers). The fhirpath package (the engine and its R4 model,
 * the heaviest package golive loads) is required by fhirpath.ts on the first compile, not when
 * this file is imported: the reference site and the audit check use the client and the shapes
 * and never pay for it.
 */
export * from './client.js';
// bundle.ts's Bundle is the searchset the reference site builds; client.ts's Bundle is what a
// server answered. The index names the first SearchsetBundle.
export { searchset, type SearchsetOptions, type Bundle as SearchsetBundle } from './bundle.js';
export * from './capabilities.js';
export * from './resources.js';
export * from './json.js';
export * from './fhirpath.js';
