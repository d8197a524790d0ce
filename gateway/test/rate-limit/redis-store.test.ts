import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { captureLogs } from '../../../test/support/logs.js';
import { MemoryBucketStore } from '../../src/rate-limit/memory-store.js';
import type { RateLimitDecision } from '../../src/rate-limit/options.js';
import { createRateLimiter, type ManagedRateLimiter } from '../../src/rate-limit/rate-limiter.js';
import { TAKE_TOKEN_SCRIPT } from '../../src/rate-limit/redis-store.js';
import { takeToken } from '../../src/rate-limit/token-bucket.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
/** One token per 100 s: the milliseconds a test takes refill nothing that counts, so no assertion depends on timing. */
const RATE = 0.01;
/** A bucket written "in the future" (year 2286): elapsed time is clamped to 0 whatever Redis's clock says. */
const FUTURE = 9_999_999_999_999;
const prefix = `meshgate-test:rate-limit:${process.pid}:${randomBytes(4).toString('hex')}:`;

const admin = new Redis(REDIS_URL);
const limiters: ManagedRateLimiter[] = [];
let keyspace = 0;

/** A limiter on the real Redis, with its own key prefix per test so tests never share buckets. */
async function redisLimiter(burst: number, keyPrefix = `${prefix}${++keyspace}:`): Promise<ManagedRateLimiter> {
  const limiter = createRateLimiter(
    { ratePerSecond: RATE, burst, store: { kind: 'redis', url: REDIS_URL, keyPrefix } },
    { logger: captureLogs().logger },
  );
  limiters.push(limiter);
  await limiter.ready();
  return limiter;
}

const shape = ({ allowed, remaining }: RateLimitDecision) => ({ allowed, remaining });

afterAll(async () => {
  await Promise.all(limiters.map((limiter) => limiter.close()));
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

describe('Redis bucket store', () => {
  it('takes and refuses exactly like the in-memory store for the same sequence', async () => {
    const burst = 3;
    const sequence = ['sub:alice', 'sub:alice', 'ip:10.0.0.1', 'sub:alice', 'sub:alice', 'ip:10.0.0.1', 'sub:alice', 'ip:10.0.0.1', 'ip:10.0.0.1'];
    const memory = new MemoryBucketStore({ now: () => 0 });
    const expected = sequence.map((key) => shape(memory.take(key, { ratePerSecond: RATE, burst })));

    const limiter = await redisLimiter(burst);
    const seen: ReturnType<typeof shape>[] = [];
    for (const key of sequence) seen.push(shape(await limiter.take(key)));

    expect(seen).toEqual(expected);
    expect(seen.filter((d) => d.allowed)).toHaveLength(6);
  });

  // Stored states that make the script's clock irrelevant (a timestamp from the future refills nothing;
  // one from 1970 refills everything), so its arithmetic can be held to takeToken's exactly.
  it.each([
    ['a clock step back refills nothing', { tokens: 0.5, updatedAtMs: FUTURE }, 3],
    ['float error does not hide a whole token', { tokens: 0.9999999999999999, updatedAtMs: FUTURE }, 3],
    ['a long idle fills to the burst, never beyond', { tokens: 0, updatedAtMs: 0 }, 3],
    ['a fraction left', { tokens: 2.25, updatedAtMs: FUTURE }, 3],
    ['a wait rounded up to a whole millisecond', { tokens: 0.1234567, updatedAtMs: FUTURE }, 3],
  ])('runs the same arithmetic as takeToken: %s', async (_name, state, burst) => {
    const keyPrefix = `${prefix}${++keyspace}:`;
    await admin.hset(`${keyPrefix}sub:frank`, { tokens: String(state.tokens), ts: String(state.updatedAtMs) });
    const limiter = await redisLimiter(burst, keyPrefix);
    const expected = takeToken(state, { ratePerSecond: RATE, burst }, Date.now()).decision;
    expect(await limiter.take('sub:frank')).toEqual(expected);
  });

  it('reports the wait for the next token when it refuses', async () => {
    const limiter = await redisLimiter(1);
    await limiter.take('sub:bob');
    const refused = await limiter.take('sub:bob');
    expect(refused.allowed).toBe(false);
    // One token per 100 s, less the few milliseconds since the first request.
    expect(refused.retryAfterMs).toBeGreaterThan(90_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(100_000);
  });

  it('lets two replicas spend one shared budget', async () => {
    const keyPrefix = `${prefix}shared:`;
    const replicas = [await redisLimiter(4, keyPrefix), await redisLimiter(4, keyPrefix)];
    const seen: boolean[] = [];
    for (let i = 0; i < 8; i++) seen.push((await replicas[i % 2].take('sub:carol')).allowed);
    expect(seen).toEqual([true, true, true, true, false, false, false, false]);
  });

  it('gives every bucket a TTL: the time until it would be full again', async () => {
    const keyPrefix = `${prefix}ttl:`;
    const limiter = await redisLimiter(3, keyPrefix);
    await limiter.take('sub:dave');
    const ttl = await admin.pttl(`${keyPrefix}sub:dave`);
    // One token spent at one token per 100 s.
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(100_000);
    const bucket = await admin.hgetall(`${keyPrefix}sub:dave`);
    expect(Number(bucket.tokens)).toBeCloseTo(2, 3);
  });

  it('loads the script once per connection and then runs it by EVALSHA', async () => {
    const keyPrefix = `${prefix}evalsha:`;
    const monitor = await admin.monitor();
    const marker = `end-of-test-${randomBytes(4).toString('hex')}`;
    const fromClient: string[] = [];
    const fromScript: string[] = [];
    const clientArgs: string[][] = [];
    const seenMarker = new Promise<void>((resolve) => {
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (args.includes(marker)) resolve();
        if (!args.some((arg) => arg.startsWith(keyPrefix))) return;
        if (source === 'lua') fromScript.push(args[0].toLowerCase());
        else {
          fromClient.push(args[0].toLowerCase());
          clientArgs.push(args.slice(2));
        }
      });
    });
    try {
      const limiter = await redisLimiter(10, keyPrefix);
      for (let i = 0; i < 5; i++) await limiter.take('sub:erin');
      // Redis shows MONITOR every command in the order it ran them, so once the marker arrives, all five have.
      await admin.echo(marker);
      await seenMarker;
    } finally {
      monitor.disconnect();
    }
    // One round trip per request, and the bucket is touched only from inside the script.
    expect(fromClient).toEqual(['eval', 'evalsha', 'evalsha', 'evalsha', 'evalsha']);
    // Only the key and the limit travel: the script reads Redis's clock, never a replica's.
    expect(clientArgs).toEqual(Array(5).fill(['1', `${keyPrefix}sub:erin`, '0.01', '10']));
    expect(fromScript).toEqual(Array(5).fill(['hmget', 'hset', 'pexpire']).flat());
    const sha = createHash('sha1').update(TAKE_TOKEN_SCRIPT).digest('hex');
    expect(await admin.script('EXISTS', sha)).toEqual([1]);
  });
});
