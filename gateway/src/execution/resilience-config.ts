import { z } from 'zod';
import { envVar, parseEnv } from '../../../shared/config/env.js';

/** How the gateway's subgraph fetches survive a subgraph that is down, slow or misbehaving. */
export interface SubgraphResilienceOptions {
  /** An answer longer than this is cut off and reported unavailable (Apollo Router's http_max_response_size). Default 10485760 (10 MiB). */
  maxResponseBytes: number;
  /** Retries of a query (never a mutation) after a failure that is safe to retry; 0 disables. Default 1. */
  retries: number;
  /** Retries may add at most this percentage of a subgraph's requests over ten seconds (plus a few per second). Default 20. */
  retryBudgetPercent: number;
  /** The per-subgraph circuit breaker, or false for none. Default `{ failures: 5, resetMs: 5000 }`. */
  circuitBreaker: false | { failures: number; resetMs: number };
}

export const DEFAULT_SUBGRAPH_RESILIENCE: SubgraphResilienceOptions = {
  maxResponseBytes: 10 * 1024 * 1024,
  retries: 1,
  retryBudgetPercent: 20,
  circuitBreaker: { failures: 5, resetMs: 5000 },
};

const schema = z.object({
  SUBGRAPH_MAX_RESPONSE_BYTES: envVar.positiveInt(DEFAULT_SUBGRAPH_RESILIENCE.maxResponseBytes),
  SUBGRAPH_RETRIES: z.coerce
    .number({ error: 'expected a whole number of retries, 0 or more' })
    .int('expected a whole number of retries, 0 or more')
    .min(0, 'expected a whole number of retries, 0 or more')
    .default(DEFAULT_SUBGRAPH_RESILIENCE.retries),
  SUBGRAPH_RETRY_BUDGET_PERCENT: z.coerce
    .number({ error: 'expected a percentage from 0 to 100' })
    .min(0, 'expected a percentage from 0 to 100')
    .max(100, 'expected a percentage from 0 to 100')
    .default(DEFAULT_SUBGRAPH_RESILIENCE.retryBudgetPercent),
  SUBGRAPH_CIRCUIT_BREAKER: envVar.boolean(true),
  SUBGRAPH_CIRCUIT_FAILURES: envVar.positiveInt(5),
  SUBGRAPH_CIRCUIT_RESET_MS: envVar.positiveInt(5000),
});

/**
 * Reads the subgraph resilience settings from the environment (`SUBGRAPH_TIMEOUT_MS`, the
 * overall deadline, stays with the gateway's config). Every wrong value is reported at once,
 * each naming its variable; the circuit's numbers are checked even when the breaker is off, so
 * turning it back on cannot reveal a typo made long ago.
 */
export function loadSubgraphResilienceConfig(env: Record<string, string | undefined> = process.env): SubgraphResilienceOptions {
  const parsed = parseEnv(schema, env);
  return {
    maxResponseBytes: parsed.SUBGRAPH_MAX_RESPONSE_BYTES,
    retries: parsed.SUBGRAPH_RETRIES,
    retryBudgetPercent: parsed.SUBGRAPH_RETRY_BUDGET_PERCENT,
    circuitBreaker: parsed.SUBGRAPH_CIRCUIT_BREAKER
      ? { failures: parsed.SUBGRAPH_CIRCUIT_FAILURES, resetMs: parsed.SUBGRAPH_CIRCUIT_RESET_MS }
      : false,
  };
}
