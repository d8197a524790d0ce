import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { ErrorCode, HttpError } from '../errors.js';
import type { Route } from '../http/listen.js';

/**
 * Prometheus metrics shared by every Meshgate service: one registry per service (never
 * prom-client's global one: tests run the gateway, the registry and the subgraphs in one process),
 * the HTTP server's request duration, and the route that serves the text format.
 */

/** OpenTelemetry's advice for `http.server.request.duration`, in seconds. */
export const HTTP_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Methods kept as they are; any other becomes `_OTHER`, as the HTTP semantic conventions say, so a client cannot mint label values. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE']);

/** A registry of the service's own, labelled `service`, with Node's process metrics (CPU, memory, event loop, GC). */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Times every request a handler serves. */
export interface HttpServerMetrics {
  /**
   * `handler`, timed: `http_server_request_duration_seconds` by method, status and route. `routes`
   * are the paths the service serves (exact, or a prefix ending in `/*`); any other path is
   * `other`, so scanners probing random URLs cannot grow the label set.
   */
  instrument(handler: Route, routes: readonly string[]): Route;
}

/** `http.server.request.duration` of the OpenTelemetry HTTP conventions, as Prometheus names it. */
export function httpServerMetrics(registry: Registry): HttpServerMetrics {
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, from the request to the end of its answer',
    labelNames: ['http_request_method', 'http_response_status_code', 'http_route'],
    buckets: [...HTTP_DURATION_BUCKETS],
    registers: [registry],
  });
  return {
    instrument(handler, routes) {
      const routeOf = routeMatcher(routes);
      // One labelled child per (method, status, route), looked up without building a key string per request.
      const children = new Map<string, Map<number, Map<string, Histogram.Internal<string>>>>();
      const child = (method: string, status: number, route: string) => {
        let byStatus = children.get(method);
        if (!byStatus) children.set(method, (byStatus = new Map()));
        let byRoute = byStatus.get(status);
        if (!byRoute) byStatus.set(status, (byRoute = new Map()));
        let found = byRoute.get(route);
        if (!found) {
          // A client gone before any answer has no status: an empty label, which Prometheus reads as absent.
          found = duration.labels({ http_request_method: method, http_response_status_code: status === 0 ? '' : String(status), http_route: route });
          byRoute.set(route, found);
        }
        return found;
      };
      return (req, res) => {
        const started = performance.now();
        res.once('close', () => {
          const method = KNOWN_METHODS.has(req.method ?? '') ? (req.method as string) : '_OTHER';
          child(method, res.headersSent ? res.statusCode : 0, routeOf(req.url ?? '/')).observe((performance.now() - started) / 1000);
        });
        return handler(req, res);
      };
    },
  };
}

/** The `http_route` of a request target: one of `routes`, or `other`. */
export function routeMatcher(routes: readonly string[]): (url: string) => string {
  const exact = new Set(routes.filter((r) => !r.endsWith('/*')));
  const prefixes = routes.filter((r) => r.endsWith('/*')).map((r) => [r.slice(0, -1), r] as const);
  return (url) => {
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    if (exact.has(path)) return path;
    for (const [prefix, route] of prefixes) if (path.startsWith(prefix) || path === prefix.slice(0, -1)) return route;
    return 'other';
  };
}

/** What a metrics route serves: a registry, or anything answering like one (the cluster's aggregate). */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** The Prometheus text of `source`, for GET (and HEAD). A source that fails answers 503 in the usual JSON error shape. */
export function metricsRoute(source: MetricsSource, onError?: (error: unknown) => void): Route {
  return async (_req, res) => {
    let text: string;
    try {
      text = await source.metrics();
    } catch (error) {
      onError?.(error);
      throw new HttpError(503, ErrorCode.ServiceUnavailable, 'Metrics are unavailable right now: try the next scrape');
    }
    res.writeHead(200, { 'content-type': source.contentType, 'cache-control': 'no-store' }).end(text);
  };
}

/** A handler that serves only `path` (a listener of its own for metrics, METRICS_PORT). */
export function metricsOnlyHandler(path: string, route: Route): Route {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const target = queryStart === -1 ? url : url.slice(0, queryStart);
    try {
      if (target !== path) throw new HttpError(404, ErrorCode.NotFound, `No route for ${String(req.method).slice(0, 20)} ${target.slice(0, 200)}: this port serves only ${path}`);
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, ErrorCode.MethodNotAllowed, `Method ${String(req.method).slice(0, 20)} is not allowed on ${path}: expected GET`, { allow: 'GET, HEAD' });
      await route(req, res);
    } catch (error) {
      const refusal = error instanceof HttpError ? error : new HttpError(500, ErrorCode.InternalServerError, 'Internal server error');
      if (!res.headersSent) res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8', ...refusal.headers }).end(refusal.toBody());
    }
  };
}
