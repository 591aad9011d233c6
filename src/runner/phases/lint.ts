/**
 * The lint phase: the traffic files golive.yaml names and what the target forwarded to golive's
 * capture listener during the scenarios, through one engine (rules that look across messages,
 * such as identity, see both). The forwarded traffic is linted from memory; it is also written
 * to the reports folder as evidence, never read back.
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import type { Exchange } from '../../core/index.js';
import { LintEngine, lintToCheckResult } from '../../lint/index.js';
import { readHl7Inputs, readHl7Stream } from '../../inputs/index.js';
import { PHASE_TITLES } from '../plan.js';
import type { Phase } from './types.js';

export const FORWARDED_TRAFFIC_FILE = 'forwarded-traffic.hl7';

export const lintPhase: Phase<'lint'> = {
  id: 'lint',
  title: PHASE_TITLES.lint,
  async run(ctx) {
    const lint = ctx.inputs.lint!;
    const inputs = [...lint.inputs];
    const forwarded = lint.captured ? forwardedTraffic(ctx.exchanges) : '';
    const file = join(ctx.reportDir, FORWARDED_TRAFFIC_FILE);
    if (forwarded) {
      writeFileSync(file, forwarded);
      inputs.push(file);
    }
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    // "Now" for future-time checks is the real clock, even with --as-of: the traffic the
    // target forwarded during this run is stamped now, and older captures are in the past.
    const engine = new LintEngine({ config: lint.config, nowMs: Date.now() });
    if (lint.inputs.length) for await (const item of readHl7Inputs(lint.inputs)) engine.push(item);
    if (forwarded) {
      const stream = Readable.from([Buffer.from(forwarded, 'utf8')]);
      for await (const item of readHl7Stream(stream, file)) engine.push(item);
    }
    const result = engine.finish();
    const checks = lintToCheckResult(result, {
      inputs: inputs.map((f) => relative(process.cwd(), f)),
      startedAt,
      durationMs: performance.now() - t0,
    });
    const errors = result.findings.filter((f) => f.severity === 'error').length;
    return {
      checks,
      detail: `${result.summary.messages} message(s) from ${inputs.length} input(s): ${errors} error-level finding(s) listed`,
    };
  },
};

/** The HL7 messages the target forwarded to golive's capture listener, one per line. */
export function forwardedTraffic(exchanges: readonly Exchange[]): string {
  return exchanges
    .filter(
      (x) => x.protocol === 'mllp' && x.direction === 'inbound' && x.request.startsWith('MSH'),
    )
    .map((x) => `${x.request.replace(/\r?\n/g, '\r').replace(/\r+$/, '')}\r\n`)
    .join('');
}
