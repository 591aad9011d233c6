import type { Location } from './finding.js';
import { formatLocation } from './finding.js';

/**
 * An error the user can cause (bad config, bad input file, unreachable host).
 * It carries a stable code, a location and a hint; the CLI prints it without a stack.
 * `exitCode` follows ARCHITECTURE.md: 2 bad input, 3 unreachable.
 */
export class UserError extends Error {
  readonly code: string;
  readonly location: Location | undefined;
  readonly hint: string | undefined;
  readonly exitCode: 2 | 3;

  constructor(
    code: string,
    message: string,
    opts: { location?: Location; hint?: string; exitCode?: 2 | 3; cause?: unknown } = {},
  ) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'UserError';
    this.code = code;
    this.location = opts.location;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? 2;
  }

  /** One line (plus an optional hint line) for the terminal. */
  format(): string {
    const where = formatLocation(this.location);
    let s = `error ${this.code}: ${where ? `${where}: ` : ''}${this.message}`;
    if (this.hint) s += `\n  hint: ${this.hint}`;
    return s;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
