/**
 * Closed-model executor: N virtual users each doing FHIR reads and searches with think time
 * in between (Node fetch; undici keeps connections alive). A closed model measures what a
 * user waits for; it cannot show backlog the way the open MLLP executors do, which is why the
 * two run side by side in a peak profile.
 */
import type { RunContext } from './context.js';
import { sleepUntil } from './context.js';
import type { UsersExecutorConfig } from './profile-schema.js';
import { WeightedPicker, type Subject } from './templates.js';

const SUBJECT_TOKEN = /\{\{\s*(mrn|visit|placer|filler|family|given|dob|sex)\s*\}\}/g;

export function renderPath(path: string, s: Subject): string {
  return path.replace(SUBJECT_TOKEN, (_m, k: keyof Subject) => encodeURIComponent(s[k]));
}

export function startUsersExecutor(
  ctx: RunContext,
  _name: string,
  cfg: UsersExecutorConfig,
): { done: Promise<void> } {
  const base = (ctx.fhirBase ?? '').replace(/\/+$/, '');
  const picker = new WeightedPicker(cfg.requests.map((r) => ({ item: r, weight: r.weight })));
  const t0 = ctx.stats.startPerf + (cfg.startAt ?? 0);
  const end = t0 + cfg.duration;
  let pick = 0;
  const think = (): number => {
    const tt = cfg.thinkTime;
    if (typeof tt === 'number') return tt;
    // Spread deterministically over [min, max] (golden-ratio sequence): no hidden randomness.
    pick = (pick + 0.618_033_988_75) % 1;
    return tt.min + (tt.max - tt.min) * pick;
  };
  let nth = 0;
  const subject = (): Subject => {
    if (ctx.known.length === 0) return ctx.ids.subject();
    return ctx.known[nth++ % ctx.known.length]!;
  };

  const user = async (u: number): Promise<void> => {
    // Stagger the users over the first think time so they do not all fire together.
    await sleepUntil(t0 + (u / cfg.users) * think(), Infinity);
    while (!ctx.stopping && performance.now() < end) {
      const req = picker.next();
      const url = `${base}/${renderPath(req.path, subject()).replace(/^\/+/, '')}`;
      const start = performance.now();
      try {
        const res = await fetch(url, {
          headers: { accept: 'application/fhir+json' },
          signal: AbortSignal.timeout(cfg.requestTimeout),
        });
        await res.arrayBuffer();
        ctx.stats.noteFhir(res.status, performance.now() - start, req.expect.includes(res.status));
      } catch {
        ctx.stats.noteFhir('error', performance.now() - start, false);
      }
      const next = Math.min(end, performance.now() + think());
      while (!ctx.stopping && performance.now() < next) await sleepUntil(next);
    }
  };

  return { done: Promise.all(Array.from({ length: cfg.users }, (_, u) => user(u))).then(() => {}) };
}
