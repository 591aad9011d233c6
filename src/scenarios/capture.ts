/**
 * The capture listener as the scenarios see it: golive plays the downstream system (EHR,
 * notification target) the receiver forwards to. Every message that arrives during the run is
 * kept, so a message that came before its `expect-message` step started is still found;
 * scenarios tell theirs apart by their own synthetic identifiers.
 */
import { EventEmitter } from 'node:events';
import type { Hl7Message } from '../hl7/index.js';
import { startMllpListener, type IncomingMessage, type MllpListener } from '../transports/index.js';

export interface Captured {
  /** 1-based arrival order over the whole run. */
  seq: number;
  text: string;
  message?: Hl7Message;
  receivedAt: number;
  remote: string;
}

export class CaptureBuffer {
  readonly messages: Captured[] = [];
  private readonly events = new EventEmitter();

  constructor(readonly listener: MllpListener) {
    this.events.setMaxListeners(0);
    listener.on('message', (m: IncomingMessage) => {
      this.messages.push({
        seq: this.messages.length + 1,
        text: m.text,
        message: m.message,
        receivedAt: m.receivedAt,
        remote: m.remote,
      });
      this.events.emit('message');
    });
  }

  get address(): { host: string; port: number } {
    return this.listener.address;
  }

  /** Resolves when a new message arrives or after `ms`, whichever is first. */
  waitForNext(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.events.off('message', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, Math.max(0, ms));
      this.events.on('message', done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** The downstream system goes down: connections are refused until `resume`. */
  pause(): Promise<void> {
    return this.listener.pause();
  }

  resume(): Promise<void> {
    return this.listener.resume();
  }

  close(): Promise<void> {
    return this.listener.close(500);
  }
}

export async function startCapture(
  host: string,
  port: number,
  ackCode: 'AA' | 'AE' | 'AR' = 'AA',
  /** The caps of `capture` in golive.yaml (`captureLimits`); left out: the listener's defaults. */
  limits: { maxConnections?: number; maxFrameBytes?: number; maxPartialBytes?: number } = {},
): Promise<CaptureBuffer> {
  const listener = await startMllpListener({ host, port, ackCode, ...limits });
  return new CaptureBuffer(listener);
}
