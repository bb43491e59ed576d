/**
 * The pause before each reconnect attempt: exponential backoff with jitter.
 *
 * Its ceiling starts at `initialDelayMs` after a loss and doubles with each attempt that
 * fails, up to `maxDelayMs`; the pause is a random point in the ceiling's upper half, so
 * the clients that lost one agent (several windows, `llm-console`) do not all come back
 * in step, and none waits less than half the ceiling.
 */

/** The backoff's bounds, in milliseconds. */
export interface Backoff {
  initialDelayMs: number;
  maxDelayMs: number;
}

/** The doublings past which the ceiling is `maxDelayMs` for any sane bounds (and 2^n stays finite). */
const MAX_DOUBLINGS = 30;

/**
 * The pause before the next attempt, after `failedAttempts` attempts that failed since
 * the connection was lost. `random` is `Math.random` but in tests: a number in [0, 1).
 */
export function reconnectDelayMs(failedAttempts: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** Math.min(failedAttempts, MAX_DOUBLINGS));
  return ceiling * (0.5 + random() * 0.5);
}
