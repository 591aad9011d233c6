/**
 * GET /fhir/metadata: the CapabilityStatement of the running site, per profile.
 */
import type { Resource } from '../fhir/index.js';
import type { ResolvedOptions } from './options.js';
import { paramsFor, resourceTypesFor } from './search.js';
import { WRITABLE } from './validate.js';

/**
 * What this site does, per profile (R4 capabilitystatement.html): the resource types served and,
 * per type, every search parameter applied (common ones included), so that a client can tell
 * before searching what would be ignored or refused.
 */
export function capability(opts: ResolvedOptions, now: number): Resource {
  const rules = opts.rules;
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date(now).toISOString(),
    kind: 'instance',
    software: { name: 'golive reference site' },
    implementation: {
      description: `golive reference site (simulated LIS/EHR), ${rules.name} profile`,
    },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation:
          rules.searchHandling === 'lenient'
            ? 'Unknown search parameters are ignored and left out of Bundle.link[self] unless Prefer: handling=strict.'
            : 'Unknown search parameters are refused (400) unless Prefer: handling=lenient.',
        resource: resourceTypesFor(rules).map((type) => ({
          type,
          interaction: [
            { code: 'read' },
            { code: 'search-type' },
            ...(WRITABLE.has(type) ? [{ code: 'create' }, { code: 'update' }] : []),
          ],
          searchParam: Object.entries(paramsFor(rules, type)).map(([name, d]) => ({
            name,
            type: d.kind,
            ...(d.identifier
              ? { documentation: 'token modifier :of-type supported (system|code|value)' }
              : {}),
          })),
        })),
      },
    ],
  };
}
