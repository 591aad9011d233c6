/**
 * Terminal progress for long work: a task list that redraws in place on a TTY and prints one
 * line per state change otherwise (CI logs). Output goes to the stream given (stderr by default
 * in the CLI, so stdout stays clean for summaries).
 */
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

const COLOR: Record<TaskState, string> = {
  pending: '\x1b[2m',
  running: '\x1b[36m',
  pass: '\x1b[32m',
  fail: '\x1b[31m',
  error: '\x1b[33m',
  skip: '\x1b[2m',
};

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export class TaskList {
  private readonly tasks: Task[] = [];
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly tty: boolean;

  constructor(
    private readonly out: ProgressStream,
    opts: { color?: boolean } = {},
  ) {
    this.tty = (opts.color ?? true) && !!out.isTTY && process.env.CI !== 'true';
  }

  add(id: string, title: string): void {
    this.tasks.push({ id, title, state: 'pending', detail: '' });
    this.render();
  }

  start(id: string, detail = ''): void {
    this.update(id, 'running', detail);
  }

  /** Change the detail of a running task (counts, rates) without a state change. */
  note(id: string, detail: string): void {
    const t = this.find(id);
    if (!t) return;
    t.detail = detail;
    if (this.tty) this.schedule();
  }

  finish(id: string, state: Exclude<TaskState, 'pending' | 'running'>, detail = ''): void {
    this.update(id, state, detail);
  }

  /** Stop redrawing; the list stays on screen as last drawn. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.tty) this.draw();
  }

  private find(id: string): Task | undefined {
    return this.tasks.find((t) => t.id === id);
  }

  private update(id: string, state: TaskState, detail: string): void {
    const t = this.find(id);
    if (!t) return;
    t.state = state;
    t.detail = detail;
    if (state === 'running') t.startedAt = Date.now();
    else if (state !== 'pending') t.endedAt = Date.now();
    if (this.tty) this.schedule();
    else if (state !== 'pending') this.out.write(`${this.line(t, false)}\n`);
  }

  private render(): void {
    if (this.tty) this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, 80);
    this.timer.unref();
  }

  private draw(): void {
    let s = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const t of this.tasks) s += `\x1b[2K${this.line(t, true)}\n`;
    this.drawn = this.tasks.length;
    this.out.write(s);
  }

  private line(t: Task, color: boolean): string {
    const secs =
      t.startedAt !== undefined
        ? ` ${(((t.endedAt ?? Date.now()) - t.startedAt) / 1000).toFixed(1)}s`
        : '';
    const body = `${ICON[t.state]} ${t.title}${t.detail ? `  ${t.detail}` : ''}${t.state === 'pending' ? '' : secs}`;
    return color ? `${COLOR[t.state]}${body}\x1b[0m` : body;
  }
}
