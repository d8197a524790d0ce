import { estimatePercentile, LATENCY_BOUNDS_MS } from '../../src/promises/latency-histogram.js';
import { createSubgraphWindows, WINDOWS, type SubgraphWindows } from '../../src/promises/subgraph-windows.js';
import type { SubgraphFetchEvent } from '../../src/telemetry/fetch-observer.js';

const MINUTE = 60_000;
// A Monday 00:00 UTC: every window's buckets start on it.
const T0 = Date.parse('2026-03-02T00:00:00.000Z');

function clock(start = T0) {
  let t = start;
  return { now: () => t, set: (v: number) => (t = v), advance: (ms: number) => (t += ms) };
}

const ok = (durationMs: number, graphqlErrors = 0): SubgraphFetchEvent => ({ subgraph: 'inventory', outcome: 'ok', durationMs, status: 200, graphqlErrors });
const outcome = (o: SubgraphFetchEvent['outcome'], durationMs = 0): SubgraphFetchEvent => ({ subgraph: 'inventory', outcome: o, durationMs, graphqlErrors: 0 });

describe('subgraph windows', () => {
  let c: ReturnType<typeof clock>;
  let windows: SubgraphWindows;
  beforeEach(() => {
    c = clock();
    windows = createSubgraphWindows({ now: c.now });
  });

  it('counts every outcome apart; cancelled fetches are no requests, errors and rejections no latencies', () => {
    for (const event of [ok(10), ok(20, 2), outcome('error', 1), outcome('timeout', 300), outcome('rejected'), outcome('cancelled', 5)]) windows.fetchObserver.onFetch!(event);
    expect(windows.snapshot('inventory', 'hour')).toEqual({
      window: 'hour',
      from: '2026-03-01T23:01:00.000Z',
      to: '2026-03-02T00:00:00.000Z',
      requests: 5,
      ok: 2,
      errors: 1,
      timeouts: 1,
      rejected: 1,
      cancelled: 1,
      graphqlErrorAnswers: 1,
      latencySamples: 3,
      p50Ms: 17.5,
      p99Ms: 298.5,
      maxMs: 300,
    });
  });

  it.each([
    ['hour', 59 * MINUTE, 60 * MINUTE],
    ['day', 95 * 15 * MINUTE, 96 * 15 * MINUTE],
    ['week', 167 * 60 * MINUTE, 168 * 60 * MINUTE],
  ] as const)('the %s keeps an event for exactly its buckets, then forgets it', (window, kept, gone) => {
    windows.record(ok(10));
    c.set(T0 + kept);
    expect(windows.snapshot('inventory', window).requests).toBe(1);
    c.set(T0 + gone);
    expect(windows.snapshot('inventory', window).requests).toBe(0);
    expect(windows.snapshot('inventory', window).p99Ms).toBeNull();
  });

  it('a slot reused a ring later starts from zero', () => {
    windows.record(outcome('error'));
    c.advance(60 * MINUTE);
    windows.record(ok(5));
    expect(windows.snapshot('inventory', 'hour')).toMatchObject({ requests: 1, ok: 1, errors: 0 });
  });

  it('series: one point per bucket, oldest first, empty buckets included, errors = failures + rejections', () => {
    windows.record(ok(100));
    windows.record(outcome('error'));
    c.advance(2 * MINUTE);
    windows.record(outcome('rejected'));
    windows.record(outcome('timeout', 1000));
    const series = windows.series('inventory', 'hour');
    expect(series).toHaveLength(WINDOWS.hour.buckets);
    expect(series[0].start).toBe('2026-03-01T23:03:00.000Z');
    expect(series.slice(-3)).toEqual([
      { start: '2026-03-02T00:00:00.000Z', requests: 2, errors: 1, timeouts: 0, p50Ms: 87.5, p99Ms: 99.75 },
      { start: '2026-03-02T00:01:00.000Z', requests: 0, errors: 0, timeouts: 0, p50Ms: null, p99Ms: null },
      { start: '2026-03-02T00:02:00.000Z', requests: 2, errors: 1, timeouts: 1, p50Ms: 875, p99Ms: 997.5 },
    ]);
    expect(windows.series('inventory', 'week')).toHaveLength(168);
    expect(windows.series('inventory', 'day')).toHaveLength(96);
  });

  it('a clock that steps back counts into the newest bucket instead of overwriting a newer one', () => {
    c.advance(5 * MINUTE);
    windows.record(ok(10));
    c.advance(-61 * MINUTE);
    windows.record(ok(10));
    expect(windows.snapshot('inventory', 'hour').requests).toBe(2);
  });

  it('a subgraph never heard of reads as an empty window and stores nothing', () => {
    expect(windows.snapshot('nobody', 'day')).toMatchObject({ requests: 0, p50Ms: null, p99Ms: null, maxMs: null });
    expect(windows.series('nobody', 'hour')).toHaveLength(60);
    expect(windows.subgraphs()).toEqual([]);
  });

  it('drops events of subgraphs the gateway does not serve', () => {
    const served = new Set(['inventory']);
    const bounded = createSubgraphWindows({ now: c.now, isServed: (name) => served.has(name) });
    bounded.record({ ...ok(1), subgraph: 'gone' });
    bounded.record(ok(1));
    expect(bounded.subgraphs()).toEqual(['inventory']);
    expect(bounded.dropped).toBe(1);
  });

  it('at the cap, forgets the least recently heard subgraph no longer served; drops the event when all are served', () => {
    const served = new Set(['a', 'b']);
    const bounded = createSubgraphWindows({ now: c.now, isServed: (name) => served.has(name), maxSubgraphs: 2 });
    bounded.record({ ...ok(1), subgraph: 'a' });
    c.advance(1000);
    bounded.record({ ...ok(1), subgraph: 'b' });
    served.add('c');
    bounded.record({ ...ok(1), subgraph: 'c' });
    expect({ stored: bounded.subgraphs(), dropped: bounded.dropped }).toEqual({ stored: ['a', 'b'], dropped: 1 });
    // A reload serves only 'c': 'a' was heard of longest ago and goes to make room; 'b' is no longer counted.
    served.clear();
    served.add('c');
    bounded.record({ ...ok(1), subgraph: 'b' });
    bounded.record({ ...ok(1), subgraph: 'c' });
    expect({ stored: bounded.subgraphs(), dropped: bounded.dropped }).toEqual({ stored: ['b', 'c'], dropped: 2 });
  });

  it('memory is bounded: a million events over a week stay in the same rings', () => {
    for (let i = 0; i < 1_000_000; i++) {
      windows.record(ok(i % 400));
      c.advance(600);
    }
    // 100 events a minute; the clock now stands at the start of a new, empty minute: 59 full ones in the hour.
    expect(windows.snapshot('inventory', 'hour').requests).toBe(5900);
    expect(windows.subgraphs()).toEqual(['inventory']);
  });
});

describe('estimatePercentile', () => {
  const counts = (values: readonly number[]) => {
    const c = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    for (const v of values) {
      let i = 0;
      while (i < LATENCY_BOUNDS_MS.length && v > LATENCY_BOUNDS_MS[i]) i++;
      c[i]++;
    }
    return c;
  };
  const many = (n: number, v: number) => Array.from({ length: n }, () => v);

  it.each<[string, number[], number, number | null]>([
    ['no samples', [], 0.99, null],
    ['one sample: never above it', [42], 0.99, 42],
    ['interpolates inside the bucket of the rank', [...many(50, 105), ...many(50, 120)], 0.5, 112.5],
    ['99 of 100 at or under 150: p99 at most 150 (kept exactly at the bound)', [...many(99, 150), 400], 0.99, 150],
    ['98 of 100 under 150: p99 above 150 (interpolated to 175, never above the slowest)', [...many(98, 150), 151, 151], 0.99, 151],
    ['98 of 100 under 150, two in the next bucket: interpolated inside it', [...many(98, 150), 160, 190], 0.99, 175],
    ['the overflow bucket ends at the largest duration seen', many(10, 60_000), 0.99, 59_700],
  ])('%s', (_name, values, q, expected) => {
    expect(estimatePercentile(counts(values), q, values.length ? Math.max(...values) : 0)).toBe(expected);
  });
});
