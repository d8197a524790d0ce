import { Redis } from 'ioredis';
import type { Logger } from '../../../shared/logging.js';
import type { BucketStore } from './bucket-store.js';
import type { RateLimitDecision } from './options.js';
import type { BucketLimit } from './token-bucket.js';

/**
 * token-bucket.ts's `takeToken`, run inside Redis so that reading, refilling, taking and writing
 * back are one atomic step for every replica. It reads Redis's own clock (`TIME`), so replicas
 * whose clocks disagree still agree on elapsed time; that needs Redis 5 or newer (scripts replicate
 * their effects, so a clock read may precede a write). The key expires once the bucket would be
 * full again, when it is the same as no key, so idle callers leave nothing behind.
 *
 * KEYS[1]: the bucket. ARGV[1]: tokens per second. ARGV[2]: burst.
 * Returns { 1 if a token was taken else 0, whole tokens left, ms until a whole token }.
 */
export const TAKE_TOKEN_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = burst
local stored_tokens = tonumber(stored[1])
local stored_ts = tonumber(stored[2])
if stored_tokens and stored_ts then
  tokens = math.min(burst, stored_tokens + math.max(0, now - stored_ts) * rate / 1000)
end
tokens = math.floor(tokens * 1e9 + 0.5) / 1e9
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
local wait = 0
if tokens < 1 then
  wait = math.ceil(math.floor((1 - tokens) * 1000 * 1000 / rate + 0.5) / 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((burst - tokens) * 1000 / rate)))
return { allowed, math.floor(tokens), wait }
`;

const COMMAND = 'meshgateTakeToken';

/** A Redis client with the script defined on it (`defineCommand` adds the method at runtime, which the client's types cannot know). */
type ScriptedRedis = Redis & { [COMMAND](key: string, ratePerSecond: number, burst: number): Promise<unknown> };

export interface RedisStoreOptions {
  /** A `redis://` or `rediss://` URL. */
  url: string;
  /** Prepended to every bucket's key. */
  keyPrefix: string;
  /** How long one call may take before it fails (and the caller falls back). Default 100 ms. */
  commandTimeoutMs?: number;
  /** How long opening a connection may take. Default 1000 ms. */
  connectTimeoutMs?: number;
}

/** Default bound on one Redis call: a rate limit decision must never cost a request more than this. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 100;

/** Buckets in Redis, shared by every replica that uses the same server and key prefix. */
export class RedisBucketStore implements BucketStore {
  readonly #client: ScriptedRedis;
  readonly #keyPrefix: string;
  #lastError: Error | undefined;

  constructor(options: RedisStoreOptions, logger: Logger) {
    // Each call is bounded and nothing waits for a connection: when Redis is slow or away, a call
    // fails fast and the limiter answers from memory instead of holding the request.
    const client = new Redis(options.url, {
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: options.connectTimeoutMs ?? 1000,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectionName: 'meshgate-rate-limit',
    });
    // The limiter logs an outage once, on the request path; these repeat on every reconnection attempt.
    client.on('error', (error: Error) => {
      this.#lastError = error;
      logger.debug({ err: error }, 'rate limit: Redis connection error');
    });
    // defineCommand sends EVAL with the source once per connection, then EVALSHA with its hash.
    client.defineCommand(COMMAND, { numberOfKeys: 1, lua: TAKE_TOKEN_SCRIPT });
    this.#client = client as ScriptedRedis;
    this.#keyPrefix = options.keyPrefix;
  }

  async take(key: string, limit: BucketLimit): Promise<RateLimitDecision> {
    // The client would refuse anyway (no offline queue); this says why, for the outage's one warning.
    if (this.#client.status !== 'ready') {
      const cause = this.#lastError ? `; last connection error: ${this.#lastError.message}` : '';
      throw new Error(`Redis is not connected: expected status ready, got ${this.#client.status}${cause}`);
    }
    const reply = await this.#client[COMMAND](this.#keyPrefix + key, limit.ratePerSecond, limit.burst);
    if (!Array.isArray(reply) || reply.length !== 3 || !reply.every((n) => typeof n === 'number')) {
      throw new Error(`Rate limit script: expected [allowed, remaining, retryAfterMs] as three integers, got ${JSON.stringify(reply)}`);
    }
    // Checked just above: three numbers.
    const [allowed, remaining, retryAfterMs] = reply as [number, number, number];
    return { allowed: allowed === 1, remaining, retryAfterMs };
  }

  /** Resolves once the first connection is ready or has failed, so early requests do not fall back only because it is still opening. */
  ready(): Promise<void> {
    const client = this.#client;
    if (client.status === 'ready' || client.status === 'end') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        for (const event of ['ready', 'error', 'end'] as const) client.off(event, done);
        resolve();
      };
      for (const event of ['ready', 'error', 'end'] as const) client.on(event, done);
    });
  }

  /** Closes the connection (and stops reconnecting). */
  async close(): Promise<void> {
    const client = this.#client;
    if (client.status === 'end') return;
    if (client.status === 'ready') {
      try {
        await client.quit();
        return;
      } catch {
        // A connection that broke while quitting is closed below all the same.
      }
    }
    client.disconnect();
  }
}
