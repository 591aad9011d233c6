/** The five readiness domains of a go-live review (REVIEW.md). */
export type Domain = 'workflow' | 'interop' | 'compliance' | 'adoption' | 'infrastructure';

export const DOMAINS: readonly Domain[] = [
  'workflow',
  'interop',
  'compliance',
  'adoption',
  'infrastructure',
];

export function isDomain(value: string): value is Domain {
  return (DOMAINS as readonly string[]).includes(value);
}
