/**
 * Terminal progress for long work (the phases of `golive run` and `golive demo`): a task list
 * that redraws in place on a terminal, every line cut to the terminal's width and a running
 * clock on each task that is running, redrawn at least once a second; anywhere else (a pipe, a
 * file, CI) one plain line per finished task, without cursor codes. Output goes to the stream
 * given (stderr in the CLI, so stdout keeps the summary and the verdict).
 */
import { LiveArea } from '../report/live.js';
import {
  fitWithSuffix,
  painter,
  terminalText,
  useColour,
  type Style,
  type TerminalStream,
} from '../report/terminal.js';

export type TaskState = 'pending' | 'running' | 'pass' | 'fail' | 'error' | 'skip';

interface Task {
  id: string;
  title: string;
  state: TaskState;
  detail: string;
  startedAt?: number;
  endedAt?: number;
}

const ICON: Record<TaskState, string> = {
  pending: '·',
  running: '…',
  pass: '✓',
  fail: '✗',
  error: '!',
  skip: '-',
};

const STYLE: Record<TaskState, Style> = {
  pending: 'dim',
  running: 'cyan',
  pass: 'green',
  fail: 'red',
  error: 'yellow',
  skip: 'dim',
};

export type ProgressStream = TerminalStream;

export interface TaskListOptions {
  /** Colour (default: the process's decision, `useColour`). */
  colour?: boolean;
  /** Redraw in place (default: the stream is a terminal outside CI). */
  live?: boolean;
  /** Redraw period in ms (default 250). */
  intervalMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

export class TaskList {
  private readonly tasks: Task[] = [];
  private readonly area: LiveArea;
  private readonly colour: boolean;
  private readonly now: () => number;

  constructor(
    private readonly out: ProgressStream,
    opts: TaskListOptions = {},
  ) {
    this.colour = opts.colour ?? useColour();
    this.now = opts.now ?? Date.now;
    this.area = new LiveArea(out, () => this.frame(), {
      ...(opts.live !== undefined ? { live: opts.live } : {}),
      ...(opts.intervalMs !== undefined ? { intervalMs: opts.intervalMs } : {}),
    });
  }

  /** Whether the list redraws in place (a terminal) or prints finished tasks as lines. */
  get live(): boolean {
    return this.area.live;
  }

  add(id: string, title: string): void {
    this.tasks.push({ id, title, state: 'pending', detail: '' });
    this.area.start();
  }

  start(id: string, detail = ''): void {
    this.update(id, 'running', detail);
  }

  /** Change the detail of a running task (counts, rates) without a state change. */
  note(id: string, detail: string): void {
    const t = this.find(id);
    if (!t) return;
    t.detail = detail;
  }

  finish(id: string, state: Exclude<TaskState, 'pending' | 'running'>, detail = ''): void {
    this.update(id, state, detail);
  }

  /** Stop redrawing; on a terminal the list stays on screen as last drawn. */
  close(): void {
    this.area.stop();
  }

  private find(id: string): Task | undefined {
    return this.tasks.find((t) => t.id === id);
  }

  private update(id: string, state: TaskState, detail: string): void {
    const t = this.find(id);
    if (!t) return;
    t.state = state;
    t.detail = detail;
    if (state === 'running') t.startedAt = this.now();
    else if (state !== 'pending') t.endedAt = this.now();
    if (this.area.live) this.area.refresh();
    else if (state !== 'pending' && state !== 'running') this.area.print(`${this.plain(t)}\n`);
  }

  /** The lines of the live list, each cut to the width with its clock kept. */
  private frame(): string[] {
    const p = painter(this.colour);
    const cols = this.area.columns;
    return this.tasks.map((t) => {
      const body = `${ICON[t.state]} ${terminalText(t.title)}${t.detail ? `  ${terminalText(oneLine(t.detail))}` : ''}`;
      const clock = this.clock(t);
      return p(fitWithSuffix(body, clock ? `  ${clock}` : '', cols), STYLE[t.state]);
    });
  }

  /** A finished task as one plain line (not a terminal: nothing is cut). */
  private plain(t: Task): string {
    const p = painter(this.colour);
    const clock = this.clock(t);
    const body = `${ICON[t.state]} ${terminalText(t.title)}${t.detail ? `  ${terminalText(oneLine(t.detail))}` : ''}${clock ? `  ${clock}` : ''}`;
    return p(body, STYLE[t.state]);
  }

  private clock(t: Task): string {
    if (t.startedAt === undefined) return '';
    const ms = (t.endedAt ?? this.now()) - t.startedAt;
    return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
