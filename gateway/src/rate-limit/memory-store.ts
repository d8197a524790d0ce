import { LRUCache } from 'lru-cache';
import type { BucketStore } from './bucket-store.js';
import type { RateLimitDecision } from './options.js';
import { takeToken, type BucketLimit, type BucketState } from './token-bucket.js';

/** Buckets kept at most when no bound is given. */
export const DEFAULT_MAX_BUCKETS = 100_000;

export interface MemoryStoreOptions {
  /** Buckets kept at most; the least recently used is evicted first. Default 100,000. */
  maxBuckets?: number;
  /** Milliseconds on a clock that only moves forward. Default `performance.now()`; tests pass their own. */
  now?: () => number;
}

/**
 * Buckets in a bounded map, so callers rotating addresses cannot grow it without limit. Evicting a
 * bucket forgets what its caller spent, which makes it full again: the bound trades a little
 * leniency towards the least active callers for a fixed memory ceiling.
 */
export class MemoryBucketStore implements BucketStore {
  readonly #buckets: LRUCache<string, BucketState>;
  readonly #now: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxBuckets ?? DEFAULT_MAX_BUCKETS;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxBuckets: expected a positive whole number, got ${max}`);
    this.#buckets = new LRUCache({ max });
    this.#now = options.now ?? (() => performance.now());
  }

  take(key: string, limit: BucketLimit): RateLimitDecision {
    const { state, decision } = takeToken(this.#buckets.get(key), limit, this.#now());
    this.#buckets.set(key, state);
    return decision;
  }

  /** Buckets held now (at most `maxBuckets`). */
  get size(): number {
    return this.#buckets.size;
  }
}
