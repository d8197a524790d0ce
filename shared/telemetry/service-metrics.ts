import type { Registry } from 'prom-client';
import { listen, type Listening, type Route } from '../http/listen.js';
import type { Logger } from '../logging.js';
import { DEFAULT_METRICS_CONFIG, type MetricsConfig } from './metrics-config.js';
import { createMetricsRegistry, httpServerMetrics, metricsOnlyHandler, metricsRoute, type MetricsSource } from './metrics.js';

/**
 * One service's metrics, wired the same way in the gateway, the registry and every data product:
 * its registry, its HTTP handler timed, and the metrics served on its own port (a route beside
 * `/graphql`) or, with METRICS_PORT, on a listener of their own.
 */
export interface ServiceMetrics {
  /** Where the service's metrics are registered (also when metrics are off: nothing serves it then). */
  readonly registry: Registry;
  readonly config: MetricsConfig;
  /** The metrics route keyed by its path, for the service's own routes; empty when off or on a port of their own. */
  readonly routes: Readonly<Record<string, Route>>;
  /** `handler` timed (`http_server_request_duration_seconds`); unchanged when metrics are off. `routes` as in httpServerMetrics. */
  instrument(handler: Route, routes: readonly string[]): Route;
  /** Starts the metrics listener when METRICS_PORT is set (else does nothing); call once the service listens. */
  listen(host: string | undefined): Promise<void>;
  /** Where the metrics are scraped, once known: on the service's port (`baseUrl` + path) or on the separate listener. */
  url(baseUrl: string): string | undefined;
  /** Stops the separate listener, if any. */
  close(): Promise<void>;
}

export interface ServiceMetricsOptions {
  /** What the route serves instead of the registry itself (a cluster worker serves every worker's aggregate). */
  source?: (registry: Registry) => MetricsSource;
  logger: Logger;
}

export function createServiceMetrics(service: string, config: MetricsConfig = DEFAULT_METRICS_CONFIG, options: ServiceMetricsOptions): ServiceMetrics {
  const registry = createMetricsRegistry(service);
  if (!config.enabled) {
    return { registry, config, routes: {}, instrument: (handler) => handler, listen: async () => undefined, url: () => undefined, close: async () => undefined };
  }
  const http = httpServerMetrics(registry);
  const route = metricsRoute(options.source ? options.source(registry) : registry, (error) => options.logger.warn({ err: error }, 'metrics could not be collected for a scrape'));
  const separate = config.port !== undefined;
  let listening: Listening | undefined;
  return {
    registry,
    config,
    routes: separate ? {} : { [config.path]: route },
    instrument: (handler, routes) => http.instrument(handler, separate ? routes : [...routes, config.path]),
    async listen(host) {
      if (!separate || listening) return;
      listening = await listen(metricsOnlyHandler(config.path, route), config.port!, { host, drainMs: 1000 });
      options.logger.debug({ url: listening.url.replace(/\/graphql$/, config.path) }, 'metrics listening on a port of their own');
    },
    url(baseUrl) {
      if (!separate) return `${baseUrl.replace(/\/$/, '')}${config.path}`;
      return listening ? listening.url.replace(/\/graphql$/, config.path) : undefined;
    },
    close: async () => {
      await listening?.close();
    },
  };
}
