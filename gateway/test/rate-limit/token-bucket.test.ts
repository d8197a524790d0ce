import { retryAfterSeconds, takeToken, type BucketLimit, type BucketState } from '../../src/rate-limit/token-bucket.js';

interface Step {
  /** The clock, in ms, when the request arrives. */
  at: number;
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
}

const cases: { name: string; limit: BucketLimit; steps: Step[] }[] = [
  {
    name: 'a full bucket serves the burst, then refuses',
    limit: { ratePerSecond: 1, burst: 3 },
    steps: [
      { at: 0, allowed: true, remaining: 2, retryAfterMs: 0 },
      { at: 0, allowed: true, remaining: 1, retryAfterMs: 0 },
      { at: 0, allowed: true, remaining: 0, retryAfterMs: 1000 },
      { at: 0, allowed: false, remaining: 0, retryAfterMs: 1000 },
    ],
  },
  {
    name: 'tokens come back with elapsed time',
    limit: { ratePerSecond: 2, burst: 2 },
    steps: [
      { at: 0, allowed: true, remaining: 1, retryAfterMs: 0 },
      { at: 0, allowed: true, remaining: 0, retryAfterMs: 500 },
      { at: 0, allowed: false, remaining: 0, retryAfterMs: 500 },
      { at: 499, allowed: false, remaining: 0, retryAfterMs: 1 },
      { at: 500, allowed: true, remaining: 0, retryAfterMs: 500 },
      { at: 1500, allowed: true, remaining: 1, retryAfterMs: 0 },
    ],
  },
  {
    name: 'the wait is rounded up to a whole millisecond',
    limit: { ratePerSecond: 3, burst: 1 },
    steps: [
      { at: 0, allowed: true, remaining: 0, retryAfterMs: 334 },
      { at: 333, allowed: false, remaining: 0, retryAfterMs: 1 },
      { at: 334, allowed: true, remaining: 0, retryAfterMs: 334 },
    ],
  },
  {
    name: 'a fraction of a token refills, but a request needs a whole one',
    limit: { ratePerSecond: 10, burst: 1 },
    steps: [
      { at: 0, allowed: true, remaining: 0, retryAfterMs: 100 },
      { at: 50, allowed: false, remaining: 0, retryAfterMs: 50 },
      { at: 75, allowed: false, remaining: 0, retryAfterMs: 25 },
      { at: 100, allowed: true, remaining: 0, retryAfterMs: 100 },
    ],
  },
  {
    // Unrounded, 0.8999999999999999 + 0.1 stays below one token and the caller is refused with no wait at all.
    name: 'a caller who waits exactly as long as told finds a token despite float error',
    limit: { ratePerSecond: 100, burst: 2 },
    steps: [
      { at: 0, allowed: true, remaining: 1, retryAfterMs: 0 },
      { at: 9, allowed: true, remaining: 0, retryAfterMs: 1 },
      { at: 10, allowed: true, remaining: 0, retryAfterMs: 10 },
    ],
  },
  {
    name: 'a slow rate: half a token per second',
    limit: { ratePerSecond: 0.5, burst: 1 },
    steps: [
      { at: 0, allowed: true, remaining: 0, retryAfterMs: 2000 },
      { at: 1000, allowed: false, remaining: 0, retryAfterMs: 1000 },
      { at: 2000, allowed: true, remaining: 0, retryAfterMs: 2000 },
    ],
  },
  {
    name: 'a long idle fills the bucket to the burst, never beyond',
    limit: { ratePerSecond: 1, burst: 2 },
    steps: [
      { at: 0, allowed: true, remaining: 1, retryAfterMs: 0 },
      { at: 0, allowed: true, remaining: 0, retryAfterMs: 1000 },
      { at: 1_000_000_000, allowed: true, remaining: 1, retryAfterMs: 0 },
      { at: 1_000_000_000, allowed: true, remaining: 0, retryAfterMs: 1000 },
      { at: 1_000_000_000, allowed: false, remaining: 0, retryAfterMs: 1000 },
    ],
  },
  {
    name: 'a clock that steps back refills nothing and takes nothing away',
    limit: { ratePerSecond: 1, burst: 1 },
    steps: [
      { at: 5000, allowed: true, remaining: 0, retryAfterMs: 1000 },
      { at: 0, allowed: false, remaining: 0, retryAfterMs: 1000 },
      { at: 1000, allowed: true, remaining: 0, retryAfterMs: 1000 },
    ],
  },
];

describe('token bucket', () => {
  it.each(cases)('$name', ({ limit, steps }) => {
    let state: BucketState | undefined;
    const seen = steps.map((step) => {
      const next = takeToken(state, limit, step.at);
      state = next.state;
      return { at: step.at, ...next.decision };
    });
    expect(seen).toEqual(steps);
  });

  it('keeps the fraction between requests', () => {
    const first = takeToken(undefined, { ratePerSecond: 10, burst: 1 }, 0);
    expect(takeToken(first.state, { ratePerSecond: 10, burst: 1 }, 50).state.tokens).toBeCloseTo(0.5, 12);
  });

  it.each([
    [0, 1],
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [2500, 3],
    [60_000, 60],
  ])('Retry-After for %i ms is %i s', (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });
});
