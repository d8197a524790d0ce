import { MemoryBucketStore } from '../../src/rate-limit/memory-store.js';

const limit = { ratePerSecond: 1, burst: 1 };

describe('in-memory bucket store', () => {
  it('keeps at most maxBuckets buckets; an evicted bucket is full again', () => {
    const store = new MemoryBucketStore({ maxBuckets: 3, now: () => 0 });
    for (const key of ['a', 'b', 'c']) expect(store.take(key, limit).allowed).toBe(true);
    expect(store.take('a', limit).allowed).toBe(false);
    // 'b' is now the least recently used: two new callers evict it and then 'c'.
    for (const key of ['d', 'e']) expect(store.take(key, limit).allowed).toBe(true);
    expect(store.size).toBe(3);
    expect(store.take('a', limit).allowed).toBe(false);
    expect(store.take('b', limit).allowed).toBe(true);
    expect(store.size).toBe(3);
  });

  it('holds a fixed number of buckets however many callers pass', () => {
    const store = new MemoryBucketStore({ maxBuckets: 100, now: () => 0 });
    for (let i = 0; i < 10_000; i++) store.take(`ip:10.0.${i >> 8}.${i & 255}`, limit);
    expect(store.size).toBe(100);
  });

  it('refills by the injected clock', () => {
    let now = 0;
    const store = new MemoryBucketStore({ now: () => now });
    expect(store.take('a', limit)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 1000 });
    expect(store.take('a', limit)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1000 });
    now = 1000;
    expect(store.take('a', limit).allowed).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxBuckets %p', (maxBuckets) => {
    expect(() => new MemoryBucketStore({ maxBuckets })).toThrow(`maxBuckets: expected a positive whole number, got ${maxBuckets}`);
  });
});
