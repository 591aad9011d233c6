/**
 * A FEBRL-like roster made in code: original person records and duplicates of some of them with
 * the corruptions FEBRL's generator applies (typing errors: insert, delete, substitute,
 * transpose; missing values; given and family name swapped; a changed digit of the birth date
 * or postcode). Ids follow FEBRL: `rec-N-org` and `rec-N-dup-k`, so the truth is in the id.
 * Written in FEBRL's CSV layout (", " separated), so loadRoster reads it as it reads FEBRL.
 * Seeded: the same seed gives the same roster everywhere.
 */
import { seeded } from './synthetic-hl7.js';

const GIVEN = [
  'amelia',
  'jack',
  'olivia',
  'noah',
  'isla',
  'oliver',
  'ava',
  'william',
  'mia',
  'james',
  'grace',
  'lucas',
  'chloe',
  'henry',
  'zoe',
  'thomas',
  'ella',
  'ethan',
  'ruby',
  'liam',
  'sophie',
  'max',
  'lily',
  'samuel',
  'emily',
  'harrison',
  'charlotte',
  'alexander',
  'matilda',
  'joshua',
  'hannah',
  'benjamin',
  'jessica',
  'daniel',
  'sarah',
  'lachlan',
  'georgia',
  'riley',
  'madison',
  'cooper',
  'abigail',
  'jacob',
  'evie',
  'hugo',
  'ivy',
  'leo',
  'willow',
  'archie',
];
const ONSET = [
  'b',
  'br',
  'c',
  'ch',
  'd',
  'f',
  'g',
  'h',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'w',
];
const VOWEL = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou'];
const CODA = ['', 'n', 'r', 'll', 'ck', 'ton', 'son', 'ley', 'man', 'berg'];
const STATES = ['nsw', 'vic', 'qld', 'sa', 'wa', 'tas', 'act', 'nt'];
const KINDS = ['street', 'road', 'crescent', 'place', 'avenue', 'close'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export interface RosterRecord {
  rec_id: string;
  given_name: string;
  surname: string;
  street_number: string;
  address_1: string;
  address_2: string;
  suburb: string;
  postcode: string;
  state: string;
  date_of_birth: string;
  soc_sec_id: string;
}

const COLUMNS: (keyof RosterRecord)[] = [
  'rec_id',
  'given_name',
  'surname',
  'street_number',
  'address_1',
  'address_2',
  'suburb',
  'postcode',
  'state',
  'date_of_birth',
  'soc_sec_id',
];

/**
 * `originals` people and `duplicates` corrupted copies (each of a random original, at most
 * `maxPerOriginal` per original), shuffled.
 */
export function febrlLikeRoster(
  opts: { originals?: number; duplicates?: number; maxPerOriginal?: number; seed?: number } = {},
): RosterRecord[] {
  const originals = opts.originals ?? 4000;
  const duplicates = opts.duplicates ?? 1000;
  const maxPer = opts.maxPerOriginal ?? 5;
  const rnd = seeded(opts.seed ?? 2);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(a: readonly T[]): T => a[int(a.length)]!;
  const word = (syllables: number) => {
    let w = '';
    for (let i = 0; i < syllables; i++) w += pick(ONSET) + pick(VOWEL);
    return w + pick(CODA);
  };
  const digits = (n: number) => Array.from({ length: n }, () => String(int(10))).join('');

  const people: RosterRecord[] = [];
  for (let n = 0; n < originals; n++) {
    const year = 1910 + int(90);
    const month = String(1 + int(12)).padStart(2, '0');
    const day = String(1 + int(28)).padStart(2, '0');
    people.push({
      rec_id: `rec-${n}-org`,
      given_name: pick(GIVEN),
      surname: word(1 + int(2)),
      street_number: String(1 + int(200)),
      address_1: `${word(1 + int(2))} ${pick(KINDS)}`,
      address_2: rnd() < 0.4 ? word(2) : '',
      suburb: word(1 + int(2)),
      postcode: String(2000 + int(7000)),
      state: pick(STATES),
      date_of_birth: `${year}${month}${day}`,
      soc_sec_id: digits(7),
    });
  }

  /** One typing error in a value: insert, delete, substitute or transpose a character. */
  const typo = (v: string): string => {
    if (v.length < 2) return v + pick([...LETTERS]);
    const i = int(v.length - 1);
    switch (int(4)) {
      case 0:
        return v.slice(0, i) + pick([...LETTERS]) + v.slice(i);
      case 1:
        return v.slice(0, i) + v.slice(i + 1);
      case 2:
        return v.slice(0, i) + pick([...LETTERS]) + v.slice(i + 1);
      default:
        return v.slice(0, i) + v[i + 1] + v[i] + v.slice(i + 2);
    }
  };
  const digitChange = (v: string): string => {
    const i = int(v.length);
    return v.slice(0, i) + String((Number(v[i]) + 1 + int(8)) % 10) + v.slice(i + 1);
  };

  const dupCount = new Map<number, number>();
  const all = [...people];
  for (let made = 0; made < duplicates;) {
    const n = int(originals);
    const k = dupCount.get(n) ?? 0;
    if (k >= maxPer) continue;
    dupCount.set(n, k + 1);
    made++;
    const d: RosterRecord = { ...people[n]!, rec_id: `rec-${n}-dup-${k}` };
    // FEBRL dataset2 applies up to a few modifications per duplicate, one field at a time.
    const changes = 1 + int(3);
    for (let c = 0; c < changes; c++) {
      switch (int(8)) {
        case 0:
          d.given_name = typo(d.given_name);
          break;
        case 1:
          d.surname = typo(d.surname);
          break;
        case 2:
          d.address_1 = typo(d.address_1);
          break;
        case 3:
          d.suburb = typo(d.suburb);
          break;
        case 4:
          d.date_of_birth = digitChange(d.date_of_birth);
          break;
        case 5:
          d.postcode = digitChange(d.postcode);
          break;
        case 6:
          // A missing value.
          d[pick(['address_2', 'street_number', 'soc_sec_id', 'suburb'] as const)] = '';
          break;
        default:
          [d.given_name, d.surname] = [d.surname, d.given_name];
      }
    }
    all.push(d);
  }
  // Shuffle (Fisher-Yates): duplicates are not next to their originals.
  for (let i = all.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all;
}

/** FEBRL's CSV layout: a header line, ", " between values. */
export function toFebrlCsv(records: readonly RosterRecord[]): string {
  const lines = [COLUMNS.join(', ')];
  for (const r of records) lines.push(COLUMNS.map((c) => r[c]).join(', '));
  return lines.join('\n') + '\n';
}
