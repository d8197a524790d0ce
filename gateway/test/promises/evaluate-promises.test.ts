import { evaluatePromises, MIN_SAMPLES, type PromiseInputs, type PromiseRow } from '../../src/promises/evaluate-promises.js';
import type { WindowName, WindowSnapshot } from '../../src/promises/subgraph-windows.js';

const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const SLO = { availability: 99.9, latencyP99Ms: 150, freshnessSeconds: 0 };

/** A window where `requests` fetches all answered fast, unless `over` says otherwise. */
function snapshot(window: WindowName, over: Partial<WindowSnapshot> = {}): WindowSnapshot {
  const requests = over.requests ?? 1000;
  return {
    window,
    from: '',
    to: '',
    requests,
    ok: requests,
    errors: 0,
    timeouts: 0,
    rejected: 0,
    cancelled: 0,
    graphqlErrorAnswers: 0,
    latencySamples: requests,
    p50Ms: requests ? 20 : null,
    p99Ms: requests ? 90 : null,
    maxMs: requests ? 120 : null,
    ...over,
  };
}

function inputs(hour: Partial<WindowSnapshot>, more: Partial<PromiseInputs> = {}): PromiseInputs {
  return { slo: SLO, snapshots: { hour: snapshot('hour', hour), day: snapshot('day'), week: snapshot('week') }, now: NOW, freshness: { known: true, lastChangedAt: null }, ...more };
}

const row = (rows: PromiseRow[], property: PromiseRow['property'], window: PromiseRow['window']) => rows.find((r) => r.property === property && r.window === window);

describe('evaluatePromises', () => {
  it('answers every property over every window, then freshness now, in a fixed order', () => {
    const rows = evaluatePromises(inputs({}));
    expect(rows.map((r) => `${r.property}/${r.window}`)).toEqual([
      'availability/hour', 'availability/day', 'availability/week',
      'latencyP99Ms/hour', 'latencyP99Ms/day', 'latencyP99Ms/week',
      'latencyP50Ms/hour', 'latencyP50Ms/day', 'latencyP50Ms/week',
      'errorRate/hour', 'errorRate/day', 'errorRate/week',
      'freshnessSeconds/now',
    ]);
  });

  it.each<[string, Partial<WindowSnapshot>, Omit<PromiseRow, 'property' | 'window'>]>([
    ['every fetch answered', {}, { promised: 99.9, measured: 100, met: true, samples: 1000 }],
    ['exactly at the promise is kept', { ok: 999, errors: 1 }, { promised: 99.9, measured: 99.9, met: true, samples: 1000 }],
    ['one failure too many breaks it', { ok: 998, errors: 2 }, { promised: 99.9, measured: 99.8, met: false, samples: 1000 }],
    ['timeouts and circuit rejections count as failures', { ok: 998, timeouts: 1, rejected: 1 }, { promised: 99.9, measured: 99.8, met: false, samples: 1000 }],
    ['never rounded up into a kept promise', { requests: 100_000, ok: 99_899, errors: 101 }, { promised: 99.9, measured: 99.899, met: false, samples: 100_000 }],
    ['GraphQL errors in an answer are the subgraph answering', { graphqlErrorAnswers: 500 }, { promised: 99.9, measured: 100, met: true, samples: 1000 }],
    [`fewer than ${MIN_SAMPLES} fetches: measured, not judged`, { requests: MIN_SAMPLES - 1, ok: MIN_SAMPLES - 2, errors: 1 }, { promised: 99.9, measured: 98.9898, met: null, samples: MIN_SAMPLES - 1 }],
    ['no fetch: nothing measured', { requests: 0 }, { promised: 99.9, measured: null, met: null, samples: 0 }],
  ])('availability: %s', (_name, hour, expected) => {
    expect(row(evaluatePromises(inputs(hour)), 'availability', 'hour')).toEqual({ property: 'availability', window: 'hour', ...expected });
  });

  it.each<[string, Partial<WindowSnapshot>, Omit<PromiseRow, 'property' | 'window'>]>([
    ['under the promise', { p99Ms: 90 }, { promised: 150, measured: 90, met: true, samples: 1000 }],
    ['at the promise is kept', { p99Ms: 150 }, { promised: 150, measured: 150, met: true, samples: 1000 }],
    ['over it is not', { p99Ms: 150.01 }, { promised: 150, measured: 150.01, met: false, samples: 1000 }],
    ['judged on latency samples, not requests (errors have none)', { latencySamples: 99, p99Ms: 400 }, { promised: 150, measured: 400, met: null, samples: 99 }],
  ])('latencyP99Ms: %s', (_name, hour, expected) => {
    expect(row(evaluatePromises(inputs(hour)), 'latencyP99Ms', 'hour')).toEqual({ property: 'latencyP99Ms', window: 'hour', ...expected });
  });

  it.each<[string, Partial<WindowSnapshot>, number | null]>([
    ['none', {}, 0],
    ['GraphQL-error answers count', { graphqlErrorAnswers: 5 }, 0.5],
    ['every kind of failure counts', { ok: 990, errors: 3, timeouts: 3, rejected: 3, graphqlErrorAnswers: 1 }, 1],
    ['rounded up', { requests: 3000, ok: 2999, errors: 1 }, 0.0334],
    ['no fetch', { requests: 0 }, null],
  ])('errorRate (percent, never promised): %s', (_name, hour, measured) => {
    expect(row(evaluatePromises(inputs(hour)), 'errorRate', 'hour')).toMatchObject({ promised: null, measured, met: null });
  });

  it('latencyP50Ms is measured and never promised', () => {
    expect(row(evaluatePromises(inputs({ p50Ms: 33 })), 'latencyP50Ms', 'hour')).toEqual({ property: 'latencyP50Ms', window: 'hour', promised: null, measured: 33, met: null, samples: 1000 });
  });

  it('each window is judged on its own numbers', () => {
    const rows = evaluatePromises({ ...inputs({ p99Ms: 400 }), snapshots: { hour: snapshot('hour', { p99Ms: 400 }), day: snapshot('day', { p99Ms: 120 }), week: snapshot('week', { requests: 10 }) } });
    expect(['hour', 'day', 'week'].map((w) => row(rows, 'latencyP99Ms', w as WindowName)?.met)).toEqual([false, true, null]);
  });

  it('without a descriptor (a supergraph file) everything is measured and nothing judged', () => {
    const rows = evaluatePromises({ ...inputs({ ok: 0, errors: 1000 }), slo: undefined });
    expect(rows.every((r) => r.promised === null && r.met === null)).toBe(true);
    expect(row(rows, 'availability', 'hour')?.measured).toBe(0);
  });

  const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();
  it.each<[string, number, PromiseInputs['freshness'], Omit<PromiseRow, 'property' | 'window'>]>([
    ['read-your-writes (0), changed long ago: kept, the age shown', 0, { known: true, lastChangedAt: ago(86_400) }, { promised: 0, measured: 86_400, met: true, samples: 1 }],
    ['read-your-writes, no change since the seed', 0, { known: true, lastChangedAt: null }, { promised: 0, measured: null, met: true, samples: 1 }],
    ['read-your-writes, report unknown', 0, { known: false, lastChangedAt: ago(5) }, { promised: 0, measured: null, met: null, samples: 0 }],
    ['never reported', 0, undefined, { promised: 0, measured: null, met: null, samples: 0 }],
    ['a 1-hour promise, changed 10 min ago', 3600, { known: true, lastChangedAt: ago(600) }, { promised: 3600, measured: 600, met: true, samples: 1 }],
    ['a 1-hour promise, changed exactly an hour ago', 3600, { known: true, lastChangedAt: ago(3600) }, { promised: 3600, measured: 3600, met: true, samples: 1 }],
    ['a 1-hour promise, not changed for longer: the feed stopped', 3600, { known: true, lastChangedAt: ago(3600.05) }, { promised: 3600, measured: 3600.1, met: false, samples: 1 }],
    ['a 1-hour promise, nothing written since the seed: cannot tell', 3600, { known: true, lastChangedAt: null }, { promised: 3600, measured: null, met: null, samples: 1 }],
    ['a database clock ahead of the gateway: age 0', 60, { known: true, lastChangedAt: ago(-3) }, { promised: 60, measured: 0, met: true, samples: 1 }],
  ])('freshnessSeconds: %s', (_name, freshnessSeconds, freshness, expected) => {
    const rows = evaluatePromises({ ...inputs({}), slo: { ...SLO, freshnessSeconds }, freshness });
    expect(row(rows, 'freshnessSeconds', 'now')).toEqual({ property: 'freshnessSeconds', window: 'now', ...expected });
  });

  it('the minimum sample count can be lowered (a quiet product)', () => {
    expect(row(evaluatePromises({ ...inputs({ requests: 10, ok: 10, latencySamples: 10 }), minSamples: 10 }), 'availability', 'hour')?.met).toBe(true);
  });
});
