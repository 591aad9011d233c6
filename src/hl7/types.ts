/** Delimiters of one message, read from MSH-1 and MSH-2 (v2.5.1 section 2.5.4). */
export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
  /** v2.7 truncation character (fifth MSH-2 character), when present. */
  truncation?: string;
}

/** Delimiters from MSH-1 and the MSH-2 encoding characters (already checked: 4+ distinct). */
export function delimitersOf(field: string, enc: string): Delimiters {
  const d: Delimiters = {
    field,
    component: enc[0]!,
    repetition: enc[1]!,
    escape: enc[2]!,
    subcomponent: enc[3]!,
  };
  if (enc.length >= 5 && enc[4] !== undefined) d.truncation = enc[4];
  return d;
}

export const DEFAULT_DELIMITERS: Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
};

/** A parsed field path such as `PID-3[2].1`, `OBX[3]-5`, `MSH-9.2`, `PID-5.1.1`. */
export interface FieldPath {
  segment: string;
  /** 1-based occurrence of the segment in the message. */
  occurrence: number;
  /** 1-based field number; MSH-1 is the field separator itself. */
  field: number;
  /** 1-based repetition; undefined means the first (or, for set, the first). */
  repetition?: number;
  component?: number;
  subcomponent?: number;
}
