import type { QueryPlan } from '@apollo/query-planner';
import { ConfigError } from '../../../shared/config/env.js';
import { createLogger } from '../../../shared/logging.js';
import { createMetricsRegistry } from '../../../shared/telemetry/metrics.js';
import { parsePrometheus } from '../../../test/support/prometheus.js';
import { loadGatewayConfig } from '../../src/config.js';
import type { CircuitState } from '../../src/execution/circuit-breaker.js';
import { createQueryPlanCache } from '../../src/execution/query-plan-cache.js';
import { GenerationManager } from '../../src/generations/generation-manager.js';
import { supergraphId } from '../../src/generations/generation.js';
import { createGatewayMetrics, MAX_OPERATION_NAMES, requestOutcome } from '../../src/telemetry/gateway-metrics.js';
import { buildRequestPlugins, REQUEST_PLUGINS, startRequestTelemetry } from '../../src/telemetry/plugins.js';

const silent = createLogger('gateway-metrics-test', 'silent');

function metrics(options: { enabled?: boolean; operationNames?: boolean; clock?: () => number } = {}) {
  const registry = createMetricsRegistry('gateway');
  const gateway = createGatewayMetrics(registry, { enabled: options.enabled ?? true, operationNames: options.operationNames, clock: options.clock });
  return { gateway, scrape: async () => parsePrometheus(await registry.metrics()) };
}

const end = (status: number, errors: number, extra: Record<string, unknown> = {}) => ({ status, errors, subgraphs: [], ...extra });

describe('requestOutcome', () => {
  it.each<[number, number, string]>([
    [200, 0, 'success'],
    [200, 2, 'graphql_error'],
    [400, 1, 'refused'],
    [401, 1, 'refused'],
    [429, 1, 'refused'],
    [500, 1, 'failed'],
    [503, 0, 'failed'],
  ])('HTTP %i with %i errors is %s', (status, errors, outcome) => {
    expect(requestOutcome(status, errors)).toBe(outcome);
  });
});

describe('createGatewayMetrics', () => {
  it('times requests by operation type and outcome; a request refused before parsing is "unknown"', async () => {
    const { gateway, scrape } = metrics();
    gateway.requestEnded(end(200, 0, { operationType: 'query', operationName: 'A' }), 12);
    gateway.requestEnded(end(200, 1, { operationType: 'mutation' }), 30);
    gateway.requestEnded(end(401, 1), 1);
    const m = await scrape();
    expect(m.value('meshgate_graphql_request_duration_seconds_count', { graphql_operation_type: 'query', outcome: 'success' })).toBe(1);
    expect(m.value('meshgate_graphql_request_duration_seconds_sum', { graphql_operation_type: 'query', outcome: 'success' })).toBeCloseTo(0.012);
    expect(m.value('meshgate_graphql_request_duration_seconds_count', { graphql_operation_type: 'mutation', outcome: 'graphql_error' })).toBe(1);
    expect(m.value('meshgate_graphql_request_duration_seconds_count', { graphql_operation_type: 'unknown', outcome: 'refused' })).toBe(1);
    expect(m.text).not.toContain('graphql_operation_name');
  });

  it('labels operation names only when allowed, cut to 100 characters, and at most MAX_OPERATION_NAMES of them', async () => {
    const { gateway, scrape } = metrics({ operationNames: true });
    for (let i = 0; i < MAX_OPERATION_NAMES + 50; i++) gateway.requestEnded(end(200, 0, { operationType: 'query', operationName: `Op${i}` }), 1);
    gateway.requestEnded(end(200, 0, { operationType: 'query', operationName: 'L'.repeat(500) }), 1);
    gateway.requestEnded(end(200, 0, { operationType: 'query' }), 1);
    const m = await scrape();
    const names = new Set(m.samples.filter((s) => s.name === 'meshgate_graphql_request_duration_seconds_count').map((s) => s.labels.graphql_operation_name));
    // MAX_OPERATION_NAMES names, "(other)" for the rest, and "" (absent) for the anonymous one.
    expect(names.size).toBe(MAX_OPERATION_NAMES + 2);
    expect(m.value('meshgate_graphql_request_duration_seconds_count', { graphql_operation_name: '(other)' })).toBe(51);
    expect([...names].every((name) => name.length <= 100)).toBe(true);
  });

  it('counts fetches by subgraph and outcome, errors, timeouts, GraphQL errors, shared calls and circuit changes', async () => {
    const { gateway, scrape } = metrics();
    const observer = gateway.fetchObserver!;
    observer.onFetch!({ subgraph: 'inventory', durationMs: 4, outcome: 'ok', status: 200, graphqlErrors: 2 });
    observer.onFetch!({ subgraph: 'inventory', durationMs: 200, outcome: 'timeout', graphqlErrors: 0 });
    observer.onFetch!({ subgraph: 'inventory', durationMs: 3, outcome: 'error', status: 502, graphqlErrors: 0 });
    observer.onFetch!({ subgraph: 'marketing', durationMs: 0, outcome: 'rejected', graphqlErrors: 0 });
    observer.onShared!('inventory');
    observer.onShared!('inventory');
    observer.onCircuitChange!('marketing', 'open');
    observer.onCircuitChange!('marketing', 'half-open');
    const m = await scrape();
    expect(m.value('meshgate_subgraph_fetch_duration_seconds_count', { subgraph_name: 'inventory' })).toBe(3);
    expect(m.value('meshgate_subgraph_fetch_duration_seconds_count', { subgraph_name: 'marketing', outcome: 'rejected' })).toBe(1);
    expect(m.value('meshgate_subgraph_fetch_duration_seconds_bucket', { subgraph_name: 'inventory', outcome: 'ok', le: '0.005' })).toBe(1);
    expect(m.value('meshgate_subgraph_fetch_errors_total', { subgraph_name: 'inventory' })).toBe(1);
    expect(m.value('meshgate_subgraph_fetch_timeouts_total', { subgraph_name: 'inventory' })).toBe(1);
    expect(m.value('meshgate_subgraph_graphql_errors_total', { subgraph_name: 'inventory' })).toBe(2);
    expect(m.value('meshgate_subgraph_shared_fetches_total', { subgraph_name: 'inventory' })).toBe(2);
    expect(m.value('meshgate_subgraph_circuit_changes_total', { subgraph_name: 'marketing', state: 'half_open' })).toBe(1);
  });

  it('reads circuit states, the serving supergraph and its age from the serving generation at scrape time', async () => {
    let now = 1_000_000;
    const { gateway, scrape } = metrics({ clock: () => now });
    const states = new Map<string, { circuitState: CircuitState }>([
      ['inventory', { circuitState: 'closed' }],
      ['marketing', { circuitState: 'open' }],
    ]);
    let serving = { id: 'aaa', clients: states };
    gateway.watch(() => serving);
    gateway.supergraphApplied('served');
    now += 90_000;
    let m = await scrape();
    expect(m.value('meshgate_subgraph_circuit_state', { subgraph_name: 'inventory' })).toBe(0);
    expect(m.value('meshgate_subgraph_circuit_state', { subgraph_name: 'marketing' })).toBe(2);
    expect(m.value('meshgate_supergraph_generation_age_seconds')).toBe(90);
    // A new generation: only its id and its subgraphs, nothing left of the old one.
    serving = { id: 'bbb', clients: new Map([['inventory', { circuitState: 'half-open' }]]) };
    gateway.supergraphApplied('served');
    gateway.supergraphApplied('refused');
    m = await scrape();
    expect(m.samples.filter((s) => s.name === 'meshgate_supergraph_info').map((s) => s.labels.supergraph_id)).toEqual(['bbb']);
    expect(m.samples.filter((s) => s.name === 'meshgate_subgraph_circuit_state').map((s) => [s.labels.subgraph_name, s.value])).toEqual([['inventory', 1]]);
    expect(m.value('meshgate_supergraph_generation_age_seconds')).toBe(0);
    expect(m.value('meshgate_supergraph_reloads_total', { outcome: 'served' })).toBe(2);
    expect(m.value('meshgate_supergraph_reloads_total', { outcome: 'refused' })).toBe(1);
  });

  it('counts cache lookups and denials with fixed labels', async () => {
    const { gateway, scrape } = metrics();
    gateway.cacheLookup('query_plan', true);
    gateway.cacheLookup('query_plan', false);
    gateway.cacheLookup('verified_token', true);
    gateway.authorizationDenied('scopes', 3);
    const m = await scrape();
    expect(m.value('meshgate_cache_requests_total', { cache: 'query_plan', result: 'hit' })).toBe(1);
    expect(m.value('meshgate_cache_requests_total', { cache: 'query_plan', result: 'miss' })).toBe(1);
    expect(m.value('meshgate_cache_requests_total', { cache: 'verified_token', result: 'hit' })).toBe(1);
    expect(m.value('meshgate_authorization_denials_total', { reason: 'scopes' })).toBe(3);
  });

  it('records nothing when off: no fetch observer, no request plugin, but a registry for others', async () => {
    const { gateway, scrape } = metrics({ enabled: false });
    expect(gateway.fetchObserver).toBeUndefined();
    gateway.requestEnded(end(200, 0, { operationType: 'query' }), 1);
    gateway.cacheLookup('query_plan', true);
    const m = await scrape();
    expect(m.value('meshgate_graphql_request_duration_seconds_count')).toBeUndefined();
    expect(m.value('meshgate_cache_requests_total')).toBeUndefined();
    expect(buildRequestPlugins({ metrics: gateway }).map((p) => p.name)).not.toContain('metrics');
  });
});

describe('the metrics request plugin', () => {
  it('is in REQUEST_PLUGINS, after the access log, and times each request once with its operation type', async () => {
    const { gateway, scrape } = metrics();
    const plugins = buildRequestPlugins({ metrics: gateway });
    const names = plugins.map((p) => p.name);
    // After the access log, so a request is timed up to its log line too.
    expect(names.indexOf('metrics')).toBeGreaterThan(names.indexOf('access-log'));
    expect(names).toHaveLength(REQUEST_PLUGINS.length);
    const telemetry = startRequestTelemetry({ http: { headers: {} } as never, method: 'POST', generationId: 'g', startedAt: performance.now() }, silent, plugins);
    telemetry.end({ status: 200, operationType: 'subscription' });
    telemetry.end({ status: 200, operationType: 'subscription' });
    const m = await scrape();
    expect(m.value('meshgate_graphql_request_duration_seconds_count', { graphql_operation_type: 'subscription', outcome: 'success' })).toBe(1);
  });
});

describe('the query plan cache', () => {
  it('counts hits and misses of the executor\'s lookups, and keeps plans by size', async () => {
    const lookups: boolean[] = [];
    const cache = createQueryPlanCache({ maxBytes: 200, onLookup: (hit) => lookups.push(hit) });
    const plan = { kind: 'QueryPlan', node: undefined } as unknown as QueryPlan;
    expect(await cache.get('a')).toBeUndefined();
    await cache.set('a', plan);
    expect(await cache.get('a')).toBe(plan);
    expect(lookups).toEqual([false, true]);
    // A plan larger than the whole cache is not kept.
    await cache.set('big', { kind: 'QueryPlan', node: 'x'.repeat(500) } as unknown as QueryPlan);
    expect(await cache.get('big')).toBeUndefined();
    cache.clear();
    expect(await cache.get('a')).toBeUndefined();
  });
});

describe('supergraph reloads through the generation manager', () => {
  it('tells served for each generation swapped in, refused for each refused, nothing for an unchanged one', async () => {
    const outcomes: string[] = [];
    const generations = new GenerationManager({
      source: 'registry',
      logger: silent,
      onApplied: (outcome) => outcomes.push(outcome),
      build: async ({ sdl }) => {
        if (sdl === 'bad') throw new Error('refused');
        return { id: supergraphId(sdl), close: async () => undefined };
      },
    });
    await generations.apply({ sdl: 'A' });
    await generations.apply({ sdl: 'A' });
    await expect(generations.apply({ sdl: 'bad' })).rejects.toThrow('refused');
    await generations.apply({ sdl: 'B' });
    await generations.stop();
    expect(outcomes).toEqual(['served', 'refused', 'served']);
  });
});

describe('gateway metrics configuration', () => {
  it('reads METRICS_* and METRICS_OPERATION_NAMES', () => {
    const config = loadGatewayConfig({ METRICS_PATH: '/prom', METRICS_PORT: '9464', METRICS_OPERATION_NAMES: 'true' });
    expect(config.metrics).toEqual({ enabled: true, path: '/prom', port: 9464 });
    expect(config.metricsOperationNames).toBe(true);
    expect(loadGatewayConfig({}).metricsOperationNames).toBe(false);
  });

  it('refuses METRICS_PORT equal to GATEWAY_PORT, and reports it with every other wrong variable', () => {
    expect(() => loadGatewayConfig({ GATEWAY_PORT: '4000', METRICS_PORT: '4000' })).toThrow('METRICS_PORT: expected a port other than GATEWAY_PORT (4000)');
    let error: unknown;
    try {
      loadGatewayConfig({ METRICS_PATH: 'x', METRICS_OPERATION_NAMES: 'sometimes' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^METRICS_PATH: expected a path/), 'METRICS_OPERATION_NAMES: expected true or false (got "sometimes")']),
    );
  });
});
