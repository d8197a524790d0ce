import { RetryBudget } from '../../src/execution/retry-budget.js';

describe('RetryBudget', () => {
  function budget(percent: number, minPerSecond: number) {
    const clock = { now: 0 };
    return { clock, budget: new RetryBudget({ percent, minPerSecond, windowMs: 10_000, clock: () => clock.now }) };
  }

  it.each([
    // percent, minPerSecond, requests, retries allowed
    [20, 0, 0, 0],
    [20, 0, 4, 0],
    [20, 0, 5, 1],
    [20, 0, 100, 20],
    [50, 0, 10, 5],
    [0, 0, 100, 0],
    [20, 0.3, 0, 3],
    [20, 3, 10, 32],
  ])('%d %% plus %d/s over 10 s, after %d requests: %d retries', (percent, minPerSecond, requests, allowed) => {
    const { budget: b } = budget(percent, minPerSecond);
    for (let i = 0; i < requests; i++) b.recordRequest();
    let granted = 0;
    // Bounded, so a budget that never runs out fails the test instead of hanging it.
    while (granted < 1000 && b.tryRetry()) granted++;
    expect(granted).toBe(allowed);
    expect(b.remaining).toBe(0);
  });

  it('forgets requests and retries as they slide out of the window', () => {
    const { clock, budget: b } = budget(20, 0);
    for (let i = 0; i < 10; i++) b.recordRequest();
    expect(b.tryRetry()).toBe(true);
    expect(b.tryRetry()).toBe(true);
    expect(b.tryRetry()).toBe(false);
    clock.now = 5_000;
    for (let i = 0; i < 5; i++) b.recordRequest();
    expect(b.remaining).toBe(1);
    // At 10.0 s the first second's 10 requests and 2 retries have left; the 5 at 5 s remain.
    clock.now = 10_000;
    expect(b.remaining).toBe(1);
    clock.now = 15_000;
    expect(b.remaining).toBe(0);
    // After a long silence everything has left, once.
    clock.now = 1_000_000;
    b.recordRequest();
    expect(b.remaining).toBe(0);
    for (let i = 0; i < 4; i++) b.recordRequest();
    expect(b.remaining).toBe(1);
  });

  it.each([
    [{ percent: -1 }, 'expected percent to be 0 or more, got -1'],
    [{ minPerSecond: Number.NaN }, 'expected minPerSecond to be 0 or more, got NaN'],
    [{ windowMs: 10 }, 'expected windowMs to be at least 1000, got 10'],
  ])('refuses %j', (options, message) => {
    expect(() => new RetryBudget(options)).toThrow(message);
  });
});
