/**
 * The clean example as review tests run it: the same site, records and scenarios, with load
 * limits that cannot flip with the machine's speed (see wideProfile). Shared by the run tests.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT } from './cli.js';

const EX = resolve(ROOT, 'examples');

type Yaml = Record<string, unknown>;

/**
 * A copy of a load profile whose latency limits cannot flip with the machine's speed: ACK and
 * FHIR latency under 30 s (about 30 times the worst p99 seen with the suite loading 2 cores,
 * 1,046 ms, against 500 ms in the product's peak profile), recovery under 120 s, long drains and
 * run limits. What the review decides on stays exact: nothing lost, duplicated, dropped or in
 * error. The product's profiles and defaults are untouched; this is the test's own target.
 */
function wideProfile(file: string, o: { ackTimeout?: string } = {}): Yaml {
  const p = parse(readFileSync(file, 'utf8')) as Yaml;
  p.maxDuration = '300s';
  for (const ex of Object.values(p.executors as Record<string, Yaml>)) {
    if (!ex.mix) continue; // FHIR readers (concurrent-users) send no MLLP messages
    if (o.ackTimeout) ex.ackTimeout = o.ackTimeout;
    ex.maxInFlight = 100_000;
  }
  const th = p.thresholds as Record<string, string[]>;
  for (const k of ['ack_latency', 'fhir_latency'])
    if (th[k]) th[k] = th[k].map((t) => t.replace(/<\s*[\d.]+\s*(ms|s)$/, '<30s'));
  if (th['recovery_time']) th['recovery_time'] = ['value<120s'];
  const capture = (p.endToEnd as { capture?: Yaml } | undefined)?.capture;
  if (capture) capture.drain = '60s';
  return p;
}

/** Paths under examples/ made absolute, so the copied config reads the example's files. */
function absolutePaths(v: unknown): unknown {
  if (typeof v === 'string') return /^site(-clean)?\//.test(v) ? join(EX, v) : v;
  if (Array.isArray(v)) return v.map(absolutePaths);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, absolutePaths(x)]));
  return v;
}

/**
 * examples/golive-clean.yaml as the test runs it: the same site, records and scenarios, with
 * the peak and failover profiles widened (wideProfile). Written to `dir/golive-clean.yaml`.
 */
export function cleanConfigForTest(dir: string): string {
  const peak = join(dir, 'peak-wide.yaml');
  writeFileSync(
    peak,
    stringify(wideProfile(join(ROOT, 'src/load/builtin/peak.yaml'), { ackTimeout: '30s' })),
  );
  // Failover keeps its ACK timeout: when to give up on an ACK is part of what it tests.
  const failover = join(dir, 'failover-wide.yaml');
  writeFileSync(failover, stringify(wideProfile(join(EX, 'site/load/failover.yaml'))));
  const cfg = absolutePaths(parse(readFileSync(join(EX, 'golive-clean.yaml'), 'utf8'))) as Yaml;
  const load = cfg['load'] as Yaml & { failover: Yaml };
  load['profiles'] = [peak];
  load.failover = { ...load.failover, profile: failover, recoveryObjective: '120s' };
  const file = join(dir, 'golive-clean.yaml');
  writeFileSync(file, stringify(cfg));
  return file;
}
