import { z } from 'zod';
import { parseEnv } from '../../../shared/config/env.js';

/** How the gateway measures the data products' promises. */
export interface PromisesConfig {
  /** Pause between two rounds of reading every product's `GET /freshness` (PROMISES_FRESHNESS_INTERVAL_MS). Default 30000. */
  freshnessIntervalMs: number;
  /**
   * Read `/freshness` at all. Default true; no variable: for programs and tests whose stand-in
   * subgraphs answer only GraphQL (the test stack turns it off unless a test asks for it).
   */
  freshnessPolling: boolean;
}

const MIN_INTERVAL_MS = 1000;
const MAX_INTERVAL_MS = 3_600_000;
const expected = `expected a whole number of milliseconds from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}`;

const schema = z.object({
  // At least a second: every gateway process polls every product, and a freshness promise is in seconds.
  PROMISES_FRESHNESS_INTERVAL_MS: z.coerce
    .number({ error: expected })
    .int(expected)
    .min(MIN_INTERVAL_MS, expected)
    .max(MAX_INTERVAL_MS, expected)
    .default(30_000),
});

/** Reads PROMISES_* from the environment; a wrong value names the variable and what was expected. */
export function loadPromisesConfig(env: Record<string, string | undefined> = process.env): PromisesConfig {
  const parsed = parseEnv(schema, env);
  return { freshnessIntervalMs: parsed.PROMISES_FRESHNESS_INTERVAL_MS, freshnessPolling: true };
}
