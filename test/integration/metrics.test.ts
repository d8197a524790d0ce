import { request } from 'node:http';
import { DEFAULT_SUBGRAPH_RESILIENCE } from '../../gateway/src/execution/resilience-config.js';
import type { RunningGateway } from '../../gateway/src/server.js';
import { closedPortUrl } from '../support/hostile-server.js';
import { postGraphQL } from '../support/http.js';
import { startPlatform, type Platform } from '../support/platform.js';
import { scrape, type Scrape } from '../support/prometheus.js';
import { startTestGateway } from '../support/stack.js';
import { allowedEverything, bearer } from '../support/tokens.js';

// Prometheus metrics on real servers: the platform (registry, the three data products, a gateway
// reading the registry) serves one cross-domain request, then every service's /metrics is scraped
// and read as Prometheus would read it.

const CROSS_DOMAIN = `query LowStock($limit: Int!) {
  products(lowStock: true, limit: $limit) { id sku promotions { discountPercent } openTicketCount }
}`;

let platform: Platform;
let gatewayMetrics: Scrape;
let everything: Record<string, string>;

/** A request with any method, to see the method label bounded. */
function sendWithMethod(url: string, method: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  platform = await startPlatform();
  everything = await allowedEverything();
  // The same operation twice with the same token: the second finds its plan, its filter decision and its token cached.
  for (let i = 0; i < 2; i++) {
    const answer = await postGraphQL(platform.gateway.url, CROSS_DOMAIN, { limit: 3 }, everything);
    expect(answer.body.errors).toBeUndefined();
  }
  // One denied field of each kind: no token at all, a missing scope, a policy not met.
  await postGraphQL(platform.gateway.url, '{ customers(limit: 1) { id } }');
  await postGraphQL(platform.gateway.url, '{ products(limit: 1) { sku unitCost } }');
  await postGraphQL(platform.gateway.url, '{ customers(limit: 1) { id email } }', undefined, await bearer({ subject: 'no-pii' }));
  // Refused before anything runs: a bad token, and a method /graphql does not serve.
  expect((await postGraphQL(platform.gateway.url, '{ __typename }', undefined, { authorization: 'Bearer not-a-token' })).status).toBe(401);
  expect(await sendWithMethod(platform.gateway.url, 'PROPFIND')).toBe(405);
  expect((await fetch(platform.gateway.url.replace('/graphql', '/no/such/page?x=1'))).status).toBe(404);
  gatewayMetrics = await scrape(platform.gateway.metricsUrl!);
}, 120_000);
afterAll(() => platform?.stop());

describe('the gateway\'s /metrics', () => {
  it('is served on the gateway\'s own port in the Prometheus text format', () => {
    expect(platform.gateway.metricsUrl).toBe(platform.gateway.url.replace('/graphql', '/metrics'));
    expect(gatewayMetrics.status).toBe(200);
    expect(gatewayMetrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('times HTTP requests under OpenTelemetry\'s names, with bounded method and route labels', () => {
    const m = gatewayMetrics;
    expect(m.types.http_server_request_duration_seconds).toBe('histogram');
    expect(m.value('http_server_request_duration_seconds_count', { service: 'gateway', http_request_method: 'POST', http_response_status_code: '200', http_route: '/graphql' })).toBeGreaterThanOrEqual(5);
    expect(m.value('http_server_request_duration_seconds_count', { http_request_method: 'POST', http_response_status_code: '401', http_route: '/graphql' })).toBe(1);
    expect(m.value('http_server_request_duration_seconds_count', { http_request_method: '_OTHER', http_response_status_code: '405', http_route: '/graphql' })).toBe(1);
    expect(m.value('http_server_request_duration_seconds_count', { http_request_method: 'GET', http_response_status_code: '404', http_route: 'other' })).toBe(1);
    expect(m.text).not.toContain('/no/such/page');
    expect(m.text).not.toContain('PROPFIND');
    // Buckets in seconds, as the conventions advise.
    expect(m.samples.some((s) => s.name === 'http_server_request_duration_seconds_bucket' && s.labels.le === '0.005')).toBe(true);
  });

  it('times GraphQL requests by operation type and outcome, without raw operation names', () => {
    const m = gatewayMetrics;
    expect(m.value('meshgate_graphql_request_duration_seconds_count', { graphql_operation_type: 'query', outcome: 'success' })).toBe(2);
    expect(m.value('meshgate_graphql_request_duration_seconds_count', { graphql_operation_type: 'query', outcome: 'graphql_error' })).toBe(3);
    // The bad token and the wrong method never got as far as an operation.
    expect(m.value('meshgate_graphql_request_duration_seconds_count', { graphql_operation_type: 'unknown', outcome: 'refused' })).toBeGreaterThanOrEqual(2);
    expect(m.samples.filter((s) => s.name.startsWith('meshgate_graphql_request')).every((s) => !('graphql_operation_name' in s.labels))).toBe(true);
    expect(m.text).not.toContain('LowStock');
  });

  it('counts every subgraph\'s fetches by outcome, and shows each circuit closed', () => {
    const m = gatewayMetrics;
    for (const subgraph of ['inventory', 'marketing', 'customer-service']) {
      expect(m.value('meshgate_subgraph_fetch_duration_seconds_count', { subgraph_name: subgraph, outcome: 'ok' })).toBeGreaterThanOrEqual(2);
      expect(m.value('meshgate_subgraph_circuit_state', { subgraph_name: subgraph })).toBe(0);
      expect(m.value('meshgate_subgraph_fetch_errors_total', { subgraph_name: subgraph }) ?? 0).toBe(0);
    }
    // Only outcomes that happened have series: nothing failed here.
    expect(new Set(m.samples.filter((s) => s.name === 'meshgate_subgraph_fetch_duration_seconds_count').map((s) => s.labels.outcome))).toEqual(new Set(['ok']));
  });

  it('counts the fields authorization removed, by what was missing', () => {
    const m = gatewayMetrics;
    expect(m.value('meshgate_authorization_denials_total', { reason: 'unauthenticated' })).toBe(1);
    expect(m.value('meshgate_authorization_denials_total', { reason: 'scopes' })).toBe(1);
    expect(m.value('meshgate_authorization_denials_total', { reason: 'policy' })).toBe(1);
  });

  it('counts hits and misses of the plan, authorization filter and token caches', () => {
    const m = gatewayMetrics;
    const lookups = (cache: string) => ({ hit: m.value('meshgate_cache_requests_total', { cache, result: 'hit' }), miss: m.value('meshgate_cache_requests_total', { cache, result: 'miss' }) });
    // The first cross-domain request plans, the second finds the plan; each filtered operation is planned once.
    expect(lookups('query_plan')).toEqual({ hit: 1, miss: expect.any(Number) });
    // One decision per (operation, caller's satisfied set): the repeat hits, the three denied operations miss.
    expect(lookups('authorization_filter')).toEqual({ hit: 1, miss: 4 });
    // The same token twice (miss, hit), another valid one and a bad one (misses: only verified tokens are kept).
    expect(lookups('verified_token')).toEqual({ hit: 1, miss: 3 });
  });

  it('names the serving supergraph, and counts its load', () => {
    const m = gatewayMetrics;
    expect(m.samples.filter((s) => s.name === 'meshgate_supergraph_info')).toEqual([{ name: 'meshgate_supergraph_info', labels: { supergraph_id: platform.gateway.supergraphId, service: 'gateway' }, value: 1 }]);
    expect(m.value('meshgate_supergraph_reloads_total', { outcome: 'served' })).toBeGreaterThanOrEqual(1);
    expect(m.value('meshgate_supergraph_generation_age_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('carries Node\'s process metrics, labelled with the service', () => {
    expect(gatewayMetrics.value('process_cpu_user_seconds_total', { service: 'gateway' })).toBeGreaterThan(0);
    expect(gatewayMetrics.value('nodejs_eventloop_lag_seconds', { service: 'gateway' })).toBeDefined();
  });
});

describe('the registry\'s and the data products\' /metrics', () => {
  it('the registry times the gateway\'s polls of /supergraph and its API, by route', async () => {
    const m = await scrape(platform.registry.metricsUrl!);
    expect(m.status).toBe(200);
    expect(m.value('http_server_request_duration_seconds_count', { service: 'registry', http_request_method: 'GET', http_route: '/supergraph' })).toBeGreaterThanOrEqual(1);
    expect(m.value('http_server_request_duration_seconds_count', { service: 'registry', http_request_method: 'POST', http_route: '/graphql' })).toBeGreaterThanOrEqual(1);
    expect(m.value('process_cpu_user_seconds_total', { service: 'registry' })).toBeGreaterThan(0);
  });

  it('each data product times the gateway\'s fetches of /graphql', async () => {
    for (const [name, subgraph] of Object.entries(platform.subgraphs)) {
      const m = await scrape(subgraph.subgraph.metricsUrl!);
      expect({ name, status: m.status }).toEqual({ name, status: 200 });
      expect(m.value('http_server_request_duration_seconds_count', { service: name, http_request_method: 'POST', http_response_status_code: '200', http_route: '/graphql' })).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('METRICS_* settings', () => {
  let gateways: RunningGateway[] = [];
  afterEach(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    gateways = [];
  });

  it('METRICS_PORT serves the metrics on a listener of their own, at METRICS_PATH; METRICS_OPERATION_NAMES adds the name', async () => {
    const gateway = await startTestGateway(platform.subgraphs, { metrics: { enabled: true, path: '/prom', port: 0 }, metricsOperationNames: true });
    gateways.push(gateway);
    await postGraphQL(gateway.url, CROSS_DOMAIN, { limit: 1 }, everything);
    const metricsUrl = new URL(gateway.metricsUrl!);
    expect(metricsUrl.pathname).toBe('/prom');
    expect(Number(metricsUrl.port)).not.toBe(gateway.port);
    const m = await scrape(gateway.metricsUrl!);
    expect(m.value('meshgate_graphql_request_duration_seconds_count', { graphql_operation_name: 'LowStock', outcome: 'success' })).toBe(1);
    // Not on the public port, and nothing but metrics on theirs.
    expect((await fetch(gateway.url.replace('/graphql', '/prom'))).status).toBe(404);
    expect((await fetch(gateway.url.replace('/graphql', '/metrics'))).status).toBe(404);
    const other = await fetch(`${metricsUrl.origin}/graphql`);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ errors: [{ message: 'No route for GET /graphql: this port serves only /prom', extensions: { code: 'NOT_FOUND' } }] });
  });

  it('METRICS_ENABLED=false serves no metrics', async () => {
    const gateway = await startTestGateway(platform.subgraphs, { metrics: { enabled: false, path: '/metrics' } });
    gateways.push(gateway);
    expect(gateway.metricsUrl).toBeUndefined();
    expect((await fetch(gateway.url.replace('/graphql', '/metrics'))).status).toBe(404);
  });

  it('a subgraph that is down: errors counted, then its open circuit shown and its calls rejected', async () => {
    const gateway = await startTestGateway(platform.subgraphs, {
      subgraphUrls: { marketing: await closedPortUrl() },
      subgraphResilience: { ...DEFAULT_SUBGRAPH_RESILIENCE, retries: 0, circuitBreaker: { failures: 1, resetMs: 60_000 } },
    });
    gateways.push(gateway);
    await postGraphQL(gateway.url, CROSS_DOMAIN, { limit: 1 }, everything);
    await postGraphQL(gateway.url, CROSS_DOMAIN, { limit: 1 }, everything);
    const m = await scrape(gateway.metricsUrl!);
    expect(m.value('meshgate_subgraph_fetch_errors_total', { subgraph_name: 'marketing' })).toBe(1);
    expect(m.value('meshgate_subgraph_fetch_duration_seconds_count', { subgraph_name: 'marketing', outcome: 'rejected' })).toBeGreaterThanOrEqual(1);
    expect(m.value('meshgate_subgraph_circuit_state', { subgraph_name: 'marketing' })).toBe(2);
    expect(m.value('meshgate_subgraph_circuit_state', { subgraph_name: 'inventory' })).toBe(0);
    expect(m.value('meshgate_subgraph_circuit_changes_total', { subgraph_name: 'marketing', state: 'open' })).toBe(1);
    expect(m.value('meshgate_graphql_request_duration_seconds_count', { outcome: 'graphql_error' })).toBe(2);
  });
});
