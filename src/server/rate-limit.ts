/**
 * Failed sign-ins are limited per address and per account. Tokens are 256-bit random, so the
 * limit is not what keeps them secret; it keeps guessing (and weak tokens someone hashed by
 * hand) slow, keeps the audit log readable, and stops a locked-out account being hammered.
 * NIST SP 800-63B §5.2.2 asks for at most 100 consecutive failures per account; the defaults
 * here are far below that and a window later the attempts are allowed again.
 *
 * Only failures count, in a sliding window; a success clears the account's count but never the
 * address's (otherwise one valid token would reset the guessing budget of a whole address).
 */

import { ApiError } from './errors.js';

export interface LimitRule {
  /** Failures allowed within the window; the next attempt is refused. */
  max: number;
  windowMs: number;
}

export interface SignInLimits {
  perAddress: LimitRule;
  perAccount: LimitRule;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  perAddress: { max: 10, windowMs: 10 * 60_000 },
  perAccount: { max: 10, windowMs: 15 * 60_000 },
};

/** Keys kept per limiter: an attacker rotating addresses cannot grow memory without bound. */
const MAX_KEYS = 10_000;

class FailureWindow {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly rule: LimitRule) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.rule.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  waitMs(key: string, now: number): number {
    const list = this.recent(key, now);
    if (list.length < this.rule.max) return 0;
    // The attempt is allowed again when enough failures have left the window.
    return list[list.length - this.rule.max]! + this.rule.windowMs - now;
  }

  fail(key: string, now: number): void {
    const list = this.recent(key, now);
    list.push(now);
    // Only the last `max` failures matter for waitMs.
    this.failures.set(key, list.slice(-this.rule.max));
    if (this.failures.size > MAX_KEYS) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  clear(key: string): void {
    this.failures.delete(key);
  }
}

export interface Refusal {
  /** What is limited, for the message and the audit log. */
  scope: 'address' | 'account';
  /** Whole seconds, for Retry-After (RFC 9110 §10.2.3). */
  retryAfterS: number;
}

export class SignInLimiter {
  private readonly byAddress: FailureWindow;
  private readonly byAccount: FailureWindow;

  constructor(
    limits: SignInLimits,
    private readonly clock: () => Date,
  ) {
    this.byAddress = new FailureWindow(limits.perAddress);
    this.byAccount = new FailureWindow(limits.perAccount);
  }

  /** Whether an attempt from `address` (naming `account`, when known) must be refused now. */
  check(address: string, account?: string): Refusal | undefined {
    const now = this.clock().getTime();
    const a = this.byAddress.waitMs(address, now);
    if (a > 0) return { scope: 'address', retryAfterS: Math.ceil(a / 1000) };
    const u = account === undefined ? 0 : this.byAccount.waitMs(account, now);
    if (u > 0) return { scope: 'account', retryAfterS: Math.ceil(u / 1000) };
    return undefined;
  }

  failed(address: string, account?: string): void {
    const now = this.clock().getTime();
    this.byAddress.fail(address, now);
    if (account !== undefined) this.byAccount.fail(account, now);
  }

  succeeded(account: string): void {
    this.byAccount.clear(account);
  }
}

/** 429 with Retry-After: too many failed sign-ins from this address or for this account. */
export function tooMany(refusal: Refusal): ApiError {
  const minutes = Math.max(1, Math.ceil(refusal.retryAfterS / 60));
  return new ApiError(
    429,
    'E_RATE_LIMITED',
    `too many failed sign-ins ${refusal.scope === 'address' ? 'from this address' : 'for this account'}`,
    {
      hint: `try again in ${minutes} minute(s); check the token with your administrator`,
    },
  );
}
