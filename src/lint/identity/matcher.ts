/**
 * Probabilistic person matching: a weighted agreement score over name, birth date, sex,
 * address and identifiers (in the spirit of Fellegi-Sunter record linkage: agreement on a
 * discriminating field is strong evidence, disagreement is evidence against), with
 * Jaro-Winkler (talisman) for names and Levenshtein (fastest-levenshtein) for codes and dates.
 * Blocking: candidates share at least one key (phonetic name + birth year, birth date,
 * postcode + initial, national id...), so the work grows with block sizes, not n^2.
 */
import { distance as levenshtein } from 'fastest-levenshtein';
import jaroWinkler from 'talisman/metrics/jaro-winkler.js';
import type { Prepared } from './person.js';

export interface MatchScore {
  /** 0..1 */
  score: number;
  /** Fields that agreed and disagreed, for the finding's message. */
  agree: string[];
  disagree: string[];
}

function jw(a: string, b: string): number {
  if (a === b) return 1;
  return jaroWinkler(a, b);
}

/** Similarity of two codes where one typo is likely (postcode, id, date): 1, 0.6, 0.2 or 0. */
function codeSim(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length !== b.length) return levenshtein(a, b) === 1 ? 0.5 : 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  if (diff === 1) return 0.6;
  // Two adjacent characters swapped.
  if (diff === 2) {
    const i = [...a].findIndex((c, k) => c !== b[k]);
    if (a[i] === b[i + 1] && a[i + 1] === b[i]) return 0.6;
    return 0.2;
  }
  return 0;
}

function dateSim(a: string, b: string): number {
  if (a === b) return 1;
  // Day and month swapped (a common keying error): 20010203 vs 20010302.
  if (
    a.slice(0, 4) === b.slice(0, 4) &&
    a.slice(4, 6) === b.slice(6, 8) &&
    a.slice(6, 8) === b.slice(4, 6)
  )
    return 0.7;
  return codeSim(a, b);
}

/** A text field's similarity: token-sorted Jaro-Winkler, so "ST JOHN RD" ~ "JOHN RD ST". */
function textSim(a: string, b: string): number {
  if (a === b) return 1;
  const sa = a.split(' ').sort().join(' ');
  const sb = b.split(' ').sort().join(' ');
  return Math.max(jw(a, b), jw(sa, sb));
}

/** Name similarity allowing given and family names to be swapped between records. */
function names(a: Prepared, b: Prepared): { given: number; family: number } {
  const direct = {
    given: a.given && b.given ? jw(a.given, b.given) : -1,
    family: a.family && b.family ? jw(a.family, b.family) : -1,
  };
  if (a.given && b.family && a.family && b.given) {
    const g = jw(a.given, b.family);
    const f = jw(a.family, b.given);
    if (g + f > Math.max(0, direct.given) + Math.max(0, direct.family))
      return { given: g, family: f };
  }
  return direct;
}

/** Weight of each field: how much agreement on it says "same person". */
const W = {
  family: 3,
  given: 2.5,
  birthDate: 3,
  sex: 0.5,
  streetNumber: 0.8,
  street: 1.2,
  locality: 0.5,
  city: 1,
  postcode: 1,
  state: 0.3,
  nationalId: 2.5,
  phone: 1.5,
};

/**
 * Weighted mean of field similarities over the fields both records have; similarities are
 * sharpened (a Jaro-Winkler of 0.8 between names is weak evidence, not 80% of a match).
 */
export function scorePair(a: Prepared, b: Prepared): MatchScore {
  let sum = 0;
  let weight = 0;
  const agree: string[] = [];
  const disagree: string[] = [];
  const add = (field: keyof typeof W, sim: number) => {
    if (sim < 0) return;
    sum += W[field] * sim;
    weight += W[field];
    if (sim >= 0.85) agree.push(field);
    else if (sim < 0.5) disagree.push(field);
  };
  const sharpen = (s: number) => (s >= 0.97 ? 1 : s >= 0.9 ? 0.85 : s >= 0.8 ? 0.5 : 0);
  const n = names(a, b);
  add('family', n.family < 0 ? -1 : sharpen(n.family));
  add('given', n.given < 0 ? -1 : sharpen(n.given));
  const both = (x: string, y: string, f: (x: string, y: string) => number) =>
    x && y ? f(x, y) : -1;
  add('birthDate', both(a.birthDate, b.birthDate, dateSim));
  add(
    'sex',
    both(a.sex, b.sex, (x, y) => (x === y ? 1 : 0)),
  );
  add('streetNumber', both(a.streetNumber, b.streetNumber, codeSim));
  add(
    'street',
    both(a.street, b.street, (x, y) => sharpen(textSim(x, y))),
  );
  add(
    'locality',
    both(a.locality, b.locality, (x, y) => sharpen(textSim(x, y))),
  );
  add(
    'city',
    both(a.city, b.city, (x, y) => sharpen(textSim(x, y))),
  );
  add('postcode', both(a.postcode, b.postcode, codeSim));
  add(
    'state',
    both(a.state, b.state, (x, y) => (x === y ? 1 : 0)),
  );
  add('nationalId', both(a.nationalId, b.nationalId, codeSim));
  add('phone', both(a.phone, b.phone, codeSim));
  // Too little in common to judge (e.g. only a name): never a probable match.
  if (weight < 6) return { score: 0, agree, disagree };
  let score = sum / weight;
  // Same family name and birth date but clearly different given names: the twin pattern.
  // Merging twins is worse than missing a duplicate, so such pairs are damped below threshold
  // unless an identifier (national id, phone) agrees.
  const idAgrees = agree.includes('nationalId') || agree.includes('phone');
  if (
    !idAgrees &&
    n.given >= 0 &&
    n.given < 0.7 &&
    n.family >= 0.97 &&
    a.birthDate &&
    a.birthDate === b.birthDate
  )
    score *= 0.75;
  return { score, agree, disagree };
}

/** Blocking keys: two records are compared only when they share one. */
export function blockingKeys(p: Prepared): string[] {
  const keys: string[] = [];
  const year = p.birthDate.slice(0, 4);
  if (p.familyCode && year) keys.push(`fy:${p.familyCode}:${year}`);
  if (p.givenCode && year) keys.push(`gy:${p.givenCode}:${year}`);
  if (p.birthDate) keys.push(`d:${p.birthDate}`);
  // Both orders catch swapped names; when the codes are equal there is one key, not the same
  // key twice (a record listed twice in its block would be paired with itself).
  if (p.familyCode && p.givenCode) {
    keys.push(`n:${p.familyCode}:${p.givenCode}`);
    if (p.givenCode !== p.familyCode) keys.push(`n:${p.givenCode}:${p.familyCode}`);
  }
  if (p.postcode && p.family) keys.push(`pf:${p.postcode}:${p.family[0]}`);
  if (p.postcode && p.given) keys.push(`pg:${p.postcode}:${p.given[0]}`);
  if (p.nationalId) keys.push(`id:${p.nationalId}`);
  if (p.phone) keys.push(`ph:${p.phone}`);
  if (p.street && p.streetNumber) keys.push(`a:${p.streetNumber}:${p.street.slice(0, 6)}`);
  return keys;
}
