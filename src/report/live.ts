/**
 * A live area: a few lines at the bottom of a terminal that redraw in place (log-update), each
 * cut to the terminal's width so that nothing wraps, redrawn on a timer so that clocks run.
 * Lines printed through it stay above the area. On anything that is not a live terminal (a pipe,
 * a file, CI) nothing is redrawn and no cursor code is written: only printed lines appear.
 * Decision 015 (terminal output).
 */
import { createLogUpdate } from 'log-update';
import { fitLine, isLive, type TerminalStream } from './terminal.js';

export interface LiveAreaOptions {
  /** Redraw in place; default: the stream is a terminal outside CI (`isLive`). */
  live?: boolean;
  /** How often the area redraws by itself, in ms (default 250, at most 1000). */
  intervalMs?: number;
}

/** Width used when a terminal does not tell its own. */
const FALLBACK_COLUMNS = 80;

export class LiveArea {
  readonly live: boolean;
  private readonly draw: ReturnType<typeof createLogUpdate> | undefined;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** `frame` gives the lines of the area each time it is drawn, uncut. */
  constructor(
    private readonly out: TerminalStream,
    private readonly frame: () => readonly string[],
    o: LiveAreaOptions = {},
  ) {
    this.live = o.live ?? isLive(out);
    this.intervalMs = Math.min(1000, Math.max(50, o.intervalMs ?? 250));
    if (this.live) {
      // log-update hides the cursor of the process's own terminal only: a stand-in stream
      // (tests) must not touch it.
      const own = out === process.stderr || out === process.stdout;
      this.draw = createLogUpdate(out as NodeJS.WritableStream, {
        showCursor: !own,
        defaultWidth: FALLBACK_COLUMNS,
      });
    }
  }

  /** The terminal's width now (it may change while a run goes on). */
  get columns(): number {
    const c = this.out.columns;
    return c !== undefined && c > 0 ? c : FALLBACK_COLUMNS;
  }

  /** Draw now, and keep redrawing until `stop` (live only). */
  start(): void {
    if (!this.draw || this.stopped) return;
    this.render();
    if (!this.timer) {
      this.timer = setInterval(() => this.render(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Redraw now (after a change that should show at once). */
  refresh(): void {
    if (this.draw && !this.stopped) this.render();
  }

  /**
   * Text that stays: written above the live area (which is drawn again below it), or simply
   * appended when not live. `text` ends with a newline.
   */
  print(text: string): void {
    if (!this.draw || this.stopped) {
      this.out.write(text);
      return;
    }
    this.draw.clear();
    this.out.write(text);
    this.render();
  }

  /**
   * Stop redrawing. Live, the area is drawn one last time and left on screen (`keep`, the
   * default) or erased. Safe to call more than once.
   */
  stop(o: { keep?: boolean } = {}): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.draw || this.stopped) {
      this.stopped = true;
      return;
    }
    if (o.keep ?? true) this.render();
    else this.draw.clear();
    this.draw.done();
    this.stopped = true;
  }

  private render(): void {
    const cols = this.columns;
    const lines = this.frame().map((l) => fitLine(l, cols));
    if (lines.length === 0) this.draw!.clear();
    else this.draw!(lines.join('\n'));
  }
}
