/**
 * The rate limiter's public contract: what an operator configures (read from the environment by
 * rate-limit-config.ts) and what the limiter answers. The implementation lives beside it.
 */

/** Where the buckets live; the two are exclusive. */
export type RateLimitStoreOptions =
  /** In this process only: each gateway replica limits on its own. */
  | { readonly kind: 'memory' }
  /** In Redis, so every replica pointed at it spends one shared budget per caller. */
  | {
      readonly kind: 'redis';
      /** A `redis://` or `rediss://` URL (REDIS_URL). */
      readonly url: string;
      /** Prepended to every bucket's key (RATE_LIMIT_KEY_PREFIX). Default `meshgate:rate-limit:`. */
      readonly keyPrefix: string;
    };

/** A token bucket per caller: `burst` tokens at most, refilled continuously at `ratePerSecond`. */
export interface RateLimitOptions {
  /** Tokens added to a caller's bucket per second, fractions allowed (RATE_LIMIT_PER_SECOND). No default: unset turns rate limiting off. */
  readonly ratePerSecond: number;
  /** The bucket's capacity: requests a rested caller may send at once (RATE_LIMIT_BURST). Default 2 × the rate, rounded up, at least 1. */
  readonly burst: number;
  /** Where the buckets live. Default in memory; Redis when REDIS_URL is set. */
  readonly store: RateLimitStoreOptions;
  /** Buckets kept in memory at most, least recently used evicted (an evicted bucket is full again). Default 100,000. */
  readonly maxBuckets?: number;
  /** How long one Redis call may take before the request falls back to the in-memory bucket. Default 100 ms. */
  readonly redisCommandTimeoutMs?: number;
}

/** Rate limiting is off, or on with every option it needs: the two cannot be mixed. */
export type RateLimitConfig = { readonly kind: 'off' } | ({ readonly kind: 'on' } & RateLimitOptions);

/** One request's verdict. */
export interface RateLimitDecision {
  /** True when a token was taken and the request may proceed. */
  readonly allowed: boolean;
  /** Whole tokens left in the bucket after this request. */
  readonly remaining: number;
  /** Milliseconds until the bucket holds a whole token again (0 when it holds one now). */
  readonly retryAfterMs: number;
}

/** Takes one token per request from the caller's bucket. */
export interface RateLimiter {
  /** The limit every bucket follows, for messages and headers. */
  readonly limit: { readonly ratePerSecond: number; readonly burst: number };
  /** Takes a token from `key`'s bucket. Never rejects: a failing shared store falls back to memory. */
  take(key: string): Promise<RateLimitDecision>;
}
