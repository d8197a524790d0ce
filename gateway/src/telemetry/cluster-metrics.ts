import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from '../../../shared/logging.js';
import type { MetricsSource } from '../../../shared/telemetry/metrics.js';

/**
 * Metrics in multi-process mode (GATEWAY_WORKERS > 1): Prometheus scrapes one address and the
 * cluster hands the connection to any worker, so every worker's `/metrics` answers the aggregate
 * of all of them. The worker asks the primary over IPC; the primary asks every ready worker for
 * its registry as JSON and sums them with prom-client's AggregatorRegistry (counters and
 * histograms add up; gauges follow each metric's `aggregator`, e.g. `max` for circuit states).
 *
 * prom-client's own `clusterMetrics()` is not used as is: it asks every connected worker, and a
 * worker still starting (no registry yet) never answers, so each scrape during a restart would
 * wait for its timeout and fail. Here only workers that reported ready are asked.
 */

/** worker -> primary: "give me everyone's metrics". */
interface ScrapeRequest {
  type: 'meshgate:metrics-scrape';
  id: number;
}
/** primary -> worker: the aggregate, or why there is none. */
interface ScrapeAnswer {
  type: 'meshgate:metrics-aggregate';
  id: number;
  text?: string;
  error?: string;
}
/** primary -> worker: "send your registry as JSON". */
interface CollectRequest {
  type: 'meshgate:metrics-collect';
  id: number;
}
/** worker -> primary: one worker's registry. */
interface CollectAnswer {
  type: 'meshgate:metrics-collected';
  id: number;
  metrics?: unknown[];
  error?: string;
}

/** How long a scrape waits for the workers (the primary) and for the primary (a worker). */
const COLLECT_TIMEOUT_MS = 3_000;
const SCRAPE_TIMEOUT_MS = 5_000;

/**
 * In the primary: answers the workers' scrape requests with the aggregate over `workers()` (those
 * ready). Any worker that does not answer in time fails the scrape (503) rather than producing a
 * partial sum, which Prometheus would read as counters going down.
 */
export function serveClusterMetrics(workers: () => readonly Worker[], logger: Logger): void {
  let collections = 0;
  cluster.on('message', (asker: Worker, message: unknown) => {
    if (!isMessage<ScrapeRequest>(message, 'meshgate:metrics-scrape')) return;
    const id = ++collections;
    Promise.all(workers().map((worker) => collect(worker, id)))
      .then((registries) => AggregatorRegistry.aggregate(registries as Parameters<typeof AggregatorRegistry.aggregate>[0]).metrics())
      .then(
        (text) => reply(asker, { type: 'meshgate:metrics-aggregate', id: message.id, text }),
        (error: unknown) => {
          logger.warn({ err: error }, 'cluster metrics: a scrape could not gather every worker');
          reply(asker, { type: 'meshgate:metrics-aggregate', id: message.id, error: error instanceof Error ? error.message : String(error) });
        },
      );
  });
}

function collect(worker: Worker, id: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.off('message', listen);
      reject(new Error(`worker ${worker.process.pid} sent no metrics within ${COLLECT_TIMEOUT_MS} ms`));
    }, COLLECT_TIMEOUT_MS);
    const listen = (message: unknown) => {
      if (!isMessage<CollectAnswer>(message, 'meshgate:metrics-collected') || message.id !== id) return;
      clearTimeout(timer);
      worker.off('message', listen);
      if (message.metrics) resolve(message.metrics);
      else reject(new Error(`worker ${worker.process.pid} could not collect its metrics: ${message.error ?? 'no reason given'}`));
    };
    worker.on('message', listen);
    const request: CollectRequest = { type: 'meshgate:metrics-collect', id };
    worker.send(request);
  });
}

function reply(worker: Worker, answer: ScrapeAnswer): void {
  if (worker.isConnected()) worker.send(answer);
}

/**
 * In a worker: the source its `/metrics` serves (the aggregate, asked of the primary), and the
 * answer to the primary's requests for this worker's own `registry`.
 */
export function workerMetricsSource(registry: Registry): MetricsSource {
  let scrapes = 0;
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  process.on('message', (message: unknown) => {
    if (isMessage<CollectRequest>(message, 'meshgate:metrics-collect')) {
      registry.getMetricsAsJSON().then(
        (metrics) => process.send?.({ type: 'meshgate:metrics-collected', id: message.id, metrics } satisfies CollectAnswer),
        (error: unknown) => process.send?.({ type: 'meshgate:metrics-collected', id: message.id, error: String(error) } satisfies CollectAnswer),
      );
      return;
    }
    if (isMessage<ScrapeAnswer>(message, 'meshgate:metrics-aggregate')) {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.text !== undefined) waiting.resolve(message.text);
      else waiting.reject(new Error(message.error ?? 'the primary gave no metrics'));
    }
  });
  return {
    contentType: registry.contentType,
    metrics: () =>
      new Promise<string>((resolve, reject) => {
        const id = ++scrapes;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`the cluster primary sent no metrics within ${SCRAPE_TIMEOUT_MS} ms`));
        }, SCRAPE_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        process.send?.({ type: 'meshgate:metrics-scrape', id } satisfies ScrapeRequest);
      }),
  };
}

function isMessage<T extends { type: string; id: number }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as T).type === type && typeof (message as T).id === 'number';
}
