import { LRUCache } from 'lru-cache';

export interface LogThrottleOptions {
  /** How long one key stays quiet after it was logged. Default 60000 ms. */
  windowMs?: number;
  /** Keys remembered at once; beyond it the least recently logged is forgotten (and may log again). Default 10000. */
  maxKeys?: number;
  /** The clock the window is measured on. Default `performance` (tests pass their own). */
  clock?: { now(): number };
}

/** Lets a log line through once per key per window, remembering a bounded number of keys. */
export interface LogThrottle {
  /** True the first time `key` is seen in its window (and starts the window); false until it ends. */
  take(key: string): boolean;
}

export function createLogThrottle(options: LogThrottleOptions = {}): LogThrottle {
  const seen = new LRUCache<string, true>({
    max: options.maxKeys ?? 10_000,
    ttl: options.windowMs ?? 60_000,
    // Checks the clock on every lookup instead of caching it behind a timer: this runs only for
    // operations outside the manifest, and an injected clock must be read when it is asked.
    ttlResolution: 0,
    perf: options.clock ?? performance,
  });
  return {
    take(key) {
      if (seen.has(key)) return false;
      seen.set(key, true);
      return true;
    },
  };
}
