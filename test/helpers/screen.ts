/**
 * What a person would see: bytes written to a terminal replayed in a headless terminal emulator
 * (xterm.js), then its screen and scroll-back read line by line. Used by the terminal tests to
 * check that live output never wraps and leaves no stale lines.
 */
import xterm from '@xterm/headless';

export interface Screen {
  /** Every line of the scroll-back and the screen, trailing spaces trimmed. */
  lines: string[];
  /** How many lines are the continuation of the line before (the terminal wrapped it). */
  wrapped: number;
  /** Their indices in `lines`. */
  wrappedAt: number[];
}

export async function screenOf(
  output: string,
  o: { columns: number; rows: number; convertEol?: boolean },
): Promise<Screen> {
  const term = new xterm.Terminal({
    cols: o.columns,
    rows: o.rows,
    scrollback: 10_000,
    allowProposedApi: true,
    convertEol: o.convertEol ?? false,
  });
  await new Promise<void>((r) => term.write(output, r));
  const buf = term.buffer.active;
  const lines: string[] = [];
  const wrappedAt: number[] = [];
  for (let i = 0; i < buf.length; i++) {
    const line = buf.getLine(i);
    if (!line) continue;
    if (line.isWrapped) wrappedAt.push(lines.length);
    lines.push(line.translateToString(true));
  }
  term.dispose();
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return { lines, wrapped: wrappedAt.length, wrappedAt };
}

/** Escape sequences removed: the text a pipe would show. */
export function stripAnsi(s: string): string {
  return s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)/g, '');
}

/** A terminal `columns` wide (changeable, like a resized window) that keeps every write. */
export class FakeTerminal {
  readonly isTTY = true;
  readonly chunks: string[] = [];
  constructor(
    public columns = 80,
    readonly rows = 30,
  ) {}
  write(s: string): boolean {
    this.chunks.push(s);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}
