/**
 * Preparation before the measured run: results need an order and a patient at the target
 * (docs/site.md: unknown order is AE 204), so each prepared subject is registered (ADT^A04) and
 * ordered (ORM^O01). The pair goes on one connection, in that order; pairs are spread over a few
 * connections with a bounded window. Preparation has its own deadline: a target too slow even
 * to be prepared makes the run inconclusive instead of hanging it.
 */
import { formatDtm } from '../hl7/index.js';
import { MllpClient } from '../transports/index.js';
import type { RunContext } from './context.js';
import { remember } from './context.js';
import { classify } from './stats.js';
import type { CompiledTemplate } from './templates.js';

export interface PrepareOutcome {
  wanted: number;
  ok: number;
  failed: Record<string, number>;
  example?: string;
  timedOut: boolean;
  durationMs: number;
}

export async function prepareSubjects(
  ctx: RunContext,
  n: number,
  templates: { adt: CompiledTemplate; orm: CompiledTemplate },
  opts: { deadlineMs: number; connections?: number; ackTimeoutMs?: number },
): Promise<PrepareOutcome> {
  const t0 = performance.now();
  const end = t0 + opts.deadlineMs;
  const clients = Array.from(
    { length: Math.max(1, Math.min(opts.connections ?? 8, n)) },
    () =>
      new MllpClient({
        ...ctx.mllp,
        ackTimeoutMs: Math.min(opts.ackTimeoutMs ?? 10_000, opts.deadlineMs),
        connectTimeoutMs: 2000,
      }),
  );
  const failed: Record<string, number> = {};
  let ok = 0;
  let example: string | undefined;
  let timedOut = false;
  const window = new Set<Promise<void>>();
  const sendOne = async (c: MllpClient, text: string): Promise<boolean> => {
    const r = await c.send(text);
    const cls = classify(r);
    if (cls === 'AA') return true;
    failed[cls] = (failed[cls] ?? 0) + 1;
    example ??= r.error ?? r.ackText?.replace(/\r/g, ' | ');
    return false;
  };
  try {
    for (let i = 0; i < n && !ctx.stopping; i++) {
      if (performance.now() > end) {
        timedOut = true;
        break;
      }
      const c = clients[i % clients.length]!;
      const s = ctx.ids.subject();
      const nowText = formatDtm(Date.now());
      const pair = Promise.all([
        sendOne(c, ctx.ids.render(templates.adt, s, i, nowText)),
        sendOne(c, ctx.ids.render(templates.orm, s, i, nowText)),
      ]).then(([a, b]) => {
        window.delete(pair);
        if (!a || !b) return;
        ok++;
        ctx.prepared.push(s);
        remember(ctx, s);
      });
      window.add(pair);
      while (window.size >= 8 * clients.length) await Promise.race(window);
    }
    await Promise.all([...window]);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  return { wanted: n, ok, failed, example, timedOut, durationMs: performance.now() - t0 };
}
