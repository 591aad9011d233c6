/**
 * Failover: a control action on the target in the middle of a run (restart, or pause then
 * resume), through the target's HTTP control API, a command, or hooks the runner passes in.
 * Recovery time runs from the start of the action to the first AA for a message intended after
 * the action completed: the moment senders are served again.
 */
import { execFile } from 'node:child_process';
import type { FailoverConfig } from './profile-schema.js';

export type ControlAction = 'restart' | 'pause' | 'resume';

/** How golive acts on a target. Each returns once the action has been carried out. */
export type ControlHooks = Partial<Record<ControlAction, () => Promise<void>>>;

export function httpControl(url: string, method = 'POST', timeoutMs = 30_000): ControlHooks {
  const call = (action: ControlAction) => async () => {
    const res = await fetch(`${url.replace(/\/+$/, '')}/${action}`, {
      method,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${method} ${url}/${action} answered HTTP ${res.status}`);
  };
  return { restart: call('restart'), pause: call('pause'), resume: call('resume') };
}

export function commandControl(argv: readonly string[], timeoutMs = 60_000): ControlHooks {
  const call = (action: ControlAction) => () =>
    new Promise<void>((resolve, reject) => {
      const [cmd, ...args] = argv.map((a) => a.replaceAll('{action}', action));
      execFile(cmd!, args, { timeout: timeoutMs }, (err, _out, stderr) => {
        if (err)
          reject(new Error(`${argv.join(' ')} (${action}) failed: ${stderr || err.message}`));
        else resolve();
      });
    });
  return { restart: call('restart'), pause: call('pause'), resume: call('resume') };
}

/** One hook as golive.yaml `control:` declares it (structurally: load does not read the config). */
export type HookSpec =
  | {
      http: { url: string; method?: string; headers?: Record<string, string>; body?: string };
      timeout?: number;
    }
  | { command: string[]; timeout?: number };

/** Control hooks from golive.yaml `control: { pause, resume, restart }`. */
export function hooksFromSpecs(specs: Partial<Record<ControlAction, HookSpec>>): ControlHooks {
  const out: ControlHooks = {};
  for (const action of ['restart', 'pause', 'resume'] as const) {
    const h = specs[action];
    if (!h) continue;
    if ('command' in h) {
      out[action] = commandControl(h.command, h.timeout)[action];
      continue;
    }
    const { url, method = 'POST', headers, body } = h.http;
    out[action] = async () => {
      const res = await fetch(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(h.timeout ?? 30_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${method} ${url} answered HTTP ${res.status}`);
    };
  }
  return out;
}

export function hooksFor(cfg: FailoverConfig, fallback?: ControlHooks): ControlHooks | undefined {
  if (cfg.via && 'http' in cfg.via) return httpControl(cfg.via.http.url, cfg.via.http.method);
  if (cfg.via && 'command' in cfg.via) return commandControl(cfg.via.command);
  return fallback;
}

export interface FailoverOutcome {
  action: FailoverConfig['action'];
  /** performance.now() when the action started and when it completed. */
  startedAt?: number;
  completedAt?: number;
  /** Epoch ms of the start, for the report. */
  startedEpoch?: number;
  error?: string;
  /** First AA for a message intended after the action completed (performance.now). */
  firstAaAfter?: number;
}

export class FailoverRun {
  readonly outcome: FailoverOutcome;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly cfg: FailoverConfig,
    private readonly hooks: ControlHooks | undefined,
  ) {
    this.outcome = { action: cfg.action };
  }

  /** Schedule the action `cfg.at` after `startPerf`. */
  arm(startPerf: number): void {
    const wait = Math.max(0, startPerf + this.cfg.at - performance.now());
    this.timer = setTimeout(() => {
      this.running = this.act();
    }, wait);
  }

  private async act(): Promise<void> {
    const o = this.outcome;
    o.startedAt = performance.now();
    o.startedEpoch = Date.now();
    try {
      const h = this.hooks;
      if (this.cfg.action === 'restart') {
        if (!h?.restart) throw new Error('the target has no restart control');
        await h.restart();
      } else {
        if (!h?.pause || !h.resume) throw new Error('the target has no pause/resume control');
        await h.pause();
        await new Promise((r) => setTimeout(r, this.cfg.pauseFor));
        await h.resume();
      }
      o.completedAt = performance.now();
    } catch (e) {
      o.error = (e as Error).message;
    }
  }

  /** Feed every AA (intended and ACK instants, performance.now). */
  noteAa(intendedAt: number, ackedAt: number): void {
    const o = this.outcome;
    if (o.completedAt === undefined || o.firstAaAfter !== undefined) return;
    if (intendedAt >= o.completedAt) o.firstAaAfter = ackedAt;
  }

  /** Recovery time in ms, when the target came back during the run. */
  get recoveryMs(): number | undefined {
    const o = this.outcome;
    if (o.startedAt === undefined || o.firstAaAfter === undefined) return undefined;
    return o.firstAaAfter - o.startedAt;
  }

  /** Wait for an action in progress; cancel one not yet started. */
  async finish(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
