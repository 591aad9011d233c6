/**
 * `--profile standard|minimal`: how the embedded reference site represents what it stores
 * (docs/site.md, Profiles). One parser for every command that starts the site.
 */
import { UserError } from '../core/index.js';

export type SiteProfileName = 'standard' | 'minimal';
const PROFILES: readonly SiteProfileName[] = ['standard', 'minimal'];

export const PROFILE_HELP =
  'reference-site profile with --target embedded: standard (rich) or minimal (the least FHIR R4 allows)';

export function parseProfileOption(
  value: string | undefined,
  embedded: boolean,
): SiteProfileName | undefined {
  if (value === undefined) return undefined;
  if (!embedded)
    throw new UserError('E_OPTION', '--profile needs --target embedded', {
      hint: 'profiles belong to the reference site; describe a real target with target.lookups in golive.yaml',
    });
  if (!PROFILES.includes(value as SiteProfileName))
    throw new UserError('E_OPTION', `--profile "${value}" is not ${PROFILES.join(' or ')}`, {
      hint: 'e.g. --profile minimal',
    });
  return value as SiteProfileName;
}
