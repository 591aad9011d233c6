/**
 * Capability discovery (`golive probe`, and the probe phase of `golive run`): what the target
 * supports, learnt from its CapabilityStatement (FHIR R4 capabilitystatement.html) and from one
 * harmless search per lookup strategy golive would use, each with a value that matches nothing.
 * A search is `supported` when the server answered 200 and kept every parameter in
 * `Bundle.link[self]` (search.html: a server reports the parameters it applied there),
 * `ignored` when it left a parameter out, `unsupported` on a 4xx, `not-declared` when the
 * CapabilityStatement lists resources but not this type (golive then never asks).
 * The result is evidence: what each built-in scenario will be able to see on this target.
 */
import { randomBytes } from 'node:crypto';
import type {
  CheckResult,
  Exchange,
  ProbeCheckResult,
  ProbeData,
  ProbedSearch,
  ScenarioCoverage,
} from '../core/index.js';
import type { GoliveConfig } from '../config/index.js';
import {
  readCapabilities,
  typeRuledOut,
  type Capabilities,
  type CapabilityRead,
} from '../fhir/index.js';
import { FhirTransportError, isBundle, type FhirClient } from '../fhir/index.js';
import { appliedParams, findKind, V2_0203, type FindKind } from './lookups.js';
import type { LoadedScenario } from './loader.js';

// The shapes of the probe's `data` live in core (check-data.ts), part of the CheckResult union.
export type { ProbeData, ProbedSearch, ScenarioCoverage, SearchSupport } from '../core/index.js';

interface Candidate {
  lookup: string;
  strategy: string;
  type: string;
  query: string;
}

/** One harmless search per configured strategy, with values that match nothing. */
function candidates(config: GoliveConfig, token: string): Candidate[] {
  const l = config.target.lookups;
  const ids = config.site.identifiers;
  const v = `golive-probe-${token}`;
  const enc = encodeURIComponent;
  const idSearches = (
    lookup: string,
    type: string,
    names: string[],
    typeCode: string,
    system: string | undefined,
  ): Candidate[] =>
    names.map((strategy) => ({
      lookup,
      strategy,
      type,
      query:
        strategy === 'identifier-type'
          ? `identifier:of-type=${enc(`${V2_0203}|${typeCode}|${v}`)}`
          : strategy === 'identifier-system' && system
            ? `identifier=${enc(`${system}|${v}`)}`
            : `identifier=${enc(v)}`,
    }));
  const out: Candidate[] = [
    ...idSearches('patient', 'Patient', l.patient, 'MR', ids.mrnSystem),
    ...idSearches('order', 'ServiceRequest', l.order, 'PLAC', ids.placerSystem),
    {
      lookup: 'order',
      strategy: 'subject',
      type: 'ServiceRequest',
      query: `subject=${enc(`Patient/${v}`)}&status=active`,
    },
  ];
  for (const strategy of l.results) {
    if (strategy === 'based-on')
      out.push({
        lookup: 'results',
        strategy,
        type: 'Observation',
        query: `based-on=${enc(`ServiceRequest/${v}`)}`,
      });
    else if (strategy === 'report')
      out.push({
        lookup: 'results',
        strategy,
        type: 'DiagnosticReport',
        query: `based-on=${enc(`ServiceRequest/${v}`)}`,
      });
    else if (strategy === 'subject-code')
      out.push({
        lookup: 'results',
        strategy,
        type: 'Observation',
        query: `subject=${enc(`Patient/${v}`)}&code=2823-3`,
      });
    else
      out.push({ lookup: 'results', strategy, type: 'Observation', query: `identifier=${enc(v)}` });
  }
  for (const strategy of l.specimen)
    out.push({
      lookup: 'specimen',
      strategy,
      type: 'Specimen',
      query: strategy === 'accession' ? `accession=${enc(v)}` : `identifier=${enc(v)}`,
    });
  for (const strategy of l.notification) {
    const [type, param] =
      strategy === 'flag'
        ? ['Flag', 'subject']
        : strategy === 'task'
          ? ['Task', 'patient']
          : ['Communication', 'subject'];
    out.push({ lookup: 'notification', strategy, type, query: `${param}=${enc(`Patient/${v}`)}` });
  }
  out.push(
    {
      lookup: 'audit',
      strategy: 'date',
      type: 'AuditEvent',
      query: `date=ge${enc('2000-01-01T00:00:00Z')}&date=le${enc('2000-01-01T00:00:01Z')}`,
    },
    {
      lookup: 'audit',
      strategy: '_lastUpdated',
      type: 'AuditEvent',
      query: `_lastUpdated=ge${enc('2000-01-01T00:00:00Z')}&_lastUpdated=le${enc('2000-01-01T00:00:01Z')}`,
    },
  );
  return out;
}

/**
 * Does the server say when it ignores a parameter? Asked once per type when a search came back
 * without a self link: a parameter no server knows. A 200 for it means the server ignores
 * silently, so no 200 from it can confirm a search was applied (R4 search.html#errors).
 */
async function reportsIgnored(client: FhirClient, type: string): Promise<boolean> {
  try {
    const res = await client.request('GET', `${type}?golive-probe-unknown-parameter=1`);
    return res.status !== 200 || appliedParams(res.body) !== undefined;
  } catch (e) {
    if (!(e instanceof FhirTransportError)) throw e;
    return true;
  }
}

async function trySearch(
  client: FhirClient,
  caps: Capabilities | undefined,
  c: Candidate,
  silent: Map<string, Promise<boolean>>,
): Promise<ProbedSearch> {
  const base = { lookup: c.lookup, strategy: c.strategy, query: `${c.type}?${c.query}` };
  if (typeRuledOut(caps, c.type))
    return {
      ...base,
      support: 'not-declared',
      detail: `${c.type} is not in the CapabilityStatement: not asked`,
    };
  try {
    // One page is enough: the values match nothing, and only the answer's shape matters.
    const res = await client.request('GET', `${c.type}?${c.query}`);
    if (res.status >= 500)
      return { ...base, support: 'no-answer', detail: `HTTP ${res.status} (inconclusive)` };
    if (res.status !== 200 || !isBundle(res.body))
      return { ...base, support: 'unsupported', detail: `HTTP ${res.status}` };
    const applied = appliedParams(res.body);
    if (!applied) {
      let silentOnIgnored = silent.get(c.type);
      if (!silentOnIgnored) {
        silentOnIgnored = reportsIgnored(client, c.type).then((r) => !r);
        silent.set(c.type, silentOnIgnored);
      }
      return (await silentOnIgnored)
        ? {
            ...base,
            support: 'unconfirmed',
            detail:
              "HTTP 200, but this server also answers 200 to a parameter it cannot know and gives no Bundle.link self: whether it applied this search cannot be told (the scenarios' positive controls check it)",
          }
        : {
            ...base,
            support: 'supported',
            detail: 'HTTP 200; no Bundle.link self to confirm the parameters were applied',
          };
    }
    const asked = [...new URLSearchParams(c.query).keys()].map((k) => k.split(':')[0]!);
    const ignored = [...new Set(asked.filter((p) => !applied.has(p)))];
    return ignored.length
      ? {
          ...base,
          support: 'ignored',
          detail: `the server ignored ${ignored.join(', ')} (left out of Bundle.link self)`,
        }
      : { ...base, support: 'supported', detail: 'HTTP 200, every parameter applied' };
  } catch (e) {
    if (!(e instanceof FhirTransportError)) throw e;
    return { ...base, support: 'no-answer', detail: e.message };
  }
}

const KIND_LOOKUP: Record<FindKind, string> = {
  patient: 'patient',
  order: 'order',
  orders: 'order',
  results: 'results',
  report: 'results',
  specimen: 'specimen',
  notifications: 'notification',
};

/** Resource types a scenario reads or writes directly (`fhir` and `search`/`read` steps). */
function directTypes(l: LoadedScenario): string[] {
  const out = new Set<string>();
  for (const st of l.scenario.steps) {
    const p =
      st.type === 'fhir' ? st.path : st.type === 'expect-fhir' ? (st.search ?? st.read) : undefined;
    const m = p ? /^([A-Z][A-Za-z]+)/.exec(p) : null;
    if (m) out.add(m[1]!);
  }
  return [...out];
}

/** Can each scenario see what it needs, given what the probe found? */
export function coverageOf(
  scenarios: readonly LoadedScenario[],
  searches: readonly ProbedSearch[],
  caps: Capabilities | undefined,
): ScenarioCoverage[] {
  // An unconfirmed search may work: the scenario's positive controls tell at run time.
  const usable = (lookup: string) =>
    searches.filter(
      (s) => s.lookup === lookup && (s.support === 'supported' || s.support === 'unconfirmed'),
    );
  return scenarios.map((l) => {
    const s = l.scenario;
    const needs = new Set<string>();
    for (const st of s.steps)
      if (st.type === 'expect-fhir' && st.find) needs.add(KIND_LOOKUP[findKind(st.find)]);
    const gaps: string[] = [];
    for (const n of needs) if (usable(n).length === 0) gaps.push(`no usable ${n} lookup`);
    for (const t of directTypes(l))
      if (typeRuledOut(caps, t)) gaps.push(`${t} is not in the CapabilityStatement`);
    const ways = [...needs].map(
      (n) =>
        `${n}: ${
          usable(n)
            .map((x) => `${x.strategy}${x.support === 'unconfirmed' ? ' (unconfirmed)' : ''}`)
            .join(', ') || 'none'
        }`,
    );
    return {
      scenario: s.id,
      title: s.title,
      exercisable: gaps.length === 0,
      why: gaps.length
        ? gaps.join('; ')
        : ways.length
          ? ways.join('; ')
          : 'HL7 v2 and direct reads only',
    };
  });
}

/** Probe the FHIR side of a target. Never throws for what the target does. */
export async function probeCapabilities(o: {
  config: GoliveConfig;
  client: FhirClient | undefined;
  scenarios: readonly LoadedScenario[];
  keep?: (x: Omit<Exchange, 'id'>) => string;
  clock?: () => number;
}): Promise<ProbeCheckResult> {
  const t0 = (o.clock ?? Date.now)();
  const exchanges: Exchange[] = [];
  let n = 0;
  const sink = (x: Omit<Exchange, 'id'>) => {
    const id = o.keep ? o.keep(x) : `probe-${++n}`;
    exchanges.push({ id, ...x });
    return id;
  };
  const data: ProbeData = { searches: [], coverage: [] };
  let caps: Capabilities | undefined;
  let outcome: CheckResult['outcome'] = 'pass';
  let summary: string;
  if (!o.client) {
    outcome = 'skip';
    summary = 'No FHIR endpoint is configured (target.fhir): nothing to probe.';
  } else {
    const client = o.client.withSink(sink);
    const read: CapabilityRead = await readCapabilities(client);
    caps = read.ok ? read.caps : undefined;
    data.fhir = {
      baseUrl: client.baseUrl,
      capabilityStatement: read.ok,
      types: caps ? [...caps.types.keys()].sort() : [],
      ...(caps?.fhirVersion ? { fhirVersion: caps.fhirVersion } : {}),
      ...(caps?.software ? { software: caps.software } : {}),
      ...(read.ok ? {} : { problem: read.reason }),
    };
    if (!read.ok && read.unreachable) {
      outcome = 'error';
      summary = `The FHIR endpoint could not be reached: ${read.reason} (inconclusive).`;
    } else {
      const token = randomBytes(4).toString('hex');
      const silent = new Map<string, Promise<boolean>>();
      for (const c of candidates(o.config, token))
        data.searches.push(await trySearch(client, caps, c, silent));
      data.coverage = coverageOf(o.scenarios, data.searches, caps);
      const blind = data.coverage.filter((c) => !c.exercisable);
      const ok = data.searches.filter((s) => s.support === 'supported').length;
      if (data.searches.some((s) => s.support === 'no-answer')) outcome = 'error';
      summary = `${read.ok ? `CapabilityStatement${caps?.software ? ` of ${caps.software}` : ''} lists ${caps!.types.size} resource types` : `no CapabilityStatement (${read.reason})`}; ${ok} of ${data.searches.length} lookup searches usable; ${data.coverage.length - blind.length} of ${data.coverage.length} scenarios can be exercised${blind.length ? ` (not: ${blind.map((b) => b.scenario).join(', ')})` : ''}.`;
    }
  }
  return {
    check: 'target.capabilities',
    kind: 'probe',
    title: 'What the target supports (capability discovery)',
    domain: 'interop',
    criteria: [],
    outcome,
    summary,
    findings: [],
    measurements: {
      searches_usable: data.searches.filter((s) => s.support === 'supported').length,
      scenarios_exercisable: data.coverage.filter((c) => c.exercisable).length,
    },
    startedAt: new Date(t0).toISOString(),
    durationMs: (o.clock ?? Date.now)() - t0,
    exchanges,
    data,
  };
}

/** The probe as text for a terminal: capabilities, searches, coverage. */
export function renderProbe(r: ProbeCheckResult): string {
  const d: ProbeData = r.data ?? { searches: [], coverage: [] };
  const lines = [`target capabilities: ${r.summary}`];
  if (d.fhir)
    lines.push(
      `FHIR ${d.fhir.baseUrl}${d.fhir.fhirVersion ? ` (FHIR ${d.fhir.fhirVersion})` : ''}: ${d.fhir.types.length ? d.fhir.types.join(', ') : (d.fhir.problem ?? 'no resource types declared')}`,
    );
  if (d.searches.length) {
    lines.push('', 'lookups (target.lookups in golive.yaml):');
    const w = Math.max(...d.searches.map((s) => `${s.lookup} by ${s.strategy}`.length));
    for (const s of d.searches)
      lines.push(
        `  ${`${s.lookup} by ${s.strategy}`.padEnd(w)}  ${s.support.padEnd(12)}  ${s.detail}`,
      );
  }
  if (d.coverage.length) {
    lines.push('', 'scenarios on this target:');
    const w = Math.max(...d.coverage.map((c) => c.scenario.length));
    for (const c of d.coverage)
      lines.push(`  ${c.scenario.padEnd(w)}  ${c.exercisable ? 'yes' : 'NO '}  ${c.why}`);
  }
  return lines.join('\n');
}
