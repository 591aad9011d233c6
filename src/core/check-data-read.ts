/**
 * Reading `data` of a check result that came back from an evidence store. Stored JSON is
 * untrusted: a record written by an older version, or edited, may carry anything. Each reader
 * checks the shape its kind documents (check-data.ts), builds a fresh typed value from what it
 * checked, and otherwise says why the data is unreadable, so a report or review can say so
 * instead of throwing. No casts: what a reader returns is what it looked at.
 */
import type {
  FailoverData,
  LoadData,
  LoadSeriesPoint,
  NotApplicable,
  ProbeData,
  ProbedSearch,
  ScenarioCoverage,
  ScenarioData,
  SearchSupport,
  StepResult,
  ThresholdResult,
} from './check-data.js';
import type { Attestation } from './attestation.js';
import type { CheckKind, CheckResult, StoredCheckResult } from './evidence.js';
import type { Outcome } from './result.js';

/**
 * What a reader found: `none` when the result is of another kind or carries no data, `ok` with
 * the checked value, or `unreadable` with the first thing that did not fit, in words.
 */
export type DataRead<T> =
  { state: 'none' } | { state: 'ok'; data: T } | { state: 'unreadable'; why: string };

type Obj = Record<string, unknown>;

/** Thrown inside a reader only; every exported reader turns it into `unreadable`. */
class ShapeError extends Error {}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, at: string): Obj {
  if (!isObj(v)) throw new ShapeError(`${at} is not an object`);
  return v;
}

function list(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) throw new ShapeError(`${at} is not a list`);
  return v;
}

function str(o: Obj, k: string, at: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new ShapeError(`${at}.${k} is not text`);
  return v;
}

function num(o: Obj, k: string, at: string): number {
  const v = o[k];
  if (typeof v !== 'number') throw new ShapeError(`${at}.${k} is not a number`);
  return v;
}

function bool(o: Obj, k: string, at: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw new ShapeError(`${at}.${k} is not true or false`);
  return v;
}

function optStr(o: Obj, k: string, at: string): string | undefined {
  return o[k] === undefined ? undefined : str(o, k, at);
}

function optNum(o: Obj, k: string, at: string): number | undefined {
  return o[k] === undefined ? undefined : num(o, k, at);
}

function numberRecord(v: unknown, at: string): Record<string, number> {
  const o = obj(v, at);
  const out: Record<string, number> = {};
  for (const k of Object.keys(o)) out[k] = num(o, k, at);
  return out;
}

function stringRecord(v: unknown, at: string): Record<string, string> {
  const o = obj(v, at);
  const out: Record<string, string> = {};
  for (const k of Object.keys(o)) out[k] = str(o, k, at);
  return out;
}

function strings(v: unknown, at: string): string[] {
  return list(v, at).map((x, i) => {
    if (typeof x !== 'string') throw new ShapeError(`${at}[${i}] is not text`);
    return x;
  });
}

function outcome(o: Obj, k: string, at: string): Outcome {
  const v = o[k];
  if (v === 'pass' || v === 'fail' || v === 'error' || v === 'skip') return v;
  throw new ShapeError(`${at}.${k} is not pass, fail, error or skip`);
}

/** Run a reader over the data of a result of `kind`; shape problems become `unreadable`. */
function readKind<T>(
  r: StoredCheckResult,
  kind: CheckKind,
  read: (data: unknown) => T,
): DataRead<T> {
  if (r.kind !== kind || r.data === undefined) return { state: 'none' };
  try {
    return { state: 'ok', data: read(r.data) };
  } catch (e) {
    if (e instanceof ShapeError) return { state: 'unreadable', why: e.message };
    throw e;
  }
}

/** The data when it was read, else undefined (absent or unreadable alike). */
export function dataOf<T>(read: DataRead<T>): T | undefined {
  return read.state === 'ok' ? read.data : undefined;
}

// ---- scenario -------------------------------------------------------------------------------

function step(v: unknown, at: string): StepResult {
  const o = obj(v, at);
  const ids = o['exchangeIds'];
  const id = optStr(o, 'id', at);
  const expected = optStr(o, 'expected', at);
  const actual = optStr(o, 'actual', at);
  return {
    index: num(o, 'index', at),
    ...(id !== undefined ? { id } : {}),
    type: str(o, 'type', at),
    title: str(o, 'title', at),
    outcome: outcome(o, 'outcome', at),
    message: str(o, 'message', at),
    ...(expected !== undefined ? { expected } : {}),
    ...(actual !== undefined ? { actual } : {}),
    startedAt: str(o, 'startedAt', at),
    durationMs: num(o, 'durationMs', at),
    // Older records may leave the list out: no exchanges is what that means.
    exchangeIds: ids === undefined ? [] : strings(ids, `${at}.exchangeIds`),
  };
}

function attestation(v: unknown, at: string): Attestation {
  const o = obj(v, at);
  const reference = optStr(o, 'reference', at);
  return {
    criterion: str(o, 'criterion', at),
    statement: str(o, 'statement', at),
    attestedBy: str(o, 'attestedBy', at),
    role: str(o, 'role', at),
    at: str(o, 'at', at),
    holds: bool(o, 'holds', at),
    ...(reference !== undefined ? { reference } : {}),
  };
}

function notApplicable(v: unknown, at: string): NotApplicable {
  const o = obj(v, at);
  return {
    step: num(o, 'step', at),
    reason: str(o, 'reason', at),
    manualEvidence: str(o, 'manualEvidence', at),
  };
}

function scenario(v: unknown): ScenarioData {
  const o = obj(v, 'data');
  if (o['steps'] === undefined) throw new ShapeError('data.steps is missing');
  const out: ScenarioData = {
    steps: list(o['steps'], 'data.steps').map((s, i) => step(s, `data.steps[${i}]`)),
  };
  if (o['variables'] !== undefined) out.variables = stringRecord(o['variables'], 'data.variables');
  if (o['attestations'] !== undefined)
    out.attestations = list(o['attestations'], 'data.attestations').map((a, i) =>
      attestation(a, `data.attestations[${i}]`),
    );
  if (o['notApplicable'] !== undefined)
    out.notApplicable = notApplicable(o['notApplicable'], 'data.notApplicable');
  return out;
}

/**
 * Steps of a scenario result made in this process (its type is trusted: the compiler checked
 * the producer); none for other kinds. A stored result goes through readScenarioData instead.
 */
export function stepsOf(r: CheckResult): StepResult[] {
  return r.kind === 'scenario' ? (r.data?.steps ?? []) : [];
}

/** Steps, variables, attestations and the not-applicable note of a stored scenario result. */
export function readScenarioData(r: StoredCheckResult): DataRead<ScenarioData> {
  return readKind(r, 'scenario', scenario);
}

// ---- load -----------------------------------------------------------------------------------

function point(v: unknown, at: string): LoadSeriesPoint {
  const o = obj(v, at);
  return {
    t: num(o, 't', at),
    sent: num(o, 'sent', at),
    completed: num(o, 'completed', at),
    errors: num(o, 'errors', at),
    p50: num(o, 'p50', at),
    p90: num(o, 'p90', at),
    p99: num(o, 'p99', at),
    max: num(o, 'max', at),
  };
}

function threshold(v: unknown, at: string): ThresholdResult {
  const o = obj(v, at);
  return {
    metric: str(o, 'metric', at),
    expression: str(o, 'expression', at),
    ok: bool(o, 'ok', at),
    actual: num(o, 'actual', at),
    ...(o['measured'] !== undefined ? { measured: bool(o, 'measured', at) } : {}),
  };
}

function load(v: unknown): LoadData {
  const o = obj(v, 'data');
  const targetRate = optNum(o, 'targetRate', 'data');
  const achievedRate = optNum(o, 'achievedRate', 'data');
  return {
    series: list(o['series'], 'data.series').map((p, i) => point(p, `data.series[${i}]`)),
    histogram: list(o['histogram'], 'data.histogram').map((b, i) => {
      const at = `data.histogram[${i}]`;
      const bucket = obj(b, at);
      return { upToMs: num(bucket, 'upToMs', at), count: num(bucket, 'count', at) };
    }),
    percentiles:
      o['percentiles'] === undefined ? {} : numberRecord(o['percentiles'], 'data.percentiles'),
    accounting:
      o['accounting'] === undefined ? {} : numberRecord(o['accounting'], 'data.accounting'),
    thresholds:
      o['thresholds'] === undefined
        ? []
        : list(o['thresholds'], 'data.thresholds').map((t, i) =>
            threshold(t, `data.thresholds[${i}]`),
          ),
    ...(targetRate !== undefined ? { targetRate } : {}),
    ...(achievedRate !== undefined ? { achievedRate } : {}),
  };
}

/** What a report draws of a load result: series, histogram, percentiles, accounting, thresholds. */
export function readLoadData(r: StoredCheckResult): DataRead<LoadData> {
  return readKind(r, 'load', load);
}

/** The action and the measured recovery of a failover result (what a report shows). */
export type FailoverSummary = Pick<FailoverData, 'recoveryMs'> & { action: string };

function failover(v: unknown): FailoverSummary {
  const o = obj(v, 'data');
  const recoveryMs = optNum(o, 'recoveryMs', 'data');
  return { action: str(o, 'action', 'data'), ...(recoveryMs !== undefined ? { recoveryMs } : {}) };
}

export function readFailoverData(r: StoredCheckResult): DataRead<FailoverSummary> {
  return readKind(r, 'failover', failover);
}

// ---- probe ----------------------------------------------------------------------------------

const SUPPORT: readonly SearchSupport[] = [
  'supported',
  'unconfirmed',
  'ignored',
  'unsupported',
  'not-declared',
  'no-answer',
];

function support(o: Obj, at: string): SearchSupport {
  const v = o['support'];
  const found = SUPPORT.find((s) => s === v);
  if (found === undefined)
    throw new ShapeError(`${at}.support is not one of ${SUPPORT.join(', ')}`);
  return found;
}

function search(v: unknown, at: string): ProbedSearch {
  const o = obj(v, at);
  return {
    lookup: str(o, 'lookup', at),
    strategy: str(o, 'strategy', at),
    query: str(o, 'query', at),
    support: support(o, at),
    detail: str(o, 'detail', at),
  };
}

function coverage(v: unknown, at: string): ScenarioCoverage {
  const o = obj(v, at);
  return {
    scenario: str(o, 'scenario', at),
    title: str(o, 'title', at),
    exercisable: bool(o, 'exercisable', at),
    why: str(o, 'why', at),
  };
}

function probe(v: unknown): ProbeData {
  const o = obj(v, 'data');
  const out: ProbeData = {
    searches: list(o['searches'], 'data.searches').map((s, i) => search(s, `data.searches[${i}]`)),
    coverage: list(o['coverage'], 'data.coverage').map((c, i) =>
      coverage(c, `data.coverage[${i}]`),
    ),
  };
  if (o['fhir'] !== undefined) {
    const at = 'data.fhir';
    const f = obj(o['fhir'], at);
    const fhirVersion = optStr(f, 'fhirVersion', at);
    const software = optStr(f, 'software', at);
    const problem = optStr(f, 'problem', at);
    out.fhir = {
      baseUrl: str(f, 'baseUrl', at),
      capabilityStatement: bool(f, 'capabilityStatement', at),
      types: strings(f['types'], `${at}.types`),
      ...(fhirVersion !== undefined ? { fhirVersion } : {}),
      ...(software !== undefined ? { software } : {}),
      ...(problem !== undefined ? { problem } : {}),
    };
  }
  return out;
}

/** What the capability probe found: the FHIR server, each lookup search, scenario coverage. */
export function readProbeData(r: StoredCheckResult): DataRead<ProbeData> {
  return readKind(r, 'probe', probe);
}

/**
 * Why the data of a stored result cannot be read, for the kinds whose data a report or the
 * review reads; undefined when it is readable, absent, or of a kind nobody reads.
 */
export function dataProblem(r: StoredCheckResult): string | undefined {
  const read =
    r.kind === 'scenario'
      ? readScenarioData(r)
      : r.kind === 'load'
        ? readLoadData(r)
        : r.kind === 'failover'
          ? readFailoverData(r)
          : r.kind === 'probe'
            ? readProbeData(r)
            : undefined;
  return read?.state === 'unreadable' ? read.why : undefined;
}
