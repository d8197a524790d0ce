import cluster, { type Worker } from 'node:cluster';
import { stopOnSignal } from '../../shared/lifecycle.js';
import type { Logger } from '../../shared/logging.js';
import { serveClusterMetrics } from './telemetry/cluster-metrics.js';

/**
 * Multi-process mode (GATEWAY_WORKERS > 1): this process becomes a node:cluster primary that serves
 * nothing itself. Each worker runs the whole gateway (main.ts) and listens on the same port; the
 * primary holds the listening socket and hands connections to the workers in turn, so one gateway
 * uses several cores. The primary forks, replaces workers that die, and stops them on a signal.
 */

/** The IPC message a worker sends once its gateway listens. */
interface ReadyMessage {
  type: 'meshgate:worker-ready';
  url: string;
}

export interface ClusterOptions {
  workers: number;
  logger: Logger;
  /**
   * A worker that dies before it has been ready this long counts as a crash on start-up. Default 5000 ms.
   * More than `workers` such deaths in a row (a broken supergraph, a bad secret) stop the primary with exit 1.
   */
  stableAfterMs?: number;
  /** How long a worker may take to stop gracefully before it is killed. Default 15000 ms. */
  stopTimeoutMs?: number;
  /** Added to every worker's environment (e.g. the signing key the primary generated, so all workers share it). Default none. */
  env?: Readonly<Record<string, string>>;
}

/** Called by a worker once its gateway listens: the primary counts it as ready. */
export function reportWorkerReady(url: string): void {
  const message: ReadyMessage = { type: 'meshgate:worker-ready', url };
  process.send?.(message);
}

/**
 * Forks the workers and resolves once all of them are ready (logged once, with the URL they share).
 * Restarts a worker that dies, with a growing delay while workers keep dying on start-up, and gives
 * up (exit 1) when that happens more times in a row than there are workers. SIGTERM/SIGINT stop
 * every worker gracefully (they run gateway.stop()), then the primary exits 0.
 */
export function runPrimary(options: ClusterOptions): Promise<void> {
  const { workers: count, logger } = options;
  const stableAfterMs = options.stableAfterMs ?? 5_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const ready = new Set<Worker>();
  const stable = new WeakSet<Worker>();
  let crashesInARow = 0;
  let stopping = false;
  let announce: (() => void) | undefined;
  const allReady = new Promise<void>((resolve) => (announce = resolve));
  // A worker's /metrics answers for every worker: only ready ones have a registry to ask.
  serveClusterMetrics(() => [...ready], logger);

  const fork = (): void => {
    const worker = cluster.fork(options.env);
    worker.on('message', (message: unknown) => {
      if (!isReadyMessage(message) || stopping) return;
      ready.add(worker);
      // Surviving this long after start-up means the configuration works: a later death is an incident, not a loop.
      setTimeout(() => {
        if (worker.isDead()) return;
        stable.add(worker);
        crashesInARow = 0;
      }, stableAfterMs).unref();
      if (announce && ready.size === count) {
        logger.info({ url: message.url, workers: [...ready].map((w) => w.process.pid) }, `gateway ready at ${message.url} (${count} worker processes)`);
        announce();
        announce = undefined;
      } else if (!announce) {
        logger.info({ url: message.url, worker: worker.process.pid }, 'replacement worker ready');
      }
    });
    worker.on('exit', (code, signal) => {
      ready.delete(worker);
      if (stopping) return;
      const onStartUp = !stable.has(worker);
      crashesInARow = onStartUp ? crashesInARow + 1 : 0;
      const died = { worker: worker.process.pid, code, signal, onStartUp };
      if (crashesInARow > count) {
        logger.error(died, `workers keep dying on start-up (${crashesInARow} in a row): giving up; see the workers' errors above`);
        stopWorkers().then(
          () => process.exit(1),
          () => process.exit(1),
        );
        return;
      }
      // Doubling delays keep a crash loop from eating the machine while it lasts.
      const delayMs = onStartUp ? Math.min(250 * 2 ** (crashesInARow - 1), 10_000) : 0;
      logger.error({ ...died, restartInMs: delayMs }, `worker ${worker.process.pid} died (${signal ?? `exit code ${code}`}): starting a replacement`);
      setTimeout(() => {
        if (!stopping) fork();
      }, delayMs);
    });
  };

  const stopWorkers = async (): Promise<void> => {
    stopping = true;
    const results = await Promise.all(Object.values(cluster.workers ?? {}).map((worker) => stopWorker(worker!, stopTimeoutMs, logger)));
    if (results.includes(false)) throw new Error('a worker did not stop cleanly');
  };

  for (let i = 0; i < count; i++) fork();
  stopOnSignal(logger, stopWorkers);
  return allReady;
}

/** SIGTERM runs the worker's own stopOnSignal (gateway.stop()); resolves true if it ended cleanly. */
function stopWorker(worker: Worker, timeoutMs: number, logger: Logger): Promise<boolean> {
  return new Promise((resolve) => {
    if (worker.isDead()) return resolve(true);
    const force = setTimeout(() => {
      logger.error({ worker: worker.process.pid }, `worker did not stop within ${timeoutMs} ms: killing it`);
      worker.process.kill('SIGKILL');
    }, timeoutMs);
    worker.once('exit', (code, signal) => {
      clearTimeout(force);
      // A worker still starting has no handler yet: SIGTERM ends it before it served anything.
      resolve(code === 0 || signal === 'SIGTERM');
    });
    worker.process.kill('SIGTERM');
  });
}

function isReadyMessage(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as ReadyMessage).type === 'meshgate:worker-ready';
}
