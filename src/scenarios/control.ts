/**
 * Control of the receiving system (pause, resume, restart) for downtime and failover
 * scenarios, through hooks the site config names: an HTTP request or a command run without a
 * shell. The embedded reference site supplies function hooks instead.
 */
import { spawn } from 'node:child_process';
import type { Exchange } from '../core/index.js';
import type { ControlConfig, Hook } from '../config/index.js';

export type ControlAction = 'pause' | 'resume' | 'restart';

export interface HookResult {
  ok: boolean;
  detail: string;
  exchange?: Omit<Exchange, 'id'>;
}

export type ControlFn = () => Promise<HookResult>;
export type ControlHooks = Partial<Record<ControlAction, ControlFn>>;

/** Hooks from the `control:` section of golive.yaml. */
export function hooksFromConfig(control: ControlConfig | undefined): ControlHooks {
  const out: ControlHooks = {};
  for (const action of ['pause', 'resume', 'restart'] as const) {
    const hook = control?.[action];
    if (hook) out[action] = () => runHook(action, hook);
  }
  return out;
}

export async function runHook(action: ControlAction, hook: Hook): Promise<HookResult> {
  if ('http' in hook) return httpHook(action, hook.http, hook.timeout);
  return commandHook(hook.command, hook.timeout);
}

async function httpHook(
  action: ControlAction,
  h: { url: string; method: string; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<HookResult> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const request = `${h.method} ${h.url}${h.body ? `\n\n${h.body}` : ''}`;
  try {
    const res = await fetch(h.url, {
      method: h.method,
      headers: h.headers,
      body: h.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const durationMs = performance.now() - t0;
    return {
      ok: res.ok,
      detail: `${action}: HTTP ${res.status}`,
      exchange: {
        protocol: 'http',
        direction: 'outbound',
        peer: h.url,
        startedAt,
        durationMs,
        request,
        response: `HTTP ${res.status}\n\n${text}`,
        summary: `control ${action} -> ${res.status} (${Math.round(durationMs)} ms)`,
      },
    };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const detail = `${action}: ${err.cause?.code ?? err.message}`;
    return {
      ok: false,
      detail,
      exchange: {
        protocol: 'http',
        direction: 'outbound',
        peer: h.url,
        startedAt,
        durationMs: performance.now() - t0,
        request,
        summary: `control ${action} -> ${detail}`,
        error: detail,
      },
    };
  }
}

function commandHook(argv: string[], timeoutMs: number): Promise<HookResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(t);
      resolve({ ok: false, detail: `cannot run ${argv[0]}: ${e.message}` });
    });
    child.on('close', (code, sig) => {
      clearTimeout(t);
      const tail = out.trim().split('\n').slice(-3).join(' | ');
      resolve({
        ok: code === 0,
        detail: `${argv.join(' ')} exited ${sig ?? code}${tail ? `: ${tail}` : ''}`,
      });
    });
  });
}
