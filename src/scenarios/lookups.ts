/**
 * Finding what a receiver stored, by the standard (FHIR R4 search, https://hl7.org/fhir/R4/search.html).
 *
 * A scenario says *what* it looks for (`find: { results: { order: '{{placer}}' } }`); the target
 * profile says *how* this site represents it (`target.lookups` in golive.yaml). Every default
 * strategy uses only what FHIR R4 defines: token search on an identifier's value with no system
 * (search.html#token: "[code] matches irrespective of the system"), identifier types from
 * v2-0203 (PLAC, FILL, MR) with the `:of-type` modifier, and the relations `basedOn`,
 * `DiagnosticReport.result` and `subject` + `code`. A site's own conventions (an identifier
 * system, an Observation identifier format) are opt-in strategies.
 *
 * Strategies of one kind are all asked and their answers united: a receiver that links
 * results by `basedOn` and one that only lists them in a DiagnosticReport are both seen.
 * Every answer is filtered again on the client by the relation it claims, so a server that
 * ignored a parameter (FHIR lets it, saying so only in `Bundle.link[self]`) cannot make
 * unrelated resources look like ours. What each strategy found (or why it could not ask)
 * is kept as a trace, and every message is built from it.
 */
import { z } from 'zod';
import type { GoliveConfig } from '../config/index.js';
import {
  FhirTransportError,
  isBundle,
  type FhirClient,
  type FhirResource,
  type FhirResponse,
} from '../fhir/index.js';
import { typeRuledOut, type Capabilities } from '../fhir/index.js';

/** v2-0203 identifier type codes (HL7 table 0203), as FHIR R4 names the system. */
export const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

const text = z.string().min(1);
const codes = z.union([text, z.array(text).min(1)]);

export const findSchema = z
  .union([
    z.strictObject({
      patient: text.meta({ description: 'The MRN golive sent in PID-3.' }),
    }),
    z.strictObject({
      order: z
        .union([text, z.strictObject({ placer: text.optional(), filler: text.optional() })])
        .meta({ description: 'Placer order number (ORC-2), or { placer, filler } (ORC-3).' }),
    }),
    z.strictObject({
      orders: z.strictObject({
        patient: text.meta({ description: 'MRN of the patient whose orders are listed.' }),
        status: text.optional().meta({ description: 'ServiceRequest.status to keep.' }),
      }),
    }),
    z.strictObject({
      results: z
        .strictObject({
          order: text.optional().meta({ description: 'Placer order number of the results.' }),
          patient: text.optional().meta({ description: 'MRN, when the order is not known.' }),
          code: codes.optional().meta({ description: 'OBX-3.1 code(s) to keep.' }),
        })
        .meta({ description: 'Observations filed for an order (or a patient).' }),
    }),
    z.strictObject({
      report: z.strictObject({ order: text }).meta({
        description: 'DiagnosticReports of an order (a target without them: not applicable).',
      }),
    }),
    z.strictObject({
      specimen: text.meta({ description: 'Accession or specimen id golive sent (SPM-2/OBR-20).' }),
    }),
    z.strictObject({
      notifications: z.strictObject({ patient: text }).meta({
        description: 'Notifications raised for a patient (Communication, Flag, Task).',
      }),
    }),
  ])
  .meta({
    description:
      'What to find on the receiver; how is the target profile (target.lookups in golive.yaml).',
  });
export type FindSpec = z.output<typeof findSchema>;
export type FindKind =
  'patient' | 'order' | 'orders' | 'results' | 'report' | 'specimen' | 'notifications';

export function findKind(f: FindSpec): FindKind {
  return Object.keys(f)[0] as FindKind;
}

/** The golive.yaml key that configures a kind's strategies. */
export function lookupKey(kind: FindKind): string {
  switch (kind) {
    case 'orders':
      return 'order';
    case 'notifications':
      return 'notification';
    case 'report':
      return 'results';
    default:
      return kind;
  }
}

/** One strategy's answer. */
export interface StrategyTrace {
  strategy: string;
  /** What was asked (type?query), for the evidence. */
  query?: string;
  /** Resources it found after the client-side check of the relation. */
  found?: number;
  /** Why it could not ask (unsupported search, parameter ignored, missing input). */
  unsupported?: string;
}

export interface FindResult {
  resources: FhirResource[];
  /** Raw response texts (decimals exactly as the server wrote them). */
  texts: string[];
  trace: StrategyTrace[];
  /** No strategy could ask the target anything: nothing was learnt. */
  blind: boolean;
  /** The lookup needed another resource first and did not find it (e.g. the order). */
  missing?: string;
  /** The target gave no usable answer (connection failure or 5xx). */
  transport?: string;
  /**
   * The golive.yaml lookup to look at when this find saw nothing: the one that could not ask,
   * or the one on the way that found nothing (the order's, for an order's results).
   */
  lookupToFix?: string;
}

interface Lookups {
  patient: string[];
  order: string[];
  results: string[];
  specimen: string[];
  notification: string[];
  observationIdentifier?: string;
}

type Render = (text: string, extra?: ReadonlyMap<string, string>) => string;

/** Reference `Type/id` of a resource, or of a reference (relative, absolute, versioned). */
export function refKey(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const parts = ref.replace(/\/_history\/[^/]+$/, '').split('/');
  return parts.length >= 2 ? `${parts[parts.length - 2]}/${parts[parts.length - 1]}` : undefined;
}

const keyOf = (r: FhirResource) => `${r.resourceType}/${r.id}`;

interface Identifier {
  system?: string;
  value?: string;
  type?: { coding?: { system?: string; code?: string }[] };
}

function hasIdentifier(r: FhirResource, value: string, field = 'identifier'): boolean {
  const v = r[field] as Identifier | Identifier[] | undefined;
  return [v ?? []].flat().some((i) => i?.value === value);
}

function refs(v: unknown): string[] {
  return [v ?? []]
    .flat()
    .map((x) => refKey((x as { reference?: string })?.reference))
    .filter((x): x is string => !!x);
}

function hasCode(r: FhirResource, wanted: readonly string[]): boolean {
  const code = r.code as { coding?: { code?: string }[] } | undefined;
  return (code?.coding ?? []).some((c) => c.code !== undefined && wanted.includes(c.code));
}

/** Parameters the server says it applied, from `Bundle.link[self]` (undefined: no self link). */
export function appliedParams(body: unknown): Set<string> | undefined {
  if (!isBundle(body)) return undefined;
  const self = body.link?.find((l) => l.relation === 'self')?.url;
  if (!self) return undefined;
  try {
    const u = new URL(self, 'http://x/');
    return new Set([...u.searchParams.keys()].map((k) => k.split(':')[0]!));
  } catch {
    return undefined;
  }
}

/** Parameters of a query that filter (paging and includes are not filters). */
function filterParams(query: string): string[] {
  return [...new URLSearchParams(query).keys()]
    .map((k) => k.split(':')[0]!)
    .filter((k) => !['_count', '_include', '_revinclude', '_sort', '_elements'].includes(k));
}

function diagnostics(res: FhirResponse): string {
  const b = res.body as { resourceType?: string; issue?: { diagnostics?: string }[] };
  const d = b?.resourceType === 'OperationOutcome' ? b.issue?.[0]?.diagnostics : undefined;
  return d ? `HTTP ${res.status}: ${d.slice(0, 160)}` : `HTTP ${res.status}`;
}

class TransportFailure extends Error {}

/** One lookup's state: the client, what it asked, what it learnt. */
class Finder {
  readonly trace: StrategyTrace[] = [];
  readonly texts: string[] = [];
  private readonly cache = new Map<string, FhirResource[] | string>();
  constructor(
    private readonly client: FhirClient,
    private readonly lookups: Lookups,
    private readonly render: Render,
    private readonly caps: Capabilities | undefined,
  ) {}

  /**
   * Ask one search; keep the resources `keep` accepts. Returns a reason string when the
   * search cannot be used on this target (4xx, or a filtering parameter the server ignored).
   */
  async ask(
    type: string,
    query: string,
    keep: (r: FhirResource) => boolean,
  ): Promise<FhirResource[] | string> {
    const key = `${type}?${query}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return typeof cached === 'string' ? cached : cached.filter(keep);
    if (typeRuledOut(this.caps, type)) return `${type} is not in the CapabilityStatement`;
    let res: FhirResponse;
    try {
      res = await this.client.searchAll(type, query);
    } catch (e) {
      if (e instanceof FhirTransportError) throw new TransportFailure(e.message);
      throw e;
    }
    if (res.status >= 500) throw new TransportFailure(`${key}: ${diagnostics(res)}`);
    let out: FhirResource[] | string;
    if (res.status !== 200 || !isBundle(res.body)) {
      out = `not supported (${diagnostics(res)})`;
    } else {
      const applied = appliedParams(res.body);
      const ignored = applied ? filterParams(query).filter((p) => !applied.has(p)) : [];
      if (ignored.length > 0) {
        out = `the server ignored ${ignored.join(', ')} (left out of Bundle.link self)`;
      } else {
        this.texts.push(res.text);
        out = (res.body.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
      }
    }
    this.cache.set(key, out);
    return typeof out === 'string' ? out : out.filter(keep);
  }

  /** Run strategies, unite what they found (deduplicated), trace each. */
  async unite(
    strategies: {
      name: string;
      type?: string;
      query?: string;
      keep?: (r: FhirResource) => boolean;
      run?: () => Promise<FhirResource[] | string>;
    }[],
  ): Promise<{ resources: FhirResource[]; asked: number }> {
    const byKey = new Map<string, FhirResource>();
    let asked = 0;
    for (const s of strategies) {
      const got = s.run ? await s.run() : await this.ask(s.type!, s.query!, s.keep!);
      const query = s.type ? `${s.type}?${s.query}` : undefined;
      if (typeof got === 'string') {
        this.trace.push({ strategy: s.name, query, unsupported: got });
        continue;
      }
      asked++;
      this.trace.push({ strategy: s.name, query, found: got.length });
      for (const r of got) byKey.set(keyOf(r), r);
    }
    return { resources: [...byKey.values()], asked };
  }

  identifierStrategies(
    type: string,
    names: string[],
    value: string,
    typeCode: string,
    system: string | undefined,
  ) {
    const enc = encodeURIComponent;
    return names.map((name) => {
      const keep = (r: FhirResource) => r.resourceType === type && hasIdentifier(r, value);
      switch (name) {
        case 'identifier-type':
          return {
            name,
            type,
            query: `identifier:of-type=${enc(`${V2_0203}|${typeCode}|${value}`)}`,
            keep,
          };
        case 'identifier-system':
          return system
            ? { name, type, query: `identifier=${enc(`${system}|${value}`)}`, keep }
            : { name, run: async () => 'no identifier system configured (site.identifiers)' };
        default:
          return { name, type, query: `identifier=${enc(value)}`, keep };
      }
    });
  }

  /** `label` names a lookup made on the way to another ("order by identifier: 1"). */
  async patients(mrn: string, config: GoliveConfig, label = '') {
    const s = this.identifierStrategies(
      'Patient',
      this.lookups.patient,
      mrn,
      'MR',
      config.site.identifiers.mrnSystem,
    );
    return this.unite(s.map((x) => ({ ...x, name: `${label}${x.name}` })));
  }

  async orders(
    placer: string | undefined,
    filler: string | undefined,
    config: GoliveConfig,
    label = '',
  ) {
    const ids = config.site.identifiers;
    const s = [
      ...(placer
        ? this.identifierStrategies(
            'ServiceRequest',
            this.lookups.order,
            placer,
            'PLAC',
            ids.placerSystem,
          )
        : []),
      ...(filler
        ? this.identifierStrategies(
            'ServiceRequest',
            this.lookups.order,
            filler,
            'FILL',
            ids.fillerSystem,
          )
        : []),
    ];
    return this.unite(s.map((x) => ({ ...x, name: `${label}${x.name}` })));
  }

  /** Observations of the given orders (or patient), by every configured relation. */
  async results(
    orders: FhirResource[],
    patients: FhirResource[],
    code: string[] | undefined,
    vars: ReadonlyMap<string, string>,
  ) {
    const enc = encodeURIComponent;
    const orderRefs = new Set(orders.map(keyOf));
    const subjects = new Set([...orders.flatMap((o) => refs(o.subject)), ...patients.map(keyOf)]);
    const codeOk = (r: FhirResource) => !code || hasCode(r, code);
    const linked = (r: FhirResource) => refs(r.basedOn).some((x) => orderRefs.has(x));
    const strategies: Parameters<Finder['unite']>[0] = [];
    for (const name of this.lookups.results) {
      if (name === 'based-on') {
        for (const o of orderRefs)
          strategies.push({
            name,
            type: 'Observation',
            query: `based-on=${enc(o)}`,
            keep: (r) => r.resourceType === 'Observation' && linked(r) && codeOk(r),
          });
      } else if (name === 'report') {
        for (const o of orderRefs) strategies.push({ name, run: () => this.viaReports(o, codeOk) });
      } else if (name === 'subject-code') {
        if (!code) {
          strategies.push({ name, run: async () => 'needs a code to search by subject' });
          continue;
        }
        for (const p of subjects)
          strategies.push({
            name,
            type: 'Observation',
            query: `subject=${enc(p)}&code=${enc(code.join(','))}`,
            // Same patient and code; a result linked to another order is not this order's.
            keep: (r) =>
              r.resourceType === 'Observation' &&
              refs(r.subject).includes(p) &&
              codeOk(r) &&
              (orderRefs.size === 0 || refs(r.basedOn).length === 0 || linked(r)),
          });
      } else if (name === 'identifier') {
        const tpl = this.lookups.observationIdentifier;
        if (!tpl || !code) {
          strategies.push({
            name,
            run: async () =>
              !tpl ? 'no target.lookups.observationIdentifier configured' : 'needs a code',
          });
          continue;
        }
        const values = code.map((c) => this.render(tpl, new Map([...vars, ['code', c]])));
        strategies.push({
          name,
          type: 'Observation',
          query: `identifier=${values.map(enc).join(',')}`,
          keep: (r) =>
            r.resourceType === 'Observation' &&
            [r.identifier ?? []].flat().some((i) => {
              const id = i as Identifier;
              return (
                values.includes(`${id.system ?? ''}|${id.value ?? ''}`) ||
                values.includes(id.value ?? '')
              );
            }),
        });
      }
    }
    return this.unite(strategies);
  }

  /** Observations listed in the DiagnosticReports of one order (`_include` or read). */
  private async viaReports(
    orderRef: string,
    codeOk: (r: FhirResource) => boolean,
  ): Promise<FhirResource[] | string> {
    const byOrder = `based-on=${encodeURIComponent(orderRef)}`;
    let reports = await this.ask(
      'DiagnosticReport',
      `${byOrder}&_include=DiagnosticReport:result`,
      () => true,
    );
    // _include is optional for a server (search.html#include): without it, read what is listed.
    if (typeof reports === 'string')
      reports = await this.ask('DiagnosticReport', byOrder, () => true);
    if (typeof reports === 'string') return reports;
    const mine = reports.filter(
      (r) => r.resourceType === 'DiagnosticReport' && refs(r.basedOn).includes(orderRef),
    );
    const listed = new Set(mine.flatMap((r) => refs(r.result)));
    const out = reports.filter((r) => r.resourceType === 'Observation' && listed.has(keyOf(r)));
    // A server without _include: read what the reports list.
    for (const ref of listed) {
      if (out.some((r) => keyOf(r) === ref)) continue;
      const res = await this.client.request('GET', ref).catch((e: unknown) => {
        if (e instanceof FhirTransportError) throw new TransportFailure(e.message);
        throw e;
      });
      if (res.status >= 500) throw new TransportFailure(`${ref}: ${diagnostics(res)}`);
      if (res.status === 200 && (res.body as FhirResource)?.resourceType === 'Observation') {
        this.texts.push(res.text);
        out.push(res.body as FhirResource);
      }
    }
    return out.filter(codeOk);
  }

  async reports(orders: FhirResource[]) {
    const enc = encodeURIComponent;
    return this.unite(
      [...new Set(orders.map(keyOf))].map((o) => ({
        name: 'report',
        type: 'DiagnosticReport',
        query: `based-on=${enc(o)}`,
        keep: (r: FhirResource) =>
          r.resourceType === 'DiagnosticReport' && refs(r.basedOn).includes(o),
      })),
    );
  }

  async specimens(value: string) {
    const enc = encodeURIComponent;
    return this.unite(
      this.lookups.specimen.map((name) =>
        name === 'accession'
          ? {
              name,
              type: 'Specimen',
              query: `accession=${enc(value)}`,
              keep: (r: FhirResource) => hasIdentifier(r, value, 'accessionIdentifier'),
            }
          : {
              name,
              type: 'Specimen',
              query: `identifier=${enc(value)}`,
              keep: (r: FhirResource) => hasIdentifier(r, value),
            },
      ),
    );
  }

  async notifications(patients: FhirResource[]) {
    const enc = encodeURIComponent;
    const s: Parameters<Finder['unite']>[0] = [];
    for (const p of patients.map(keyOf)) {
      for (const name of this.lookups.notification) {
        // Communication.subject, Flag.subject, Task.for: the patient concerned (R4 search params).
        const [type, param, field] =
          name === 'flag'
            ? ['Flag', 'subject', 'subject']
            : name === 'task'
              ? ['Task', 'patient', 'for']
              : ['Communication', 'subject', 'subject'];
        s.push({
          name,
          type,
          query: `${param}=${enc(p)}`,
          keep: (r: FhirResource) => r.resourceType === type && refs(r[field]).includes(p),
        });
      }
    }
    return this.unite(s);
  }
}

/** The strategies golive.yaml gives (defaults: the standard only). */
function lookupsOf(config: GoliveConfig): Lookups {
  const l = config.target.lookups;
  return {
    patient: l.patient,
    order: l.order,
    results: l.results,
    specimen: l.specimen,
    notification: l.notification,
    observationIdentifier: l.observationIdentifier,
  };
}

/** Find what a spec names on the target. Throws only on bugs. */
export async function find(
  spec: FindSpec,
  client: FhirClient,
  config: GoliveConfig,
  render: Render,
  vars: ReadonlyMap<string, string>,
  caps?: Capabilities,
): Promise<FindResult> {
  const f = new Finder(client, lookupsOf(config), render, caps);
  const done = (
    r: { resources: FhirResource[]; asked: number },
    missing?: string,
    lookupToFix?: string,
  ): FindResult => ({
    resources: r.resources,
    texts: f.texts,
    trace: f.trace,
    blind: r.asked === 0 && !missing,
    missing,
    ...(lookupToFix ? { lookupToFix } : {}),
  });
  const none = { resources: [], asked: 0 };
  try {
    if ('patient' in spec) return done(await f.patients(render(spec.patient), config));
    if ('order' in spec) {
      const o = typeof spec.order === 'string' ? { placer: spec.order } : spec.order;
      return done(
        await f.orders(
          o.placer === undefined ? undefined : render(o.placer),
          o.filler === undefined ? undefined : render(o.filler),
          config,
        ),
      );
    }
    if ('specimen' in spec) return done(await f.specimens(render(spec.specimen)));
    if ('orders' in spec) {
      const mrn = render(spec.orders.patient);
      const p = await f.patients(mrn, config, 'patient by ');
      if (p.asked === 0) return done(p);
      if (p.resources.length === 0) return done(none, `patient ${mrn} was not found`, 'patient');
      const status = spec.orders.status;
      const enc = encodeURIComponent;
      return done(
        await f.unite(
          p.resources.map((pt) => ({
            name: 'subject',
            type: 'ServiceRequest',
            query: `subject=${enc(keyOf(pt))}${status ? `&status=${enc(status)}` : ''}`,
            keep: (r: FhirResource) =>
              r.resourceType === 'ServiceRequest' &&
              refs(r.subject).includes(keyOf(pt)) &&
              (!status || r.status === status),
          })),
        ),
      );
    }
    if ('notifications' in spec) {
      const mrn = render(spec.notifications.patient);
      const p = await f.patients(mrn, config, 'patient by ');
      if (p.asked === 0) return done(p);
      if (p.resources.length === 0) return done(none, `patient ${mrn} was not found`, 'patient');
      return done(await f.notifications(p.resources));
    }
    if ('report' in spec) {
      const placer = render(spec.report.order);
      const o = await f.orders(placer, undefined, config, 'order by ');
      if (o.asked === 0) return done(o);
      if (o.resources.length === 0) return done(none, `order ${placer} was not found`, 'order');
      return done(await f.reports(o.resources));
    }
    const r = spec.results;
    const code = r.code === undefined ? undefined : [r.code].flat().map((c) => render(c));
    let orders: FhirResource[] = [];
    let patients: FhirResource[] = [];
    if (r.order !== undefined) {
      const placer = render(r.order);
      const o = await f.orders(placer, undefined, config, 'order by ');
      if (o.asked === 0) return done(o);
      if (o.resources.length === 0) return done(none, `order ${placer} was not found`, 'order');
      orders = o.resources;
    } else if (r.patient !== undefined) {
      const mrn = render(r.patient);
      const p = await f.patients(mrn, config, 'patient by ');
      if (p.asked === 0) return done(p);
      if (p.resources.length === 0) return done(none, `patient ${mrn} was not found`, 'patient');
      patients = p.resources;
    }
    return done(await f.results(orders, patients, code, vars));
  } catch (e) {
    if (!(e instanceof TransportFailure)) throw e;
    return { resources: [], texts: f.texts, trace: f.trace, blind: false, transport: e.message };
  }
}

/** What was looked for, in words: "Observations of order P123 (code 2823-3)". */
export function describeFind(spec: FindSpec, render: (s: string) => string): string {
  if ('patient' in spec) return `patient ${render(spec.patient)}`;
  if ('order' in spec) {
    const o = typeof spec.order === 'string' ? { placer: spec.order } : spec.order;
    return `order ${[o.placer && `placer ${render(o.placer)}`, o.filler && `filler ${render(o.filler)}`].filter(Boolean).join(', ')}`;
  }
  if ('orders' in spec)
    return `orders of patient ${render(spec.orders.patient)}${spec.orders.status ? ` (${spec.orders.status})` : ''}`;
  if ('specimen' in spec) return `specimen ${render(spec.specimen)}`;
  if ('notifications' in spec)
    return `notifications for patient ${render(spec.notifications.patient)}`;
  if ('report' in spec) return `reports of order ${render(spec.report.order)}`;
  const r = spec.results;
  const of = r.order
    ? `order ${render(r.order)}`
    : r.patient
      ? `patient ${render(r.patient)}`
      : 'any order';
  const code = r.code
    ? ` (code ${[r.code]
        .flat()
        .map((c) => render(c))
        .join(', ')})`
    : '';
  return `results of ${of}${code}`;
}

/** The trace in one line: "based-on: 1; report: not supported (HTTP 404); subject-code: 1". */
export function describeTrace(r: FindResult): string {
  const parts = r.trace.map((t) =>
    t.unsupported !== undefined ? `${t.strategy}: ${t.unsupported}` : `${t.strategy}: ${t.found}`,
  );
  if (r.missing) parts.unshift(r.missing);
  return parts.join('; ') || 'nothing asked';
}

/** Counts by resource type: "2 Observation(s)". */
export function describeFound(resources: readonly FhirResource[]): string {
  if (resources.length === 0) return 'nothing';
  const n = new Map<string, number>();
  for (const r of resources) n.set(r.resourceType, (n.get(r.resourceType) ?? 0) + 1);
  return [...n].map(([t, c]) => `${c} ${t}`).join(', ');
}
