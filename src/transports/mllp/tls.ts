/**
 * TLS options for MLLP (MLLP over TLS is the usual transport security for HL7 v2; IHE ITI ATNA
 * secure node). Certificate pinning compares the peer certificate's SHA-256 fingerprint.
 */
import type tls from 'node:tls';

export type TlsServerOptions = tls.TlsOptions;

export interface TlsClientOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  servername?: string;
  rejectUnauthorized?: boolean;
  /** Accept only peers whose certificate SHA-256 fingerprint (AA:BB:... or hex) is listed. */
  pinSha256?: string[];
}

export function normalizeFingerprint(fp: string): string {
  return fp.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

export function pinMatches(
  peerFingerprint256: string | undefined,
  pins: string[] | undefined,
): boolean {
  if (!pins || pins.length === 0) return true;
  if (!peerFingerprint256) return false;
  const peer = normalizeFingerprint(peerFingerprint256);
  return pins.some((p) => normalizeFingerprint(p) === peer);
}
