import { Gauge, type Registry } from 'prom-client';
import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';
import type { Logger } from '../../../shared/logging.js';
import { evaluatePromises, MIN_SAMPLES, type FreshnessKnowledge, type PromiseRow } from './evaluate-promises.js';
import { WINDOW_NAMES, type SeriesPoint, type SubgraphWindows, type WindowName, type WindowSnapshot } from './subgraph-windows.js';

/** A data product of the serving supergraph: its subgraph's name, and its descriptor when the source has one. */
export interface MonitoredProduct {
  readonly name: string;
  readonly descriptor?: DataProductDescriptor;
}

export interface PromiseMonitorOptions {
  windows: SubgraphWindows;
  freshness: { reading(subgraph: string): FreshnessKnowledge | undefined };
  /** The serving generation's products, asked at every evaluation (a reload changes them). */
  products: () => readonly MonitoredProduct[];
  /** Where `meshgate_promise_measured` and `meshgate_promise_met` are registered (the gateway's metrics registry). Default none. */
  registry?: Registry;
  /** Promises that stop being kept are logged here (warn), and ones kept again (info). */
  logger: Logger;
  /** Milliseconds since the epoch. Default Date.now. */
  now?: () => number;
  /** Default MIN_SAMPLES (100). */
  minSamples?: number;
}

export interface PromiseMonitor {
  /** Every promise row of a product of the serving supergraph; empty for any other name. */
  report(product: string): PromiseRow[];
  /** The product's subgraph fetches bucket by bucket, for a chart; empty for a name the supergraph does not serve or an unknown window. */
  series(product: string, window: WindowName): SeriesPoint[];
  /** Evaluates every product, logging each promise that flipped since the last evaluation. */
  check(): void;
  /** Runs `check` every `intervalMs`, so a broken promise is logged even when nobody asks. */
  start(intervalMs: number): void;
  stop(): void;
}

const LABELS = ['product', 'property', 'window'] as const;

/**
 * Compares each data product's promises (its descriptor's `slo`) with what the gateway measured
 * (subgraph-windows.ts, freshness-poller.ts), through the pure `evaluatePromises`. Answers the
 * catalog API (`report`, `series`), renders the rows as gauges at each scrape, and logs a promise
 * once when it stops being kept, whoever evaluated it first.
 */
export function createPromiseMonitor(options: PromiseMonitorOptions): PromiseMonitor {
  const now = options.now ?? Date.now;
  const minSamples = options.minSamples ?? MIN_SAMPLES;
  /** The last verdict of every (product, property, window), to log flips once. */
  const verdicts = new Map<string, boolean | null>();
  let timer: NodeJS.Timeout | undefined;

  const evaluate = (product: MonitoredProduct): PromiseRow[] => {
    const snapshots = {} as Record<WindowName, WindowSnapshot>;
    for (const window of WINDOW_NAMES) snapshots[window] = options.windows.snapshot(product.name, window);
    const rows = evaluatePromises({ slo: product.descriptor?.slo, snapshots, freshness: options.freshness.reading(product.name), now: now(), minSamples });
    for (const row of rows) noteVerdict(product.name, row);
    return rows;
  };

  const noteVerdict = (product: string, row: PromiseRow) => {
    const key = `${product}\u0000${row.property}\u0000${row.window}`;
    const previous = verdicts.get(key);
    verdicts.set(key, row.met);
    if (row.met === previous) return;
    const fields = { product, property: row.property, window: row.window, promised: row.promised, measured: row.measured, samples: row.samples };
    if (row.met === false) options.logger.warn(fields, `promise not kept: ${describe(product, row)}`);
    else if (row.met === true && previous === false) options.logger.info(fields, `promise kept again: ${describe(product, row)}`);
  };

  const served = () => options.products();
  const find = (name: string) => served().find((p) => p.name === name);

  const evaluateAll = (): { product: string; rows: PromiseRow[] }[] => {
    const products = served();
    // Verdicts of products no longer served are forgotten: the map follows the supergraph.
    const names = new Set(products.map((p) => p.name));
    for (const key of verdicts.keys()) if (!names.has(key.slice(0, key.indexOf('\u0000')))) verdicts.delete(key);
    return products.map((product) => ({ product: product.name, rows: evaluate(product) }));
  };

  if (options.registry) registerGauges(options.registry, evaluateAll);

  return {
    report: (name) => {
      const product = find(name);
      return product ? evaluate(product) : [];
    },
    // The window is checked too: a caller's value (the catalog API maps its enum) never indexes the rings unchecked.
    series: (name, window) => (WINDOW_NAMES.includes(window) && find(name) ? options.windows.series(name, window) : []),
    check: () => void evaluateAll(),
    start(intervalMs) {
      clearInterval(timer);
      timer = setInterval(() => evaluateAll(), intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/**
 * `meshgate_promise_measured` and `meshgate_promise_met` (1 kept, 0 not; no sample when met is
 * null), computed at scrape time from the serving products only, so the label sets stay bounded
 * (products × 5 properties × 4 windows). With several worker processes each measures its own
 * share of the traffic: the primary averages the measured values and takes the minimum of met
 * (a promise is kept only if every worker saw it kept).
 */
function registerGauges(registry: Registry, evaluateAll: () => { product: string; rows: PromiseRow[] }[]): void {
  const gauge = (name: string, help: string, aggregator: 'min' | 'average', value: (row: PromiseRow) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: LABELS,
      registers: [registry],
      aggregator,
      // Each gauge evaluates on its own (a few hundred buckets per product): no order between collects to rely on.
      collect() {
        this.reset();
        for (const { product, rows } of evaluateAll()) {
          for (const row of rows) {
            const v = value(row);
            if (v !== null) this.set({ product, property: row.property, window: row.window }, v);
          }
        }
      },
    });
  gauge(
    'meshgate_promise_measured',
    "What the gateway measured of a data product's promised property over the window (availability and errorRate in percent, latencies in ms, freshness in seconds)",
    'average',
    (row) => row.measured,
  );
  gauge(
    'meshgate_promise_met',
    "Whether a data product's promise was kept over the window (1 kept, 0 not kept; absent when nothing is promised or too little was measured)",
    'min',
    (row) => (row.met === null ? null : row.met ? 1 : 0),
  );
}

const UNITS: Record<PromiseRow['property'], string> = { availability: '%', errorRate: '%', latencyP99Ms: ' ms', latencyP50Ms: ' ms', freshnessSeconds: ' s' };

function describe(product: string, row: PromiseRow): string {
  const unit = UNITS[row.property];
  const over = row.window === 'now' ? 'now' : `over the last ${row.window}`;
  return `"${product}" ${row.property} ${over}: measured ${row.measured ?? 'nothing'}${row.measured === null ? '' : unit}, promised ${row.promised}${unit} (${row.samples} samples)`;
}

/** The products of a generation: every subgraph it routes to, with its descriptor when the source had one. */
export function servedProducts(generation: { routes: readonly { name: string }[]; descriptors: readonly { name: string; descriptor: DataProductDescriptor }[] } | undefined): MonitoredProduct[] {
  if (!generation) return [];
  const descriptors = new Map(generation.descriptors.map((d) => [d.name, d.descriptor]));
  return generation.routes.map(({ name }) => {
    const descriptor = descriptors.get(name);
    return descriptor ? { name, descriptor } : { name };
  });
}
