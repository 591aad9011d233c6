/**
 * startSite: the reference site as a running service (docs/site.md). MLLP inbound on the
 * lead's transport listener, FHIR and control API on fastify, everything on 127.0.0.1.
 */
import type { FastifyInstance } from 'fastify';
import { startMllpListener, type MllpListener } from '../transports/index.js';
import { startApi } from './fhir-api.js';
import { Inbound } from './inbound.js';
import { resolveOptions, type ResolvedOptions, type SiteOptions } from './options.js';
import { Runtime } from './runtime.js';

export interface Site {
  readonly mllp: { host: string; port: number };
  readonly fhir: { host: string; port: number };
  /** FHIR base URL, e.g. http://127.0.0.1:PORT/fhir */
  readonly fhirBase: string;
  /** Control API base URL, e.g. http://127.0.0.1:PORT/control */
  readonly controlBase: string;
  readonly options: ResolvedOptions;
  pause(): Promise<void>;
  resume(): Promise<void>;
  restart(): Promise<void>;
  status(): Record<string, unknown>;
  /** Stop everything. `crash: true` drops unflushed writes as a crash would (tests). */
  stop(opts?: { crash?: boolean }): Promise<void>;
  /** The live runtime (tests and the bench read the store through it). */
  runtime(): Runtime | undefined;
}

export async function startSite(input: SiteOptions = {}): Promise<Site> {
  const opts = resolveOptions(input);
  let runtime: Runtime | undefined = new Runtime(opts);
  let paused = false;
  let stopped = false;
  const inbound = new Inbound(() => runtime, opts);
  let listener: MllpListener | undefined;
  let api: FastifyInstance | undefined;
  const current = () => runtime;
  try {
    let listenerAcks = 0;
    listener = await startMllpListener({
      port: opts.mllpPort,
      maxFrameBytes: opts.maxFrameBytes,
      maxConnections: opts.maxConnections,
      maxPartialBytes: opts.maxPartialBytes,
      handler: inbound.handle,
      now: opts.clock,
      // The listener's own ACKs (AR for an unreadable or refused frame, AE when filing threw),
      // counted per site like its other ACKs (GLA..., site/ack.ts).
      ackControlId: (now) => `GLL${now}${++listenerAcks}`,
    });
    const host = {
      opts,
      runtime: current,
      get paused() {
        return paused;
      },
      fhirBase: () => site.fhirBase,
      pause: () => site.pause(),
      resume: () => site.resume(),
      restart: () => site.restart(),
      status: () => site.status(),
    };
    api = await startApi(host, opts.fhirPort);
  } catch (e) {
    await listener?.close(0);
    await runtime.close(false);
    throw e;
  }
  runtime.start();
  const fhirPort = (api.server.address() as { port: number }).port;
  const mllpListener = listener;
  const fastify = api;

  const site: Site = {
    mllp: mllpListener.address,
    fhir: { host: '127.0.0.1', port: fhirPort },
    fhirBase: `http://127.0.0.1:${fhirPort}/fhir`,
    controlBase: `http://127.0.0.1:${fhirPort}/control`,
    options: opts,
    runtime: current,
    async pause() {
      if (paused || stopped) return;
      paused = true;
      runtime?.outbound.pause();
      await mllpListener.pause();
    },
    async resume() {
      if (!paused || stopped) return;
      paused = false;
      await mllpListener.resume();
      runtime?.outbound.resume();
    },
    async restart() {
      if (stopped) return;
      const old = runtime;
      runtime = undefined;
      await mllpListener.pause();
      await old?.close(false);
      runtime = new Runtime(opts);
      if (paused) runtime.outbound.pause();
      else await mllpListener.resume();
      runtime.start();
    },
    status() {
      const rt = runtime;
      const counts: Record<string, number> = {};
      for (const t of rt?.store.types() ?? []) counts[t] = rt!.store.count(t);
      return {
        paused,
        profile: opts.profile,
        faults: opts.faultSet.names,
        counts,
        outbound: rt
          ? {
              queued: rt.outbound.queued,
              delivered: rt.outbound.delivered,
              rejected: rt.outbound.rejected,
            }
          : {},
        messages: rt?.messages ?? 0,
      };
    },
    async stop(o = {}) {
      if (stopped) return;
      stopped = true;
      await mllpListener.close(500);
      await fastify.close();
      await runtime?.close(o.crash ?? false);
      runtime = undefined;
    },
  };
  return site;
}
