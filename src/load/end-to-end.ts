/**
 * End-to-end accounting: what the target acknowledged with AA must come out the other side
 * (forwarded to golive's capture listener, and/or findable over FHIR). Each such message ends
 * in exactly one class: delivered, lost, duplicated or reordered. Messages that were not
 * acknowledged but turned up anyway are reported apart (`unacknowledged-delivered`).
 *
 * Duplicated means filed twice: the same key forwarded under two different MSH-10s, or two
 * matches over FHIR. The same MSH-10 arriving twice is an MLLP redelivery (at-least-once after a
 * restart) that a receiver removes by MSH-10 (v2.5.1 2.10.1 sequence/duplicate handling); it is
 * counted apart as `redelivered`, not as a duplicate.
 */
import type { E2eClass } from '../core/index.js';
import { Hl7Message } from '../hl7/index.js';
import type { IncomingMessage } from '../transports/index.js';

export type { E2eClass } from '../core/index.js';
export const E2E_CLASSES = [
  'delivered',
  'lost',
  'duplicated',
  'reordered',
] as const satisfies readonly E2eClass[];

/** Something that emits the capture listener's `message` events (an MllpListener). */
export interface CaptureSource {
  on(event: 'message', fn: (m: IncomingMessage) => void): unknown;
  off(event: 'message', fn: (m: IncomingMessage) => void): unknown;
}

export type LookupClass = 'found' | 'missing' | 'duplicated' | 'failed';

export interface Reconciled {
  classes: Record<E2eClass, number>;
  unacknowledgedDelivered: number;
  redelivered: number;
  lostKeys: string[];
}

interface Tracked {
  /** Sending stream (executor and connection) and the position in it. */
  stream: string;
  seq: number;
  acked: boolean;
  /** Field values for a FHIR lookup. */
  vars?: Record<string, string>;
}

export class EndToEndTracker {
  private readonly sent = new Map<string, Tracked>();
  /** Keys in arrival order (every arrival, repeats included). */
  private readonly arrivals: string[] = [];
  private readonly arrivalCount = new Map<string, number>();
  /** Distinct MSH-10s each key arrived under. */
  private readonly arrivalIds = new Map<string, Set<string>>();
  private expectedAcked = 0;
  private arrivedAcked = 0;
  private waiter: (() => void) | undefined;
  private readonly listener = (m: IncomingMessage) => this.onArrival(m);
  unreadable = 0;

  constructor(
    private readonly keyPath: string,
    private readonly types: readonly string[],
    private readonly capture?: CaptureSource,
  ) {
    capture?.on('message', this.listener);
  }

  eligible(type: string): boolean {
    return this.types.includes(type);
  }

  /** Note a sent message (before its ACK); returns its key, or undefined when it has none. */
  noteSent(
    msg: Hl7Message,
    stream: string,
    seq: number,
    lookupFields: readonly string[],
  ): string | undefined {
    const key = msg.get(this.keyPath);
    if (key === undefined) return undefined;
    const t: Tracked = { stream, seq, acked: false };
    if (lookupFields.length) {
      t.vars = {};
      for (const f of lookupFields) t.vars[f] = msg.get(f) ?? '';
    }
    this.sent.set(key, t);
    return key;
  }

  noteAcked(key: string): void {
    const t = this.sent.get(key);
    if (!t || t.acked) return;
    t.acked = true;
    this.expectedAcked++;
    if (this.arrivalCount.has(key)) this.arrivedAcked++;
  }

  private onArrival(m: IncomingMessage): void {
    const key = m.message?.get(this.keyPath);
    if (key === undefined) {
      this.unreadable++;
      return;
    }
    this.arrivals.push(key);
    const id = m.message?.get('MSH-10') ?? '';
    const ids = this.arrivalIds.get(key);
    if (ids) ids.add(id);
    else this.arrivalIds.set(key, new Set([id]));
    const n = (this.arrivalCount.get(key) ?? 0) + 1;
    this.arrivalCount.set(key, n);
    if (n === 1 && this.sent.get(key)?.acked) {
      this.arrivedAcked++;
      if (this.arrivedAcked >= this.expectedAcked) this.waiter?.();
    }
  }

  /** Wait until every AA message has arrived once, or `ms` passes. */
  async drain(ms: number): Promise<void> {
    if (!this.capture || this.arrivedAcked >= this.expectedAcked) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiter = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.waiter = undefined;
  }

  stop(): void {
    this.capture?.off('message', this.listener);
  }

  /**
   * Classify every AA message by what the capture listener saw and, for looked-up messages,
   * what the FHIR server returned: missing anywhere is lost; then filed twice is duplicated;
   * then out of order is reordered.
   */
  reconcile(lookup?: Map<string, LookupClass>): Reconciled {
    const classes: Record<E2eClass, number> = {
      delivered: 0,
      lost: 0,
      duplicated: 0,
      reordered: 0,
    };
    const reordered = new Set<string>();
    const maxSeq = new Map<string, number>();
    const seen = new Set<string>();
    for (const key of this.arrivals) {
      if (seen.has(key)) continue;
      seen.add(key);
      const t = this.sent.get(key);
      if (!t?.acked) continue;
      const max = maxSeq.get(t.stream) ?? -1;
      // Arrived after a message that was sent later on the same connection.
      if (t.seq < max) reordered.add(key);
      else maxSeq.set(t.stream, t.seq);
    }
    let unacknowledgedDelivered = 0;
    let redelivered = 0;
    const lostKeys: string[] = [];
    for (const [key, t] of this.sent) {
      const n = this.arrivalCount.get(key) ?? 0;
      const distinct = this.arrivalIds.get(key)?.size ?? 0;
      if (!t.acked) {
        if (n > 0) unacknowledgedDelivered++;
        continue;
      }
      const l = lookup?.get(key);
      // Without a capture listener only looked-up messages are checked.
      if (!this.capture && (l === undefined || l === 'failed')) continue;
      if (n > distinct) redelivered++;
      if ((this.capture && n === 0) || l === 'missing') {
        classes.lost++;
        if (lostKeys.length < 20) lostKeys.push(key);
      } else if (distinct > 1 || l === 'duplicated') classes.duplicated++;
      else if (reordered.has(key)) classes.reordered++;
      else classes.delivered++;
    }
    return { classes, unacknowledgedDelivered, redelivered, lostKeys };
  }

  /** An even sample of the AA messages, for a FHIR lookup. */
  sample(n: number): { key: string; vars: Record<string, string> }[] {
    const acked = [...this.sent].filter(([, t]) => t.acked);
    const step = Math.max(1, acked.length / n);
    const out: { key: string; vars: Record<string, string> }[] = [];
    for (let i = 0; i < acked.length && out.length < n; i += step) {
      const [key, t] = acked[Math.floor(i)]!;
      out.push({ key, vars: t.vars ?? {} });
    }
    return out;
  }
}

const FIELD_TOKEN =
  /\{\{\s*([A-Z][A-Z0-9]{2}(?:\[\d+\])?[-.]\d+(?:\[\d+\])?(?:\.\d+){0,2})\s*\}\}/g;

/** Field paths a lookup path refers to (`{{OBR-3.1}}`). */
export function lookupFields(path: string): string[] {
  return [...path.matchAll(FIELD_TOKEN)].map((m) => m[1]!);
}

/**
 * Look each sampled message up over FHIR (a few requests at a time): a searchset with no match
 * is missing, more than one is duplicated. Transport failures and error statuses are `failed`:
 * they prove nothing either way.
 */
export async function fhirLookup(
  fhirBase: string,
  path: string,
  sample: { key: string; vars: Record<string, string> }[],
  opts: { timeoutMs?: number; concurrency?: number } = {},
): Promise<Map<string, LookupClass>> {
  const out = new Map<string, LookupClass>();
  const base = fhirBase.replace(/\/+$/, '');
  let next = 0;
  const one = async (s: { key: string; vars: Record<string, string> }): Promise<LookupClass> => {
    const rel = path.replace(FIELD_TOKEN, (_m, f: string) => encodeURIComponent(s.vars[f] ?? ''));
    try {
      const res = await fetch(`${base}/${rel.replace(/^\/+/, '')}`, {
        headers: { accept: 'application/fhir+json' },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      if (!res.ok) {
        await res.arrayBuffer();
        return 'failed';
      }
      const body = (await res.json()) as { entry?: { search?: { mode?: string } }[] };
      const matches = (body.entry ?? []).filter((e) => (e.search?.mode ?? 'match') === 'match');
      return matches.length === 0 ? 'missing' : matches.length > 1 ? 'duplicated' : 'found';
    } catch {
      return 'failed';
    }
  };
  const worker = async (): Promise<void> => {
    while (next < sample.length) {
      const s = sample[next++]!;
      out.set(s.key, await one(s));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  return out;
}
