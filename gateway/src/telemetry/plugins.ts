import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../../shared/logging.js';
import { accessLogPlugin } from './access-log.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { metricsPlugin } from './metrics-plugin.js';
import { requestIdPlugin } from './request-id.js';
import { tracingPlugin } from './tracing-plugin.js';

/** What a plugin learns when a GraphQL request reaches the gateway's pipeline. */
export interface RequestStart {
  readonly http: IncomingMessage;
  /** As received: a request the HTTP front refuses may have any method. */
  readonly method: string;
  /** The supergraph generation serving the request. */
  readonly generationId: string;
  /** `performance.now()` when the request reached the pipeline. */
  readonly startedAt: number;
}

/** What a plugin learns when the request is over (answered, refused, or its client gone). */
export interface RequestEnd {
  readonly status: number;
  readonly operationName?: string;
  /** The operation's type, once parsed (absent for a request refused before). */
  readonly operationType?: 'query' | 'mutation' | 'subscription';
  /** The operation's text as run (after persisted operations filled it in), if any. */
  readonly query?: string;
  /** GraphQL errors in the answer (a refusal counts as one). */
  readonly errors: number;
  /** The subgraphs called for the request, each once, in the order first called. */
  readonly subgraphs: readonly string[];
}

/** One plugin's part in one request; every member is optional. */
export interface RequestObserver {
  /** Added to the GraphQL answer. */
  readonly responseHeaders?: Readonly<Record<string, string>>;
  /** Added to every subgraph request made for this request; never part of the in-flight sharing key. */
  readonly subgraphHeaders?: Readonly<Record<string, string>>;
  /** Bound to the request's logger (every stage's and plugin's lines for it carry them). */
  readonly logBindings?: Readonly<Record<string, unknown>>;
  /** Called once, with the request's logger (already carrying every plugin's bindings). */
  end?(result: RequestEnd, logger: Logger): void;
  /**
   * Runs the rest of the request (the stages, then Apollo Server) inside it: the tracing plugin
   * makes the request's span context the active one there.
   */
  within?<T>(run: () => T): T;
}

/** A request telemetry plugin: one file each, listed once in `REQUEST_PLUGINS`. */
export interface RequestPlugin {
  readonly name: string;
  start(request: RequestStart): RequestObserver;
}

/** What a plugin that needs more than the request is built with, once per gateway. */
export interface RequestPluginDependencies {
  readonly metrics: GatewayMetrics;
}

/** A plugin built from the gateway's dependencies; undefined when it has nothing to do (e.g. metrics off). */
export type RequestPluginFactory = (deps: RequestPluginDependencies) => RequestPlugin | undefined;

/** THE list of request plugins, in request order: read top to bottom. */
export const REQUEST_PLUGINS: readonly (RequestPlugin | RequestPluginFactory)[] = [requestIdPlugin, tracingPlugin, accessLogPlugin, metricsPlugin];

/** The request plugins with their dependencies, built once per gateway. */
/**
 * The catalog API's requests (catalog-api/): the same ids, traces and access-log line, but not the
 * GraphQL request histogram (their duration is the HTTP metric's, `http_route="/catalog/graphql"`),
 * so the gateway's request metrics stay about /graphql.
 */
export const CATALOG_REQUEST_PLUGINS: readonly (RequestPlugin | RequestPluginFactory)[] = REQUEST_PLUGINS.filter((plugin) => plugin !== metricsPlugin);

export function buildRequestPlugins(deps: RequestPluginDependencies, list: readonly (RequestPlugin | RequestPluginFactory)[] = REQUEST_PLUGINS): RequestPlugin[] {
  return list.map((entry) => (typeof entry === 'function' ? entry(deps) : entry)).filter((plugin): plugin is RequestPlugin => plugin !== undefined);
}

/**
 * What the executor sees of a request's telemetry (`GovernedContext.telemetry`): the subgraph
 * client's decorate hook adds `subgraphHeaders` and reports each call; the Apollo plugin reports
 * the answer's error count.
 */
export interface TelemetryHooks {
  readonly subgraphHeaders: Readonly<Record<string, string>>;
  subgraphCalled(name: string): void;
  recordErrors(count: number): void;
}

/** One request's telemetry: the plugins' observers, merged. */
export interface RequestTelemetry extends TelemetryHooks {
  readonly logger: Logger;
  readonly responseHeaders: Readonly<Record<string, string>>;
  /** Runs `run` inside every observer's `within` (the request's trace context); just runs it when none has one. */
  within<T>(run: () => T): T;
  /** Ends the request once (later calls do nothing). `errors` defaults to what `recordErrors` reported. */
  end(result: { status: number; operationName?: string; operationType?: RequestEnd['operationType']; query?: string; errors?: number }): void;
}

export function startRequestTelemetry(start: RequestStart, logger: Logger, plugins: readonly RequestPlugin[]): RequestTelemetry {
  const observers = plugins.map((plugin) => plugin.start(start));
  const bindings = Object.assign({}, ...observers.map((o) => o.logBindings ?? {})) as Record<string, unknown>;
  const requestLogger = Object.keys(bindings).length > 0 ? logger.child(bindings) : logger;
  const subgraphs = new Set<string>();
  let errors = 0;
  let ended = false;
  const wrapping = observers.flatMap((o) => (o.within ? [o.within] : []));
  return {
    logger: requestLogger,
    within: (run) => {
      // The first plugin's `within` is the outermost.
      let wrapped = run;
      for (const within of [...wrapping].reverse()) {
        const inner = wrapped;
        wrapped = () => within(inner);
      }
      return wrapped();
    },
    responseHeaders: Object.assign({}, ...observers.map((o) => o.responseHeaders ?? {})) as Record<string, string>,
    subgraphHeaders: Object.assign({}, ...observers.map((o) => o.subgraphHeaders ?? {})) as Record<string, string>,
    subgraphCalled: (name) => void subgraphs.add(name),
    recordErrors: (count) => {
      errors = count;
    },
    end: (result) => {
      if (ended) return;
      ended = true;
      const final: RequestEnd = { ...result, errors: result.errors ?? errors, subgraphs: [...subgraphs] };
      for (const observer of observers) {
        try {
          observer.end?.(final, requestLogger);
        } catch (error) {
          requestLogger.warn({ err: error }, 'a request telemetry plugin failed at the end of a request');
        }
      }
    },
  };
}

/** Duck-typed read of `context.telemetry` (the executor's context is untyped there). */
export function telemetryOf(context: Record<string, unknown> | undefined): TelemetryHooks | undefined {
  const telemetry = context?.telemetry as Partial<TelemetryHooks> | undefined;
  return telemetry && typeof telemetry.subgraphCalled === 'function' ? (telemetry as TelemetryHooks) : undefined;
}
