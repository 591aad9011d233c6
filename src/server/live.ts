/**
 * Go-live day, live: the review started from the dashboard (one at a time) with its phases as
 * the runner reports them, and a server-sent event stream (`GET /api/events`) that tells open
 * pages when the review moves and when the evidence store gained records, so pages refresh
 * their board in place instead of reloading (which would lose what is typed in a form).
 */
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { DecisionValue } from '../core/index.js';
import type { EvidenceStore } from '../evidence/index.js';
import { UserError } from '../core/index.js';
import { ApiError } from './errors.js';
import type { ReviewProgress, ReviewStarter, StepState } from './types.js';

export interface LiveStep {
  id: string;
  title: string;
  state: StepState;
  detail: string;
  /** Milliseconds since the review started when the step started / ended. */
  startedMs?: number;
  endedMs?: number;
}

export interface LiveReview {
  /** 1, 2, ... since the server started. */
  seq: number;
  state: 'running' | 'done' | 'failed';
  startedBy: string;
  startedAt: string;
  label: string;
  steps: LiveStep[];
  /** Milliseconds since the start (to now while running). */
  elapsedMs: number;
  runId?: string;
  decision?: DecisionValue;
  error?: { message: string; hint?: string };
}

type Listener = (event: string, data: unknown) => void;

/** The review started from the page, if any; keeps the last one after it ends. */
export class LiveReviews {
  private current: (Omit<LiveReview, 'elapsedMs'> & { t0: number; t1?: number }) | undefined;
  private seq = 0;
  private readonly listeners = new Set<Listener>();
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly starter: ReviewStarter | undefined,
    private readonly clock: () => Date,
    private readonly log: (line: string) => void,
  ) {}

  get configured(): boolean {
    return this.starter !== undefined;
  }

  get label(): string | undefined {
    return this.starter?.label;
  }

  get running(): boolean {
    return this.current?.state === 'running';
  }

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private emit(): void {
    const s = this.snapshot();
    for (const l of this.listeners) l('review', s);
  }

  snapshot(): LiveReview | null {
    const c = this.current;
    if (!c) return null;
    const { t0, t1, ...rest } = c;
    return {
      ...rest,
      steps: c.steps.map((s) => ({ ...s })),
      elapsedMs: Math.round((t1 ?? performance.now()) - t0),
    };
  }

  /** Start the configured review; refused while one runs or when none is configured. */
  start(author: string): LiveReview {
    const starter = this.starter;
    if (!starter) {
      throw new ApiError(409, 'E_NO_REVIEW', 'this dashboard has no review to start', {
        hint: 'start golive serve with --config golive.yaml to let approved roles start reviews',
      });
    }
    if (this.running) {
      throw new ApiError(
        409,
        'E_BUSY',
        `a review is already running (started by ${this.current!.startedBy})`,
        { hint: 'one review at a time: follow it on /live and start the next when it ends' },
      );
    }
    const t0 = performance.now();
    const at = () => Math.round(performance.now() - t0);
    const run: NonNullable<typeof this.current> = {
      seq: ++this.seq,
      state: 'running',
      startedBy: author,
      startedAt: this.clock().toISOString(),
      label: starter.label,
      steps: [],
      t0,
    };
    this.current = run;
    const step = (id: string) => run.steps.find((s) => s.id === id);
    const progress: ReviewProgress = {
      add: (id, title) => {
        if (!step(id)) run.steps.push({ id, title, state: 'pending', detail: '' });
        this.emit();
      },
      start: (id, detail = '') => {
        const s = step(id);
        if (!s) return;
        Object.assign(s, { state: 'running', detail, startedMs: at() });
        this.emit();
      },
      note: (id, detail) => {
        const s = step(id);
        if (!s) return;
        s.detail = detail;
        this.emit();
      },
      finish: (id, state, detail = '') => {
        const s = step(id);
        if (!s) return;
        Object.assign(s, { state, detail, endedMs: at() });
        this.emit();
      },
    };
    this.pending = (async () => {
      try {
        const r = await starter.start({ author, progress });
        Object.assign(run, { state: 'done', runId: r.runId, decision: r.decision });
      } catch (err) {
        run.state = 'failed';
        // A UserError from the runner (bad input, unreachable target) says what and how to fix;
        // anything else is a bug: logged, and named as such.
        if (err instanceof UserError) {
          run.error = { message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
        } else {
          this.log(`review #${run.seq} failed: ${(err as Error)?.stack ?? String(err)}`);
          run.error = { message: 'internal error; the server logged it' };
        }
      }
      run.t1 = performance.now();
      this.emit();
    })();
    this.emit();
    return this.snapshot()!;
  }

  /** Wait for the review in progress (server close, tests). */
  async settled(): Promise<void> {
    await this.pending;
  }
}

/** SSE clients and the store watcher that runs while at least one client listens. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastRecords = -1;
  private checking = false;

  constructor(
    private readonly store: EvidenceStore,
    private readonly live: LiveReviews,
    private readonly intervalMs: number,
    private readonly log: (line: string) => void,
  ) {
    live.on((event, data) => this.broadcast(event, data));
  }

  get size(): number {
    return this.clients.size;
  }

  /** Take over a response as an event stream; it ends when the client goes or the server stops. */
  async attach(res: ServerResponse, headers: Record<string, string>): Promise<void> {
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopWatching();
    });
    res.write('retry: 3000\n\n');
    this.send(res, 'review', this.live.snapshot());
    try {
      const n = await this.records();
      if (this.lastRecords < 0) this.lastRecords = n;
      this.send(res, 'store', { records: n });
    } catch (err) {
      // The stream stays open; the watcher reports the store when it can read it again.
      this.log(`live: cannot read the store: ${(err as Error).message}`);
    }
    this.startWatching();
  }

  private send(res: ServerResponse, event: string, data: unknown): void {
    if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  broadcast(event: string, data: unknown): void {
    for (const c of this.clients) this.send(c, event, data);
  }

  private async records(): Promise<number> {
    const runs = await this.store.runs();
    return runs.reduce((n, r) => n + r.records, 0);
  }

  /** Records are only ever appended, so their count says whether anything changed. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const n = await this.records();
      if (n !== this.lastRecords) {
        this.lastRecords = n;
        this.broadcast('store', { records: n });
      }
    } catch (err) {
      this.log(`live: cannot read the store: ${(err as Error).message}`);
    } finally {
      this.checking = false;
    }
  }

  private startWatching(): void {
    if (this.timer) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
    // A comment line now and then keeps proxies from closing an idle stream.
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) if (!c.writableEnded) c.write(': keep-alive\n\n');
    }, 15_000);
    this.heartbeat.unref();
  }

  private stopWatching(): void {
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    this.timer = undefined;
    this.heartbeat = undefined;
    this.lastRecords = -1;
  }

  /** End every stream (server close). */
  close(): void {
    this.stopWatching();
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}
