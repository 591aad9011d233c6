/**
 * Match keys shared by actions and audit records. An action and a record are about the same
 * thing when they share a key: a resource reference, an identifier value (MSH-10, MRN) or,
 * weakest, a resource type.
 */

/** `Observation/abc` from `https://h/fhir/Observation/abc/_history/2` or a relative reference. */
export function normalizeReference(ref: string): string | undefined {
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?\/?$/.exec(
    ref.split(/[?#]/)[0]!,
  );
  return m ? `${m[1]}/${m[2]}` : undefined;
}

export function refKey(ref: string): string {
  return `ref:${normalizeReference(ref) ?? ref}`;
}

/**
 * Keys for an identifier value. HL7 v2 CX values are often logged whole (`MRN123^^^RGH^MR`);
 * the first component is the identifier itself (v2.5.1 2.A.14), so both are keys.
 */
export function identKeys(value: string): string[] {
  const v = value.trim();
  if (!v) return [];
  const first = v.split('^')[0]!.trim();
  return first && first !== v ? [`ident:${v}`, `ident:${first}`] : [`ident:${v}`];
}

export function typeKey(type: string): string {
  return `type:${type}`;
}
