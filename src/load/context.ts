/** Shared state of one load run, handed to every executor. */
import type { EndToEndTracker } from './end-to-end.js';
import type { RunStats } from './stats.js';
import type { CompiledTemplate, IdentifierSource, Subject } from './templates.js';

export interface RunContext {
  stats: RunStats;
  ids: IdentifierSource;
  templates: Map<string, CompiledTemplate>;
  mllp: { host: string; port: number };
  fhirBase?: string;
  e2e?: EndToEndTracker;
  /** Field paths a FHIR lookup will need from sent messages. */
  lookupFields: string[];
  /** Subjects registered and ordered before the run, used once each. */
  prepared: Subject[];
  preparedNext: number;
  /** Subjects the target accepted (for FHIR readers' searches); bounded. */
  known: Subject[];
  /** Set at the hard deadline: executors start nothing more. */
  stopping: boolean;
  /** Called for every AA with the intended send instant and the ACK instant (performance.now). */
  onAa?: (intendedAt: number, ackedAt: number) => void;
}

export const MAX_KNOWN = 10_000;

export function nextSubject(ctx: RunContext, prepared: boolean): Subject {
  if (prepared && ctx.preparedNext < ctx.prepared.length) return ctx.prepared[ctx.preparedNext++]!;
  return ctx.ids.subject();
}

export function remember(ctx: RunContext, s: Subject): void {
  if (ctx.known.length < MAX_KNOWN) ctx.known.push(s);
}

/** Sleep until `at` (performance.now) or at most `capMs`, whichever comes first. */
export function sleepUntil(at: number, capMs = 250): Promise<void> {
  const ms = Math.min(capMs, at - performance.now());
  if (ms < 1) return new Promise((r) => setImmediate(r));
  return new Promise((r) => setTimeout(r, ms));
}
