import type { Logger } from '../../../shared/logging.js';
import type { BucketStore } from './bucket-store.js';
import { MemoryBucketStore } from './memory-store.js';
import type { RateLimitDecision, RateLimiter, RateLimitOptions } from './options.js';
import { RedisBucketStore } from './redis-store.js';

/** A store shared by replicas, with a connection to wait for and to close. */
export interface SharedBucketStore extends BucketStore {
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface RateLimiterDeps {
  logger: Logger;
  /** Milliseconds on a clock that only moves forward, for in-memory buckets. Default `performance.now()`. */
  now?: () => number;
  /** The shared store to use instead of the one `options.store` describes (tests pass a failing one). */
  sharedStore?: SharedBucketStore;
}

/** A rate limiter the gateway owns: it waits for it at start and closes it on stop. */
export interface ManagedRateLimiter extends RateLimiter {
  /** Resolves once a shared store's first connection is ready or has failed (at once in memory). */
  ready(): Promise<void>;
  /** Closes the shared store's connection, if any. */
  close(): Promise<void>;
}

/**
 * Builds the limiter `options` describe: buckets in memory, or in Redis with a fallback.
 *
 * When Redis fails, the request is limited by an in-memory bucket of this replica instead. Failing
 * open would lift the limit exactly when an overload may be what broke Redis, and failing closed
 * would turn a Redis outage into a gateway outage; in memory, each replica still holds every caller
 * to the limit, so the fleet as a whole allows at most one budget per replica until Redis is back.
 */
export function createRateLimiter(options: RateLimitOptions, deps: RateLimiterDeps): ManagedRateLimiter {
  const limit = { ratePerSecond: options.ratePerSecond, burst: options.burst };
  if (!Number.isFinite(limit.ratePerSecond) || limit.ratePerSecond <= 0) {
    throw new RangeError(`ratePerSecond: expected a positive number of requests per second, got ${limit.ratePerSecond}`);
  }
  if (!Number.isInteger(limit.burst) || limit.burst < 1) {
    throw new RangeError(`burst: expected a positive whole number of requests, got ${limit.burst}`);
  }
  const memory = new MemoryBucketStore({ maxBuckets: options.maxBuckets, now: deps.now });
  const shared = deps.sharedStore ?? sharedStoreFor(options, deps.logger);
  if (shared === undefined) {
    return { limit, take: async (key) => memory.take(key, limit), ready: async () => {}, close: async () => {} };
  }

  let outage = false;
  return {
    limit,
    async take(key: string): Promise<RateLimitDecision> {
      try {
        const decision = await shared.take(key, limit);
        if (outage) {
          outage = false;
          deps.logger.info('rate limit: Redis answers again; callers share one budget across replicas again');
        }
        return decision;
      } catch (error) {
        // Once per outage: a warning per request would flood the log exactly when it is needed.
        if (!outage) {
          outage = true;
          deps.logger.warn(
            { err: error },
            'rate limit: Redis failed; this replica limits callers on its own, in memory, until Redis answers again',
          );
        }
        return memory.take(key, limit);
      }
    },
    ready: () => shared.ready(),
    close: () => shared.close(),
  };
}

function sharedStoreFor(options: RateLimitOptions, logger: Logger): SharedBucketStore | undefined {
  const store = options.store;
  switch (store.kind) {
    case 'memory':
      return undefined;
    case 'redis':
      return new RedisBucketStore({ url: store.url, keyPrefix: store.keyPrefix, commandTimeoutMs: options.redisCommandTimeoutMs }, logger);
    default: {
      const unexpected: never = store;
      throw new Error(`Rate limit store: expected kind memory or redis, got ${JSON.stringify(unexpected)}`);
    }
  }
}
