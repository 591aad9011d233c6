/**
 * A person as the identity matcher sees it, and its normalised, pre-computed form.
 * Names are folded (NFKD, diacritics removed, upper case, letters only) before phonetic codes:
 * "Müller", "MULLER" and "muller " compare equal.
 */
import doubleMetaphone from 'talisman/phonetics/double-metaphone.js';

export interface Person {
  /** The record's own id (MRN in traffic, a row id in a roster). */
  id: string;
  given?: string;
  family?: string;
  /** YYYYMMDD (longer DTM text is cut to the day). */
  birthDate?: string;
  /** Administrative sex (HL7 table 0001). */
  sex?: string;
  streetNumber?: string;
  street?: string;
  locality?: string;
  city?: string;
  postcode?: string;
  state?: string;
  nationalId?: string;
  phone?: string;
}

export interface Prepared {
  person: Person;
  given: string;
  family: string;
  givenCode: string;
  familyCode: string;
  birthDate: string;
  sex: string;
  streetNumber: string;
  street: string;
  locality: string;
  city: string;
  postcode: string;
  state: string;
  nationalId: string;
  phone: string;
}

/** Fold diacritics and case; keep letters only (hyphens and apostrophes vary between systems). */
export function foldName(s: string | undefined): string {
  if (!s) return '';
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
}

/** Fold free text (addresses): letters and digits, single spaces. */
export function foldText(s: string | undefined): string {
  if (!s) return '';
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
}

const digits = (s: string | undefined) => (s ?? '').replace(/\D/g, '');

function phonetic(name: string): string {
  return name ? doubleMetaphone(name)[0] : '';
}

/** Sex codes other than F and M (U, O, A, N) say nothing about the person: treated as absent. */
function sexOf(s: string | undefined): string {
  const v = (s ?? '').trim().toUpperCase();
  return v === 'F' || v === 'M' ? v : '';
}

export function prepare(p: Person): Prepared {
  const given = foldName(p.given);
  const family = foldName(p.family);
  const dob = digits(p.birthDate).slice(0, 8);
  return {
    person: p,
    given,
    family,
    givenCode: phonetic(given),
    familyCode: phonetic(family),
    birthDate: dob.length === 8 ? dob : '',
    sex: sexOf(p.sex),
    streetNumber: foldText(p.streetNumber),
    street: foldText(p.street),
    locality: foldText(p.locality),
    city: foldText(p.city),
    postcode: foldText(p.postcode).replace(/ /g, ''),
    state: foldText(p.state),
    nationalId: digits(p.nationalId) || foldText(p.nationalId),
    phone: digits(p.phone).slice(-9),
  };
}
