/**
 * The terminal, decided in one place for every command: whether output is coloured, how wide a
 * piece of text is on screen, and how a line is cut to fit. Docs: docs/architecture.md,
 * "Terminal output".
 *
 * Colour: `NO_COLOR` (any non-empty value) turns it off; else `FORCE_COLOR` turns it on, unless
 * it is "0" or "false"; else it is on when stdout is a terminal and TERM is not "dumb".
 * Widths are display columns (string-width): a CJK character or an emoji takes two, an escape
 * sequence none. Lines are cut with cli-truncate, which keeps colour codes balanced.
 */
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';

type Env = Readonly<Record<string, string | undefined>>;

/** What the terminal helpers read of a stream (a `tty.WriteStream` or a test's stand-in). */
export interface TerminalStream {
  write(s: string): unknown;
  isTTY?: boolean;
  /** Width in columns (set by Node on a TTY). */
  columns?: number;
  rows?: number;
}

/** Colour for output written to `stream` (stdout unless told): see the file comment. */
export function colourFor(
  stream: { isTTY?: boolean } = process.stdout,
  env: Env = process.env,
): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

let decided: boolean | undefined;

/** The colour decision of this process (stdout and the environment), taken once. */
export function useColour(): boolean {
  return (decided ??= colourFor(process.stdout, process.env));
}

/**
 * Whether `stream` gets a live area that redraws in place: a terminal (TTY, TERM not "dumb")
 * outside CI. Anything else gets plain lines, appended, without cursor movement.
 */
export function isLive(stream: { isTTY?: boolean }, env: Env = process.env): boolean {
  return stream.isTTY === true && env['TERM'] !== 'dumb' && !isCi(env);
}

function isCi(env: Env): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export type Style =
  | 'bold'
  | 'dim'
  | 'red'
  | 'green'
  | 'yellow'
  | 'blue'
  | 'cyan'
  | 'inverseRed'
  | 'inverseGreen'
  | 'inverseYellow';

const SGR: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  cyan: [36, 39],
  inverseRed: [41, 49],
  inverseGreen: [42, 49],
  inverseYellow: [43, 49],
};

export type Paint = (text: string, ...styles: Style[]) => string;

/** Wraps text in the styles given when `colour` is on; returns it unchanged otherwise. */
export function painter(colour: boolean): Paint {
  return (text, ...styles) =>
    colour
      ? styles.reduce((s, st) => `\u001b[${SGR[st][0]}m${s}\u001b[${SGR[st][1]}m`, text)
      : text;
}

/** Columns `text` takes on screen (escape sequences count nothing, wide characters two). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** `text` padded with spaces to `width` display columns (never cut). */
export function padDisplay(text: string, width: number): string {
  const w = displayWidth(text);
  return w >= width ? text : text + ' '.repeat(width - w);
}

/** `text` padded on the left to `width` display columns. */
export function padDisplayStart(text: string, width: number): string {
  const w = displayWidth(text);
  return w >= width ? text : ' '.repeat(width - w) + text;
}

/** One line cut to at most `columns` display columns, ending in "…" when cut. */
export function fitLine(line: string, columns: number): string {
  if (columns <= 0) return '';
  if (displayWidth(line) <= columns) return line;
  // A wide character across the cut can leave one column too many: cut one column shorter.
  for (let room = columns; room > 0; room--) {
    const cut = cliTruncate(line, room, { position: 'end' });
    if (displayWidth(cut) <= columns) return cut;
  }
  return '';
}

/**
 * A line of `body` and a `suffix` that must stay visible (a running clock): the body is cut
 * first, the suffix kept whole, both within `columns`.
 */
export function fitWithSuffix(body: string, suffix: string, columns: number): string {
  const room = columns - displayWidth(suffix);
  if (room <= 0) return fitLine(suffix, columns);
  return fitLine(body, room) + suffix;
}

/** Text from a system under test never drives the terminal: control characters become "?". */
export function terminalText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}

/**
 * Rows of cells as columns aligned by display width, two spaces apart, each line trimmed at
 * the end. `indent` is put before every line.
 */
export function alignColumns(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(c));
    });
  return rows.map((r) =>
    `${indent}${r.map((c, i) => (i === r.length - 1 ? c : padDisplay(c, widths[i]!))).join('  ')}`.trimEnd(),
  );
}
