/**
 * What a FHIR server says it supports: its CapabilityStatement (FHIR R4 capabilitystatement.html,
 * read with `GET [base]/metadata`, http.html#capabilities). golive reads it once per run so a
 * lookup never asks for a resource type the server says it does not have, and so `golive probe`
 * can record what the target supports as evidence.
 */
import { FhirTransportError, type FhirClient } from './client.js';

export interface ResourceSupport {
  interactions: Set<string>;
  searchParams: Set<string>;
}

export interface Capabilities {
  /** FHIR version the server declares (4.0.1 for R4). */
  fhirVersion?: string;
  software?: string;
  types: Map<string, ResourceSupport>;
}

export type CapabilityRead =
  | { ok: true; caps: Capabilities; exchangeIds: string[] }
  | { ok: false; reason: string; unreachable: boolean; exchangeIds: string[] };

interface RawStatement {
  resourceType?: string;
  fhirVersion?: string;
  software?: { name?: string; version?: string };
  rest?: {
    mode?: string;
    resource?: {
      type?: string;
      interaction?: { code?: string }[];
      searchParam?: { name?: string }[];
    }[];
  }[];
}

/** Parse a CapabilityStatement body; undefined when it is not one. */
export function parseCapabilities(body: unknown): Capabilities | undefined {
  const b = body as RawStatement | undefined;
  if (!b || b.resourceType !== 'CapabilityStatement') return undefined;
  const types = new Map<string, ResourceSupport>();
  for (const rest of b.rest ?? []) {
    if (rest.mode !== undefined && rest.mode !== 'server') continue;
    for (const r of rest.resource ?? []) {
      if (!r.type) continue;
      types.set(r.type, {
        interactions: new Set((r.interaction ?? []).flatMap((i) => (i.code ? [i.code] : []))),
        searchParams: new Set((r.searchParam ?? []).flatMap((p) => (p.name ? [p.name] : []))),
      });
    }
  }
  return {
    fhirVersion: b.fhirVersion,
    software: b.software?.name
      ? `${b.software.name}${b.software.version ? ` ${b.software.version}` : ''}`
      : undefined,
    types,
  };
}

/** Read the server's CapabilityStatement. Never throws for what the server does. */
export async function readCapabilities(client: FhirClient): Promise<CapabilityRead> {
  try {
    const res = await client.request('GET', 'metadata');
    if (res.status !== 200)
      return {
        ok: false,
        reason: `GET metadata answered HTTP ${res.status}`,
        unreachable: false,
        exchangeIds: res.exchangeIds,
      };
    const caps = parseCapabilities(res.body);
    if (!caps)
      return {
        ok: false,
        reason: 'GET metadata did not return a CapabilityStatement',
        unreachable: false,
        exchangeIds: res.exchangeIds,
      };
    return { ok: true, caps, exchangeIds: res.exchangeIds };
  } catch (e) {
    if (!(e instanceof FhirTransportError)) throw e;
    return { ok: false, reason: e.message, unreachable: true, exchangeIds: e.exchangeIds };
  }
}

/**
 * Whether the statement rules a type out. A server may support more than it declares, so only
 * a statement that lists resources and leaves this one out counts as "not supported".
 */
export function typeRuledOut(caps: Capabilities | undefined, type: string): boolean {
  return !!caps && caps.types.size > 0 && !caps.types.has(type);
}
