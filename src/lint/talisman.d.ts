// Minimal types for the two talisman 1.1 modules golive uses (the package ships none).
declare module 'talisman/metrics/jaro-winkler.js' {
  /** Jaro-Winkler similarity in [0, 1]. */
  export default function jaroWinkler(a: string, b: string): number;
}
declare module 'talisman/phonetics/double-metaphone.js' {
  /** Primary and alternate Double Metaphone codes. */
  export default function doubleMetaphone(word: string): [string, string];
}
