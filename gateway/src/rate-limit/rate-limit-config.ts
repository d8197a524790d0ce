import { z } from 'zod';
import { ConfigError, envVar, parseEnvInto } from '../../../shared/config/env.js';
import type { RateLimitConfig } from './options.js';

/** Prepended to every Redis key unless RATE_LIMIT_KEY_PREFIX says otherwise. */
export const DEFAULT_KEY_PREFIX = 'meshgate:rate-limit:';

const MIN_RATE = 0.001;
const MAX_RATE = 1_000_000;
const MAX_BURST = 1_000_000;
const RATE = `expected a number of requests per second from ${MIN_RATE} to ${MAX_RATE}`;
const BURST = `expected a positive whole number of requests, at most ${MAX_BURST}`;

const schema = z.object({
  RATE_LIMIT_PER_SECOND: z.coerce.number({ error: RATE }).min(MIN_RATE, RATE).max(MAX_RATE, RATE).optional(),
  RATE_LIMIT_BURST: z.coerce.number({ error: BURST }).int(BURST).min(1, BURST).max(MAX_BURST, BURST).optional(),
  REDIS_URL: envVar.url(['redis', 'rediss']).optional(),
  RATE_LIMIT_KEY_PREFIX: z.string().default(DEFAULT_KEY_PREFIX),
});

/**
 * Reads per-caller rate limiting from the environment:
 * - `RATE_LIMIT_PER_SECOND`: requests per second each caller may sustain. Unset (the default)
 *   means no rate limiting, because many users behind one NAT address, or a benchmark, must not
 *   be throttled by a limit nobody chose.
 * - `RATE_LIMIT_BURST`: requests a rested caller may send at once. Default 2 × the rate, rounded
 *   up, at least 1. Setting it without `RATE_LIMIT_PER_SECOND` is an error.
 * - `REDIS_URL` (`redis://` or `rediss://`): keep buckets in Redis, shared by replicas. Unset: in memory.
 * - `RATE_LIMIT_KEY_PREFIX`: prefix of the Redis keys. Default `meshgate:rate-limit:` (used only with Redis).
 * Every problem is reported at once, each naming its variable, what was expected and what arrived.
 */
export function loadRateLimitConfig(env: Record<string, string | undefined> = process.env): RateLimitConfig {
  const problems: string[] = [];
  const parsed = parseEnvInto(schema, env, problems);
  // Checked on the raw values, so it is reported beside a malformed value rather than after it is fixed.
  const burst = setValue(env.RATE_LIMIT_BURST);
  if (burst !== undefined && setValue(env.RATE_LIMIT_PER_SECOND) === undefined) {
    problems.push(
      `RATE_LIMIT_BURST: set (got "${burst}") while RATE_LIMIT_PER_SECOND is not; a burst needs a rate: set RATE_LIMIT_PER_SECOND too, or unset RATE_LIMIT_BURST`,
    );
  }
  if (problems.length > 0 || parsed === undefined) throw new ConfigError(problems);

  const rate = parsed.RATE_LIMIT_PER_SECOND;
  if (rate === undefined) return { kind: 'off' };
  return {
    kind: 'on',
    ratePerSecond: rate,
    burst: parsed.RATE_LIMIT_BURST ?? Math.max(1, Math.ceil(2 * rate)),
    store: parsed.REDIS_URL === undefined ? { kind: 'memory' } : { kind: 'redis', url: parsed.REDIS_URL, keyPrefix: parsed.RATE_LIMIT_KEY_PREFIX },
  };
}

/** The value as parseEnv sees it: blank means not set. */
function setValue(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
