/**
 * `golive lint`'s progress on stderr: one line in the live area (report/live.ts, decision 015),
 * cut to the terminal's width, redrawn with a running clock, erased when the lint ends. Off a
 * terminal (a pipe, a file, CI, TERM=dumb) nothing is written: the findings are the output. The
 * label is dim only when colour is on for stderr (NO_COLOR, FORCE_COLOR). Small inputs (under
 * 4 MiB read) show nothing: they end before a line would help.
 */
import type { ReadProgress } from '../inputs/index.js';
import { LiveArea } from '../report/live.js';
import { colourFor, painter, type TerminalStream } from '../report/terminal.js';

export const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;

export interface LintProgressOptions {
  /** Show progress at all (`--no-progress` turns it off). */
  enabled?: boolean;
  /** Redraw in place; default: the stream is a terminal outside CI. */
  live?: boolean;
  /** Colour the label; default: the colour decision for this stream and the environment. */
  colour?: boolean;
}

const MIB = 1024 * 1024;

/** The progress line: bytes read (of the total when known), rates, time so far and left. */
export function formatLintProgress(p: ReadProgress, elapsedMs: number): string {
  const secs = Math.max(0.001, elapsedMs / 1000);
  const mb = p.bytesRead / MIB;
  let line = `${mb.toFixed(0)} MB`;
  if (p.totalBytes) line += ` of ${(p.totalBytes / MIB).toFixed(0)} MB`;
  line += `, ${Math.round(p.messages / secs)} msg/s, ${(mb / secs).toFixed(1)} MB/s, ${secs.toFixed(1)} s`;
  if (p.totalBytes && p.bytesRead > 0)
    line += `, ${Math.max(0, Math.round(((p.totalBytes - p.bytesRead) / p.bytesRead) * secs))} s left`;
  return line;
}

export class LintProgress {
  private readonly area: LiveArea;
  private readonly start = Date.now();
  private last: ReadProgress | undefined;
  private readonly label: string;
  private readonly enabled: boolean;

  constructor(out: TerminalStream, o: LintProgressOptions = {}) {
    this.enabled = o.enabled ?? true;
    this.area = new LiveArea(out, () => this.frame(), {
      ...(o.live !== undefined ? { live: o.live } : {}),
    });
    this.label = painter(o.colour ?? colourFor(out, process.env))('lint:', 'dim');
  }

  private frame(): string[] {
    if (!this.last) return [];
    return [`${this.label} ${formatLintProgress(this.last, Date.now() - this.start)}`];
  }

  /** A reader's progress: the live area shows it from its next frame on. */
  readonly update = (p: ReadProgress): void => {
    if (!this.enabled || !this.area.live || p.bytesRead < PROGRESS_MIN_BYTES) return;
    const first = this.last === undefined;
    this.last = p;
    if (first) this.area.start();
  };

  /** The lint ended: the line is erased, the terminal is left as it was. */
  done(): void {
    this.area.stop({ keep: false });
  }
}
