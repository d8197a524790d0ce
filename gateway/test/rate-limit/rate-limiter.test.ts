import { once } from 'node:events';
import { createServer } from 'node:net';
import { captureLogs } from '../../../test/support/logs.js';
import type { RateLimitDecision } from '../../src/rate-limit/options.js';
import { createRateLimiter, type ManagedRateLimiter, type SharedBucketStore } from '../../src/rate-limit/rate-limiter.js';

const WARN = 40;
const INFO = 30;

/** A shared store that answers or fails as the test says. */
class SwitchableStore implements SharedBucketStore {
  failing = false;
  calls = 0;
  async take(): Promise<RateLimitDecision> {
    this.calls++;
    if (this.failing) throw new Error('Command timed out');
    return { allowed: true, remaining: 99, retryAfterMs: 0 };
  }
  async ready(): Promise<void> {}
  async close(): Promise<void> {}
}

describe('rate limiter', () => {
  it('limits in memory when no shared store is configured', async () => {
    let now = 0;
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 2, store: { kind: 'memory' } }, { logger: captureLogs().logger, now: () => now });
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await limiter.take('ip:10.0.0.1')).allowed);
    now = 1000;
    seen.push((await limiter.take('ip:10.0.0.1')).allowed);
    expect(seen).toEqual([true, true, false, true]);
    await limiter.close();
  });

  it('falls back to memory while the shared store fails, warning once per outage and noting the recovery', async () => {
    const { logger, lines } = captureLogs();
    const store = new SwitchableStore();
    const limiter = createRateLimiter(
      { ratePerSecond: 1, burst: 2, store: { kind: 'redis', url: 'redis://unused', keyPrefix: 'unused:' } },
      { logger, now: () => 0, sharedStore: store },
    );
    const allowed = async (n: number) => {
      const seen: boolean[] = [];
      for (let i = 0; i < n; i++) seen.push((await limiter.take('sub:alice')).allowed);
      return seen;
    };

    expect(await allowed(3)).toEqual([true, true, true]);
    store.failing = true;
    expect(await allowed(4)).toEqual([true, true, false, false]);
    store.failing = false;
    expect(await allowed(2)).toEqual([true, true]);
    store.failing = true;
    expect(await allowed(1)).toEqual([false]);

    // Every request still asked the shared store first.
    expect(store.calls).toBe(10);
    const warnings = lines.filter((line) => line.level === WARN);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ msg: expect.stringContaining('Redis failed'), err: { message: 'Command timed out' } });
    expect(lines.filter((line) => line.level === INFO)).toEqual([expect.objectContaining({ msg: expect.stringContaining('Redis answers again') })]);
  });

  it.each([
    [{ ratePerSecond: 0, burst: 1 }, 'ratePerSecond: expected a positive number of requests per second, got 0'],
    [{ ratePerSecond: Number.POSITIVE_INFINITY, burst: 1 }, 'ratePerSecond: expected a positive number of requests per second, got Infinity'],
    [{ ratePerSecond: 1, burst: 0.5 }, 'burst: expected a positive whole number of requests, got 0.5'],
  ])('refuses %p', (limit, message) => {
    expect(() => createRateLimiter({ ...limit, store: { kind: 'memory' } }, { logger: captureLogs().logger })).toThrow(message);
  });

  describe('with Redis down', () => {
    let limiter: ManagedRateLimiter;
    const { logger, lines } = captureLogs();

    beforeAll(async () => {
      // A port that was free a moment ago: nothing listens there, so every connection is refused.
      const probe = createServer().listen(0, '127.0.0.1');
      await once(probe, 'listening');
      const { port } = probe.address() as { port: number };
      probe.close();
      await once(probe, 'close');
      limiter = createRateLimiter(
        { ratePerSecond: 0.01, burst: 2, store: { kind: 'redis', url: `redis://127.0.0.1:${port}`, keyPrefix: 'meshgate-test:down:' } },
        { logger, now: () => 0 },
      );
      await limiter.ready();
    });

    afterAll(async () => {
      await limiter.close();
    });

    it('still limits every caller, in memory, and warns once', async () => {
      const seen: boolean[] = [];
      for (let i = 0; i < 5; i++) seen.push((await limiter.take('ip:10.0.0.2')).allowed);
      seen.push((await limiter.take('ip:10.0.0.3')).allowed);
      expect(seen).toEqual([true, true, false, false, false, true]);
      expect(lines.filter((line) => line.level === WARN)).toHaveLength(1);
      expect(lines.filter((line) => Number(line.level) >= 50)).toHaveLength(0);
    });
  });
});
