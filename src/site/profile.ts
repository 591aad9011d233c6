/**
 * Site profiles (docs/site.md, Profiles; docs/decisions/012-site-profiles.md): the same
 * clinical facts represented in two ways, each within FHIR R4, so that golive's scenarios are
 * tested against more than one convention.
 *
 * - `standard`: rich. Identifiers carry the site's `urn:golive:*` systems (placer and filler also
 *   their v2-0203 type), Observations have an identifier, DiagnosticReports are filed,
 *   reference ranges keep their text, AuditEvent is searchable by `date`, and a critical result
 *   is notified both by an HL7 message and by a Communication.
 * - `minimal`: the least R4 allows. Identifiers have no `system`, only a `type` from v2-0203
 *   (Identifier.system is 0..1; the type says what the value is: PLAC, FILL, ACSN, MR, PRN);
 *   Observations have no identifier (they are linked to the order by `basedOn`); no
 *   DiagnosticReport; reference ranges are `low`/`high` only; AuditEvent search ignores `date`;
 *   a critical result is notified by a Communication only.
 */
import type { Identifier as Cx } from '../hl7/index.js';
import type { Identifier, Reference } from '../fhir/index.js';
import { SYS } from './codes.js';
import { FAULT_NAMES, type FaultName } from './faults.js';
import type { Store } from './store.js';

export const PROFILE_NAMES = ['standard', 'minimal'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/**
 * The identifier types the site writes, as v2-0203 codes (terminology.hl7.org
 * CodeSystem-v2-0203): MR medical record number, PLAC placer, FILL filler, ACSN accession,
 * PRN provider number.
 */
export type IdKind = 'MR' | 'PLAC' | 'FILL' | 'ACSN' | 'PRN';

export interface Mrn {
  value: string;
  authority?: string;
}

/** R4 Identifier.assigner (the fhir/ types leave it out; the site writes it in `minimal`). */
type AssignedIdentifier = Identifier & { assigner?: Reference };

export interface SiteProfile {
  readonly name: ProfileName;
  /** Patient.identifier for one PID-3 repetition (CX: id, CX.4 authority, CX.5 type). */
  patientIdentifier(cx: Cx): Identifier;
  /** The MRN a Patient.identifier written by this profile carries. */
  mrnOf(i: Identifier): Mrn | undefined;
  /** An order, specimen or provider number. */
  identifier(kind: Exclude<IdKind, 'MR'>, value: string): Identifier;
  /** What kind of number an identifier written by this profile is. */
  kindOf(i: Identifier): IdKind | undefined;
  /** Observation.identifier for a result key `<filler>/<OBX-3.1>/<OBX-4>` (none: no element). */
  observationIdentifier(key: string): Identifier[] | undefined;
  /** Communication.identifier of a critical notification. */
  criticalIdentifier(value: string): Identifier[] | undefined;
  /** The Observation filed for a result key (the site's own key, however it is kept). */
  findObservation(store: Store, key: string): string | undefined;
  /** Remember which Observation holds a result key (inside the message transaction). */
  keyObservation(store: Store, key: string, id: string): void;
  /** Observation.referenceRange.text (OBX-7 as sent) besides low/high. */
  readonly rangeText: boolean;
  /** DiagnosticReport filed per OBR and served. */
  readonly diagnosticReport: boolean;
  /** Critical results notified by an HL7 message to the notification application too. */
  readonly notifyByMessage: boolean;
  /**
   * Default search handling (R4 search.html#errors): strict answers an unknown or unsupported
   * parameter with 400; lenient ignores it and leaves it out of Bundle.link[self].
   */
  readonly searchHandling: 'strict' | 'lenient';
  /** Search parameters the profile does not support, per type (beyond its resource types). */
  readonly unsupportedParams: Readonly<Record<string, readonly string[]>>;
}

const V2_0203 = SYS.v2_0203;
const typed = (code: string) => ({ coding: [{ system: V2_0203, code }] });

const typeCode = (i: Identifier): string | undefined =>
  i.type?.coding?.find((c) => c.system === V2_0203)?.code;

/** CX.4 authority, empty treated as none (SYS.mrn does the same). */
const authorityOf = (cx: Cx): string | undefined => cx.authority || undefined;

const STANDARD: SiteProfile = {
  name: 'standard',
  patientIdentifier: (cx) => ({
    ...(cx.type === 'MR' ? { type: typed('MR') } : {}),
    system: SYS.mrn(cx.authority),
    value: cx.id,
  }),
  mrnOf(i) {
    if (!i.value || !i.system?.startsWith(SYS.mrn())) return undefined;
    const authority = i.system.slice(SYS.mrn().length + 1);
    return { value: i.value, ...(authority ? { authority } : {}) };
  },
  identifier(kind, value) {
    switch (kind) {
      case 'PLAC':
        return { type: typed('PLAC'), system: SYS.placer, value };
      case 'FILL':
        return { type: typed('FILL'), system: SYS.filler, value };
      case 'ACSN':
        return { system: SYS.accession, value };
      case 'PRN':
        return { system: SYS.provider, value };
    }
  },
  kindOf(i) {
    switch (i.system) {
      case SYS.placer:
        return 'PLAC';
      case SYS.filler:
        return 'FILL';
      case SYS.accession:
        return 'ACSN';
      case SYS.provider:
        return 'PRN';
      default:
        return STANDARD.mrnOf(i) ? 'MR' : undefined;
    }
  },
  observationIdentifier: (key) => [{ system: SYS.obs, value: key }],
  criticalIdentifier: (value) => [{ system: SYS.critical, value }],
  findObservation: (store, key) => store.byIdentifier('Observation', SYS.obs, key)[0]?.id,
  keyObservation: () => {},
  rangeText: true,
  diagnosticReport: true,
  notifyByMessage: true,
  searchHandling: 'strict',
  unsupportedParams: {},
};

const KINDS = new Set<string>(['MR', 'PLAC', 'FILL', 'ACSN', 'PRN']);
const obsKey = (key: string) => `obs:${key}`;

const MINIMAL: SiteProfile = {
  name: 'minimal',
  // CX.5 is itself a v2-0203 code; an MRN sent without it is typed MR (PID-3 is the
  // patient identifier list, v2.5.1 3.4.2.3). CX.4 becomes Identifier.assigner, as the
  // HL7 v2-to-FHIR mapping of CX does, since there is no system to carry it.
  patientIdentifier(cx) {
    const authority = authorityOf(cx);
    const id: AssignedIdentifier = {
      type: typed(cx.type || 'MR'),
      value: cx.id,
      ...(authority ? { assigner: { display: authority } } : {}),
    };
    return id;
  },
  mrnOf(i) {
    if (!i.value || i.system !== undefined || !typeCode(i)) return undefined;
    const authority = (i as AssignedIdentifier).assigner?.display;
    return { value: i.value, ...(authority ? { authority } : {}) };
  },
  identifier: (kind, value) => ({ type: typed(kind), value }),
  kindOf(i) {
    if (i.system !== undefined) return undefined;
    const code = typeCode(i);
    if (code && KINDS.has(code) && code !== 'MR') return code as IdKind;
    return MINIMAL.mrnOf(i) ? 'MR' : undefined;
  },
  observationIdentifier: () => undefined,
  criticalIdentifier: () => undefined,
  // A receiver that gives Observations no identifier still keys them internally (here a
  // persistent meta entry, written in the same transaction as the Observation).
  findObservation(store, key) {
    const id = store.meta.get(obsKey(key));
    return id && store.get('Observation', id) ? id : undefined;
  },
  keyObservation: (store, key, id) => store.setMeta(obsKey(key), id),
  rangeText: false,
  diagnosticReport: false,
  notifyByMessage: false,
  searchHandling: 'lenient',
  unsupportedParams: { AuditEvent: ['date'] },
};

export const PROFILES: Readonly<Record<ProfileName, SiteProfile>> = {
  standard: STANDARD,
  minimal: MINIMAL,
};

/** Does this identifier carry the given MRN (same value, same authority)? */
export function sameMrn(profile: SiteProfile, i: Identifier, cx: Cx): boolean {
  const m = profile.mrnOf(i);
  return !!m && m.value === cx.id && m.authority === authorityOf(cx);
}

/** The value of the first identifier of a kind (placer, filler...). */
export function valueOf(
  profile: SiteProfile,
  ids: Identifier[] | undefined,
  kind: IdKind,
): string | undefined {
  return ids?.find((i) => profile.kindOf(i) === kind)?.value;
}

/**
 * Faults a profile cannot represent, with the reason (docs/site.md, Faults by profile). Every
 * fault is a defect in what is filed or when, and both profiles can show each one through
 * standard FHIR relations, so both lists are empty today; a future profile that, say, serves no
 * Communication would list `no-critical-notify` here.
 */
export const UNREPRESENTABLE: Readonly<Record<ProfileName, Partial<Record<FaultName, string>>>> = {
  standard: {},
  minimal: {},
};

/** The faults that work in a profile (the rows of the fault x profile matrix). */
export function faultsFor(profile: ProfileName): FaultName[] {
  return FAULT_NAMES.filter((f) => UNREPRESENTABLE[profile][f] === undefined);
}
