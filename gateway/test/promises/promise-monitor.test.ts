import { Registry } from 'prom-client';
import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';
import { captureLogs } from '../../../test/support/logs.js';
import type { FreshnessKnowledge } from '../../src/promises/evaluate-promises.js';
import { createPromiseMonitor, type MonitoredProduct } from '../../src/promises/promise-monitor.js';
import { createSubgraphWindows } from '../../src/promises/subgraph-windows.js';
import type { PromiseSource } from '../../src/catalog-api/types.js';

const T0 = Date.parse('2026-03-02T12:00:00.000Z');
const descriptor = (name: string) => ({ name, slo: { availability: 99, latencyP99Ms: 150, freshnessSeconds: 0 } }) as unknown as DataProductDescriptor;

function setUp() {
  let t = T0;
  const windows = createSubgraphWindows({ now: () => t });
  const fresh = new Map<string, FreshnessKnowledge>();
  let products: MonitoredProduct[] = [{ name: 'inventory', descriptor: descriptor('inventory') }, { name: 'marketing' }];
  const registry = new Registry();
  const { logger, lines } = captureLogs('info');
  const monitor = createPromiseMonitor({ windows, freshness: { reading: (n) => fresh.get(n) }, products: () => products, registry, logger, now: () => t, minSamples: 10 });
  const fetches = (subgraph: string, n: number, durationMs: number, outcome: 'ok' | 'error' = 'ok') => {
    for (let i = 0; i < n; i++) windows.record({ subgraph, outcome, durationMs, graphqlErrors: 0 });
  };
  return { windows, fresh, registry, lines, monitor, fetches, setProducts: (p: MonitoredProduct[]) => (products = p), advance: (ms: number) => (t += ms) };
}

describe('the promise monitor', () => {
  it('is the catalog API\'s PromiseSource: rows of a served product, nothing for any other name', () => {
    const { monitor, fetches } = setUp();
    const source: PromiseSource = monitor;
    fetches('inventory', 20, 40);
    expect(source.report('inventory')).toContainEqual({ property: 'latencyP99Ms', window: 'hour', promised: 150, measured: 40, met: true, samples: 20 });
    expect(source.report('nobody')).toEqual([]);
    expect(monitor.series('inventory', 'hour')).toHaveLength(60);
    expect(monitor.series('nobody', 'hour')).toEqual([]);
    expect(monitor.series('inventory', 'month' as 'hour')).toEqual([]);
  });

  it('logs a promise once when it stops being kept, and once when it is kept again', () => {
    const { monitor, fetches, lines, advance } = setUp();
    fetches('inventory', 20, 40);
    monitor.check();
    expect(lines).toEqual([]);
    fetches('inventory', 20, 400);
    monitor.check();
    monitor.report('inventory');
    monitor.check();
    const warned = lines.filter((l) => l.level === 40);
    expect(warned).toEqual([
      expect.objectContaining({
        product: 'inventory',
        property: 'latencyP99Ms',
        window: 'hour',
        promised: 150,
        measured: 398,
        samples: 40,
        msg: 'promise not kept: "inventory" latencyP99Ms over the last hour: measured 398 ms, promised 150 ms (40 samples)',
      }),
      expect.objectContaining({ property: 'latencyP99Ms', window: 'day' }),
      expect.objectContaining({ property: 'latencyP99Ms', window: 'week' }),
    ]);
    // An hour later the slow minute has left the hour window; the day and the week still hold it.
    advance(60 * 60_000);
    fetches('inventory', 20, 40);
    monitor.check();
    expect(lines.filter((l) => l.level === 30)).toEqual([expect.objectContaining({ property: 'latencyP99Ms', window: 'hour', msg: expect.stringMatching(/^promise kept again: "inventory" latencyP99Ms over the last hour: measured 40 ms, promised 150 ms \(20 samples\)$/) })]);
  });

  it('gauges: measured for every measured row, met only where judged, only for served products', async () => {
    const { monitor, fetches, registry, fresh, setProducts } = setUp();
    fetches('inventory', 9, 40);
    fetches('inventory', 1, 40, 'error');
    fresh.set('inventory', { known: true, lastChangedAt: new Date(T0 - 30_000).toISOString() });
    const text = await registry.metrics();
    expect(text).toContain('meshgate_promise_measured{product="inventory",property="availability",window="hour"} 90');
    expect(text).toContain('meshgate_promise_met{product="inventory",property="availability",window="hour"} 0');
    expect(text).toContain('meshgate_promise_measured{product="inventory",property="freshnessSeconds",window="now"} 30');
    expect(text).toContain('meshgate_promise_met{product="inventory",property="freshnessSeconds",window="now"} 1');
    // The p99 rests on 9 latencies: measured, not judged.
    expect(text).toContain('meshgate_promise_measured{product="inventory",property="latencyP99Ms",window="hour"}');
    expect(text).not.toContain('meshgate_promise_met{product="inventory",property="latencyP99Ms"');
    // Nothing promised (no descriptor), nothing measured: no sample at all.
    expect(text).not.toContain('product="marketing"');
    setProducts([{ name: 'marketing' }]);
    expect(await registry.metrics()).not.toContain('product="inventory"');
    monitor.stop();
  });

  it('start evaluates on its own, so a broken promise is logged with nobody asking', async () => {
    const { monitor, fetches, lines } = setUp();
    fetches('inventory', 20, 40, 'error');
    monitor.start(10);
    try {
      const started = Date.now();
      while (!lines.some((l) => l.level === 40) && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 5));
      expect(lines.filter((l) => l.level === 40).map((l) => `${l.property}/${l.window}`)).toEqual(['availability/hour', 'availability/day', 'availability/week']);
    } finally {
      monitor.stop();
    }
  });
});
