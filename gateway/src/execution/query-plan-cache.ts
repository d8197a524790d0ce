import type { QueryPlan, QueryPlanCache } from '@apollo/query-planner';
import { LRUCache } from 'lru-cache';

export interface QueryPlanCacheOptions {
  /** Approximate bytes of plans kept (their JSON size, as @apollo/gateway's own cache counts). Default 30 MiB, its default. */
  maxBytes?: number;
  /** Told of each lookup by the executor: a plan found (hit) or to be built (miss). Default none. */
  onLookup?: (hit: boolean) => void;
}

/**
 * @apollo/gateway's query-plan store, given through its public `queryPlannerConfig.cache` option
 * so the gateway can count hits and misses: the same LRU by approximate size as the built-in one,
 * one per generation (a plan belongs to one supergraph). Planning ahead (warm-plans.ts) writes here too.
 */
export function createQueryPlanCache(options: QueryPlanCacheOptions = {}): QueryPlanCache {
  const plans = new LRUCache<string, QueryPlan>({
    maxSize: options.maxBytes ?? 30 * 1024 * 1024,
    sizeCalculation: (plan) => Math.max(1, Buffer.byteLength(JSON.stringify(plan), 'utf8')),
  });
  const onLookup = options.onLookup;
  return {
    async get(key) {
      const plan = plans.get(key);
      onLookup?.(plan !== undefined);
      return plan;
    },
    async set(key, plan) {
      plans.set(key, plan);
    },
    async delete(key) {
      return plans.delete(key);
    },
    clear() {
      plans.clear();
    },
  };
}
