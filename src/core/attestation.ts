/**
 * A person's attestation, on its own so that the data shapes (check-data.ts: a scenario's
 * manual steps carry attestations) and evidence.ts can both use it without an import cycle.
 */

/** A person's confirmation of something a machine cannot observe. */
export interface Attestation {
  criterion: string;
  statement: string;
  attestedBy: string;
  role: string;
  /** ISO date or instant. */
  at: string;
  /** Did what was attested hold? */
  holds: boolean;
  reference?: string;
}
