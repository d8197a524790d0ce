import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { HTTP_DURATION_BUCKETS } from '../../../shared/telemetry/metrics.js';
import type { CircuitState } from '../execution/circuit-breaker.js';
import type { SubgraphFetchEvent } from '../execution/subgraph-client.js';
import type { DenialReason } from '../governance/denial-reasons.js';
import type { SubgraphFetchObserver } from './fetch-observer.js';
import type { RequestEnd } from './plugins.js';

/**
 * The gateway's own Prometheus metrics (the HTTP server's are shared/telemetry/metrics.ts'). Every
 * label has a bounded set of values: subgraph names come from the supergraph, the rest are fixed
 * words; a raw operation name is a label only when the operator allows it (METRICS_OPERATION_NAMES),
 * and even then at most MAX_OPERATION_NAMES of them. Labelled children are looked up once and
 * kept, so recording costs a Map lookup and an addition, not a label object per request.
 */

export type CacheName = 'query_plan' | 'authorization_filter' | 'verified_token';
export type { DenialReason };
export type RequestOutcome = 'success' | 'graphql_error' | 'refused' | 'failed';
export type ReloadOutcome = 'served' | 'refused';

/** What the metrics read of the serving generation at scrape time. */
export interface ServingGeneration {
  readonly id: string;
  readonly clients: ReadonlyMap<string, { readonly circuitState: CircuitState }>;
}

export interface GatewayMetricsOptions {
  /** False: nothing is recorded (METRICS_ENABLED=false); the registry still exists for whoever registers into it. */
  enabled: boolean;
  /** Label requests with their raw operation name (METRICS_OPERATION_NAMES). Default false. */
  operationNames?: boolean;
  /** Milliseconds since the epoch, for the generation's age. Default Date.now. */
  clock?: () => number;
}

export interface GatewayMetrics {
  readonly enabled: boolean;
  /** The gateway's registry: other parts (measured promises) register their gauges here. */
  readonly registry: Registry;
  /** Hears every subgraph fetch (absent when metrics are off, so clients skip building events). */
  readonly fetchObserver: SubgraphFetchObserver | undefined;
  /** One GraphQL request is over, `durationMs` after it reached the pipeline. */
  requestEnded(end: RequestEnd, durationMs: number): void;
  cacheLookup(cache: CacheName, hit: boolean): void;
  authorizationDenied(reason: DenialReason, fields: number): void;
  /** A supergraph was applied: it serves now, or it was refused and the current one kept serving. */
  supergraphApplied(outcome: ReloadOutcome): void;
  /** Where the scrape reads the serving generation (its id, its clients' circuits). */
  watch(serving: () => ServingGeneration | undefined): void;
}

/** Distinct operation names labelled before the rest are counted as `(other)`. */
export const MAX_OPERATION_NAMES = 200;
/** Longest operation name used as a label; a longer one is cut. */
const MAX_OPERATION_NAME_LENGTH = 100;

/** Subgraph fetches are mostly faster than whole requests: finer buckets at the low end, up to the 10 s default deadline. */
export const FETCH_DURATION_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };
const CIRCUIT_LABEL: Record<CircuitState, string> = { closed: 'closed', 'half-open': 'half_open', open: 'open' };
const FETCH_OUTCOMES: readonly SubgraphFetchEvent['outcome'][] = ['ok', 'error', 'timeout', 'cancelled', 'rejected'];
const OPERATION_TYPES = ['query', 'mutation', 'subscription', 'unknown'] as const;
const REQUEST_OUTCOMES: readonly RequestOutcome[] = ['success', 'graphql_error', 'refused', 'failed'];

/** How a request ended, from its status and error count: 5xx failed, 4xx refused, else by its GraphQL errors. */
export function requestOutcome(status: number, errors: number): RequestOutcome {
  if (status >= 500) return 'failed';
  if (status >= 400) return 'refused';
  return errors > 0 ? 'graphql_error' : 'success';
}

export function createGatewayMetrics(registry: Registry, options: GatewayMetricsOptions): GatewayMetrics {
  const clock = options.clock ?? Date.now;
  const registers = [registry];
  const operationNames = options.operationNames === true;

  const requestDuration = new Histogram({
    name: 'meshgate_graphql_request_duration_seconds',
    help: 'GraphQL requests through the gateway pipeline, by operation type and outcome (success, graphql_error, refused, failed)',
    labelNames: operationNames ? ['graphql_operation_type', 'outcome', 'graphql_operation_name'] : ['graphql_operation_type', 'outcome'],
    buckets: [...HTTP_DURATION_BUCKETS],
    registers,
  });
  const fetchDuration = new Histogram({
    name: 'meshgate_subgraph_fetch_duration_seconds',
    help: 'Subgraph fetches (a shared fetch once, retries included), by subgraph and outcome (ok, error, timeout, cancelled, rejected by the circuit breaker: 0 s)',
    labelNames: ['subgraph_name', 'outcome'],
    buckets: [...FETCH_DURATION_BUCKETS],
    registers,
  });
  const fetchErrors = new Counter({ name: 'meshgate_subgraph_fetch_errors_total', help: 'Subgraph fetches that failed: transport error, HTTP 5xx, or not a GraphQL answer', labelNames: ['subgraph_name'], registers });
  const fetchTimeouts = new Counter({ name: 'meshgate_subgraph_fetch_timeouts_total', help: 'Subgraph fetches that passed their deadline (SUBGRAPH_TIMEOUT_MS)', labelNames: ['subgraph_name'], registers });
  const graphqlErrors = new Counter({ name: 'meshgate_subgraph_graphql_errors_total', help: 'GraphQL errors inside subgraph answers that were otherwise ok', labelNames: ['subgraph_name'], registers });
  const shared = new Counter({ name: 'meshgate_subgraph_shared_fetches_total', help: 'Subgraph calls answered by joining an identical fetch already in flight (no request sent)', labelNames: ['subgraph_name'], registers });
  const circuitChanges = new Counter({ name: 'meshgate_subgraph_circuit_changes_total', help: 'Circuit breaker state changes, by the state entered', labelNames: ['subgraph_name', 'state'], registers });
  const denials = new Counter({ name: 'meshgate_authorization_denials_total', help: 'Fields removed from operations by authorization, by what was missing (unauthenticated, scopes, policy)', labelNames: ['reason'], registers });
  const cacheRequests = new Counter({ name: 'meshgate_cache_requests_total', help: 'Cache lookups by cache (query_plan, authorization_filter, verified_token) and result (hit, miss)', labelNames: ['cache', 'result'], registers });
  const reloads = new Counter({ name: 'meshgate_supergraph_reloads_total', help: 'Supergraphs applied (the first one included): served, or refused while the current one kept serving', labelNames: ['outcome'], registers });

  let serving: () => ServingGeneration | undefined = () => undefined;
  let servedAt: number | undefined;
  new Gauge({
    name: 'meshgate_subgraph_circuit_state',
    help: 'Circuit breaker state of each subgraph of the serving supergraph: 0 closed, 1 half_open, 2 open',
    labelNames: ['subgraph_name'],
    registers,
    // Several workers: the worst one's state.
    aggregator: 'max',
    collect() {
      this.reset();
      for (const [name, client] of serving()?.clients ?? []) this.set({ subgraph_name: name }, CIRCUIT_VALUE[client.circuitState]);
    },
  });
  new Gauge({
    name: 'meshgate_supergraph_info',
    help: 'The serving supergraph: 1 for its id (sha256 of the SDL), no other series',
    labelNames: ['supergraph_id'],
    registers,
    aggregator: 'max',
    collect() {
      this.reset();
      const id = serving()?.id;
      if (id) this.set({ supergraph_id: id }, 1);
    },
  });
  new Gauge({
    name: 'meshgate_supergraph_generation_age_seconds',
    help: 'Seconds since the serving supergraph generation started serving',
    registers,
    aggregator: 'max',
    collect() {
      this.reset();
      if (servedAt !== undefined && serving()) this.set((clock() - servedAt) / 1000);
    },
  });

  const enabled = options.enabled;
  if (!enabled) {
    return {
      enabled,
      registry,
      fetchObserver: undefined,
      requestEnded: () => undefined,
      cacheLookup: () => undefined,
      authorizationDenied: () => undefined,
      supergraphApplied: () => undefined,
      watch: (next) => void (serving = next),
    };
  }

  const requestChildren = Object.fromEntries(
    OPERATION_TYPES.map((type) => [type, Object.fromEntries(REQUEST_OUTCOMES.map((outcome) => [outcome, requestDuration.labels({ graphql_operation_type: type, outcome })]))]),
  ) as Record<(typeof OPERATION_TYPES)[number], Record<RequestOutcome, Histogram.Internal<string>>>;
  const seenNames = new Set<string>();
  const nameLabel = (name: string | undefined): string => {
    if (!name) return '';
    const cut = name.slice(0, MAX_OPERATION_NAME_LENGTH);
    if (seenNames.has(cut)) return cut;
    if (seenNames.size >= MAX_OPERATION_NAMES) return '(other)';
    seenNames.add(cut);
    return cut;
  };

  const perSubgraph = new Map<string, SubgraphChildren>();
  const childrenOf = (name: string): SubgraphChildren => {
    let found = perSubgraph.get(name);
    if (!found) {
      const labels = { subgraph_name: name };
      found = {
        duration: Object.fromEntries(FETCH_OUTCOMES.map((outcome) => [outcome, fetchDuration.labels({ ...labels, outcome })])) as SubgraphChildren['duration'],
        errors: fetchErrors.labels(labels),
        timeouts: fetchTimeouts.labels(labels),
        graphqlErrors: graphqlErrors.labels(labels),
        shared: shared.labels(labels),
      };
      perSubgraph.set(name, found);
    }
    return found;
  };

  const cacheChildren = {
    query_plan: [cacheRequests.labels({ cache: 'query_plan', result: 'hit' }), cacheRequests.labels({ cache: 'query_plan', result: 'miss' })],
    authorization_filter: [cacheRequests.labels({ cache: 'authorization_filter', result: 'hit' }), cacheRequests.labels({ cache: 'authorization_filter', result: 'miss' })],
    verified_token: [cacheRequests.labels({ cache: 'verified_token', result: 'hit' }), cacheRequests.labels({ cache: 'verified_token', result: 'miss' })],
  } satisfies Record<CacheName, Counter.Internal[]>;
  const denialChildren = { unauthenticated: denials.labels({ reason: 'unauthenticated' }), scopes: denials.labels({ reason: 'scopes' }), policy: denials.labels({ reason: 'policy' }) } satisfies Record<DenialReason, Counter.Internal>;
  const reloadChildren = { served: reloads.labels({ outcome: 'served' }), refused: reloads.labels({ outcome: 'refused' }) } satisfies Record<ReloadOutcome, Counter.Internal>;

  return {
    enabled,
    registry,
    fetchObserver: {
      onFetch(event) {
        const children = childrenOf(event.subgraph);
        children.duration[event.outcome].observe(event.durationMs / 1000);
        if (event.outcome === 'error') children.errors.inc();
        else if (event.outcome === 'timeout') children.timeouts.inc();
        else if (event.graphqlErrors > 0) children.graphqlErrors.inc(event.graphqlErrors);
      },
      onShared(subgraph) {
        childrenOf(subgraph).shared.inc();
      },
      onCircuitChange(subgraph, state) {
        circuitChanges.inc({ subgraph_name: subgraph, state: CIRCUIT_LABEL[state] });
      },
    },
    requestEnded(end, durationMs) {
      const type = end.operationType ?? 'unknown';
      const outcome = requestOutcome(end.status, end.errors);
      const seconds = durationMs / 1000;
      if (operationNames) requestDuration.observe({ graphql_operation_type: type, outcome, graphql_operation_name: nameLabel(end.operationName) }, seconds);
      else requestChildren[type][outcome].observe(seconds);
    },
    cacheLookup(cache, hit) {
      cacheChildren[cache][hit ? 0 : 1].inc();
    },
    authorizationDenied(reason, fields) {
      denialChildren[reason].inc(fields);
    },
    supergraphApplied(outcome) {
      reloadChildren[outcome].inc();
      if (outcome === 'served') servedAt = clock();
    },
    watch(next) {
      serving = next;
    },
  };
}

interface SubgraphChildren {
  duration: Record<SubgraphFetchEvent['outcome'], Histogram.Internal<string>>;
  errors: Counter.Internal;
  timeouts: Counter.Internal;
  graphqlErrors: Counter.Internal;
  shared: Counter.Internal;
}
