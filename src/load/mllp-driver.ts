/**
 * Open-model MLLP executors (constant-rate, burst, ramping-rate): iterations start at their
 * scheduled instants whatever the target does. Each send's latency runs from its *intended*
 * instant, so when the generator or the target falls behind the delay shows in the figures.
 * An iteration that falls due while `maxInFlight` messages are unanswered is dropped and
 * counted, never silently skipped. Sends are spread over the executor's connections; each
 * connection keeps many messages in flight (MllpClient matches ACKs by MSA-2).
 */
import { Hl7Message, formatDtm } from '../hl7/index.js';
import { MllpClient } from '../transports/index.js';
import type { RunContext } from './context.js';
import { nextSubject, remember, sleepUntil } from './context.js';
import type { OpenExecutorConfig } from './profile-schema.js';
import { scheduleOf } from './schedule.js';
import { classify } from './stats.js';
import { WeightedPicker, type CompiledTemplate, type Subject } from './templates.js';

export interface ExecutorHandle {
  done: Promise<void>;
  /** Close this executor's connections (after `done`). */
  close(): Promise<void>;
}

export function startOpenExecutor(
  ctx: RunContext,
  name: string,
  cfg: OpenExecutorConfig,
): ExecutorHandle {
  const clients = Array.from(
    { length: cfg.connections },
    () =>
      new MllpClient({
        host: ctx.mllp.host,
        port: ctx.mllp.port,
        ackTimeoutMs: cfg.ackTimeout,
        connectTimeoutMs: 2000,
        retries: 0,
      }),
  );
  const picker = new WeightedPicker(
    Object.entries(cfg.mix).map(([k, weight]) => ({ item: ctx.templates.get(k)!, weight })),
  );
  const schedule = scheduleOf(cfg);
  const seqs = clients.map(() => 0);
  const pending = new Set<Promise<void>>();
  let inFlight = 0;
  const { stats } = ctx;

  const fire = (i: number, at: number, nowText: string): void => {
    const conn = i % clients.length;
    const t = picker.next();
    const subject = nextSubject(ctx, t.prepared);
    const text = ctx.ids.render(t, subject, i, nowText);
    const seq = seqs[conn]!++;
    let key: string | undefined;
    if (ctx.e2e?.eligible(t.type)) {
      key = ctx.e2e.noteSent(Hl7Message.parse(text), `${name}#${conn}`, seq, ctx.lookupFields);
    }
    stats.noteSent(t.type, Buffer.byteLength(text), performance.now());
    inFlight++;
    const p = clients[conn]!.send(text).then((r) => {
      const done = performance.now();
      inFlight--;
      pending.delete(p);
      const cls = classify(r);
      stats.noteDone(cls, done - at);
      if (cls === 'AA') afterAa(t, subject, key, at, done);
    });
    pending.add(p);
  };

  const afterAa = (
    t: CompiledTemplate,
    subject: Subject,
    key: string | undefined,
    at: number,
    done: number,
  ): void => {
    if (key !== undefined) ctx.e2e?.noteAcked(key);
    if (!t.prepared && t.type.startsWith('ADT^')) remember(ctx, subject);
    ctx.onAa?.(at, done);
  };

  const run = async (): Promise<void> => {
    const t0 = stats.startPerf + (cfg.startAt ?? 0);
    // Connect before the first send is due, so connection set-up is not counted as latency.
    // A refusal here is not fatal: each send reconnects and reports its own outcome.
    await Promise.all(clients.map((c) => c.connect().catch(() => undefined)));
    let i = 0;
    while (i < schedule.total) {
      if (ctx.stopping) {
        // Asked for but never started: the run hit its time limit.
        for (; i < schedule.total; i++) stats.noteIntended(t0 + schedule.timeOf(i));
        stats.dropped += schedule.total - i;
        break;
      }
      const now = performance.now();
      const due = t0 + schedule.timeOf(i);
      if (due > now) {
        await sleepUntil(due);
        continue;
      }
      const nowText = formatDtm(Date.now());
      for (; i < schedule.total; i++) {
        const at = t0 + schedule.timeOf(i);
        if (at > now) break;
        stats.noteIntended(at);
        if (inFlight >= cfg.maxInFlight) stats.dropped++;
        else fire(i, at, nowText);
      }
      // Let ACKs in before the next batch.
      await new Promise((r) => setImmediate(r));
    }
    while (pending.size) await Promise.all([...pending]);
  };

  return {
    done: run(),
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}
