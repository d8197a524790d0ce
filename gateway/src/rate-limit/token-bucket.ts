import type { RateLimitDecision } from './options.js';

/** The limit one bucket follows. */
export interface BucketLimit {
  readonly ratePerSecond: number;
  readonly burst: number;
}

/** A bucket as stored: its (fractional) tokens at the moment it was last written. */
export interface BucketState {
  readonly tokens: number;
  readonly updatedAtMs: number;
}

/**
 * The token bucket's arithmetic, without a clock or a store, so it can be tested in a table.
 * redis-store.ts runs the same steps in Lua; keep the two in step (a test compares them).
 *
 * A missing bucket is full. Tokens refill by elapsed time, capped at the burst; a clock that
 * went backwards (another replica, a clock step) refills nothing rather than taking tokens away.
 */
export function takeToken(
  state: BucketState | undefined,
  limit: BucketLimit,
  nowMs: number,
): { state: BucketState; decision: RateLimitDecision } {
  const elapsedMs = state === undefined ? 0 : Math.max(0, nowMs - state.updatedAtMs);
  const refilled = state === undefined ? limit.burst : Math.min(limit.burst, state.tokens + (elapsedMs * limit.ratePerSecond) / 1000);
  // Rounded to a billionth of a token, so float error cannot refuse a caller who waited exactly as long as told.
  const available = Math.round(refilled * 1e9) / 1e9;
  const allowed = available >= 1;
  const tokens = allowed ? available - 1 : available;
  return {
    state: { tokens, updatedAtMs: nowMs },
    decision: { allowed, remaining: Math.floor(tokens), retryAfterMs: msUntilToken(tokens, limit.ratePerSecond) },
  };
}

/** Milliseconds until `tokens` grows to one whole token, rounded up so a caller who waits that long finds it. */
export function msUntilToken(tokens: number, ratePerSecond: number): number {
  if (tokens >= 1) return 0;
  // Rounded to a microsecond first, so float error (1.0000000000000009 ms) does not add a whole millisecond.
  return Math.ceil(Math.round(((1 - tokens) * 1000 * 1000) / ratePerSecond) / 1000);
}

/** The `Retry-After` value: whole seconds, rounded up, and at least 1 (`0` would invite an immediate retry). */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
