import type { RateLimitDecision } from './options.js';
import type { BucketLimit } from './token-bucket.js';

/** Where buckets are kept: in this process (memory-store.ts) or shared by replicas (redis-store.ts). */
export interface BucketStore {
  /** Takes one token from `key`'s bucket, or reports how long until one is there. */
  take(key: string, limit: BucketLimit): RateLimitDecision | Promise<RateLimitDecision>;
}
