import { request } from 'node:http';
import { ConfigError } from '../config/env.js';
import { listen, type Listening } from '../http/listen.js';
import { createLogger } from '../logging.js';
import { parsePrometheus } from '../../test/support/prometheus.js';
import { loadMetricsConfig } from './metrics-config.js';
import { createMetricsRegistry, httpServerMetrics, metricsOnlyHandler, metricsRoute, routeMatcher } from './metrics.js';
import { createServiceMetrics } from './service-metrics.js';
import { loadRegistryConfig } from '../../registry/src/config.js';
import { loadDataProduct } from '../../test/support/data-products.js';
import { loadSubgraphConfig } from '../subgraph/data-product.js';

const silent = createLogger('metrics-test', 'silent');

describe('loadMetricsConfig', () => {
  it.each<[string, Record<string, string>, object]>([
    ['defaults: on, at /metrics, on the service port', {}, { enabled: true, path: '/metrics' }],
    ['off', { METRICS_ENABLED: 'false' }, { enabled: false, path: '/metrics' }],
    ['another path and a port of its own', { METRICS_PATH: '/internal/prom', METRICS_PORT: '9464' }, { enabled: true, path: '/internal/prom', port: 9464 }],
    ['port 0 picks a free one', { METRICS_PORT: '0' }, { enabled: true, path: '/metrics', port: 0 }],
  ])('%s', (_label, env, expected) => {
    expect(loadMetricsConfig(env)).toEqual(expected);
  });

  it('takes the first port variable that is set (a data product\'s own before METRICS_PORT)', () => {
    const names = ['INVENTORY_METRICS_PORT', 'METRICS_PORT'];
    expect(loadMetricsConfig({ METRICS_PORT: '9464' }, names).port).toBe(9464);
    expect(loadMetricsConfig({ METRICS_PORT: '9464', INVENTORY_METRICS_PORT: '9465' }, names).port).toBe(9465);
  });

  it.each<[Record<string, string>, string]>([
    [{ METRICS_ENABLED: 'maybe' }, 'METRICS_ENABLED: expected true or false (got "maybe")'],
    [{ METRICS_PATH: 'metrics' }, 'METRICS_PATH: expected a path such as /metrics: a "/" then letters, digits, ".", "_", "~", "-" or "/" (got "metrics")'],
    [{ METRICS_PATH: '/metrics?x=1' }, 'METRICS_PATH: expected a path such as /metrics'],
    [{ METRICS_PATH: '/graphql' }, 'METRICS_PATH: expected a path the service does not already serve (not /graphql, /health or /ready) (got "/graphql")'],
    [{ METRICS_PATH: `/${'m'.repeat(200)}` }, 'METRICS_PATH: expected a path of at most 200 characters'],
    [{ METRICS_PORT: '70000' }, 'METRICS_PORT: expected a port between 0 and 65535 (got "70000")'],
    [{ METRICS_PORT: 'nine' }, 'METRICS_PORT: expected a port number (got "nine")'],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => loadMetricsConfig(env)).toThrow(ConfigError);
    expect(() => loadMetricsConfig(env)).toThrow(message);
  });
});

describe('routeMatcher', () => {
  const routeOf = routeMatcher(['/graphql', '/health', '/catalog/*']);
  it.each([
    ['/graphql', '/graphql'],
    ['/graphql?query=x', '/graphql'],
    ['/health', '/health'],
    ['/catalog/', '/catalog/*'],
    ['/catalog/products/inventory', '/catalog/*'],
    ['/catalog', '/catalog/*'],
    ['/catalogue', 'other'],
    ['/graphql/x', 'other'],
    ['/wp-login.php', 'other'],
    ['/', 'other'],
  ])('%s -> %s', (url, route) => {
    expect(routeOf(url)).toBe(route);
  });
});

describe('httpServerMetrics over a real server', () => {
  let listening: Listening;
  const registry = createMetricsRegistry('test-service');
  beforeAll(async () => {
    const handler = httpServerMetrics(registry).instrument(async (req, res) => {
      if (req.url === '/hang') {
        // Never answers: the client goes away first.
        return;
      }
      res.writeHead(req.url?.split('?')[0] === '/graphql' ? 200 : 404).end();
    }, ['/graphql', '/hang']);
    listening = await listen(handler, 0);
  });
  afterAll(() => listening.close());

  const send = (method: string, path: string, abortAfterMs?: number) =>
    new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: listening.port, path, method, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', () => resolve());
      if (abortAfterMs !== undefined) setTimeout(() => req.destroy(), abortAfterMs);
      req.end();
    });

  it('labels method, status and route, each from a bounded set', async () => {
    await send('POST', '/graphql');
    await send('GET', '/graphql?query=%7B__typename%7D');
    await send('GET', '/random/path/123');
    await send('PROPFIND', '/graphql');
    await send('GET', '/hang', 50);
    // The server sees the client gone a moment after it went.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const m = parsePrometheus(await registry.metrics());
    const count = (labels: Record<string, string>) => m.value('http_server_request_duration_seconds_count', { service: 'test-service', ...labels });
    expect(count({ http_request_method: 'POST', http_response_status_code: '200', http_route: '/graphql' })).toBe(1);
    expect(count({ http_request_method: 'GET', http_response_status_code: '200', http_route: '/graphql' })).toBe(1);
    expect(count({ http_request_method: 'GET', http_response_status_code: '404', http_route: 'other' })).toBe(1);
    expect(count({ http_request_method: '_OTHER', http_route: '/graphql' })).toBe(1);
    // Gone before any answer: no status (an empty label, which Prometheus reads as absent).
    expect(count({ http_request_method: 'GET', http_response_status_code: '', http_route: '/hang' })).toBe(1);
    expect(m.text).not.toContain('random');
    expect(m.text).not.toContain('PROPFIND');
  });
});

describe('metricsRoute and metricsOnlyHandler', () => {
  let listening: Listening | undefined;
  afterEach(async () => {
    await listening?.close();
    listening = undefined;
  });

  it('answers 503 in the JSON error shape when the source fails, and tells why', async () => {
    const failures: unknown[] = [];
    const route = metricsRoute({ contentType: 'text/plain', metrics: () => Promise.reject(new Error('a worker did not answer')) }, (error) => failures.push(error));
    listening = await listen(metricsOnlyHandler('/metrics', route), 0);
    const answer = await fetch(`http://127.0.0.1:${listening.port}/metrics`);
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({ errors: [{ message: 'Metrics are unavailable right now: try the next scrape', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    expect(failures).toEqual([new Error('a worker did not answer')]);
  });

  it('serves only its path, and only GET', async () => {
    listening = await listen(metricsOnlyHandler('/metrics', metricsRoute(createMetricsRegistry('x'))), 0);
    const base = `http://127.0.0.1:${listening.port}`;
    const ok = await fetch(`${base}/metrics`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${base}/other`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('createServiceMetrics', () => {
  it('off: no route, the handler unchanged, no URL', () => {
    const metrics = createServiceMetrics('x', { enabled: false, path: '/metrics' }, { logger: silent });
    const handler = () => undefined;
    expect(metrics.routes).toEqual({});
    expect(metrics.instrument(handler, ['/graphql'])).toBe(handler);
    expect(metrics.url('http://127.0.0.1:1')).toBeUndefined();
  });

  it('on the service port: a route at the path; on a port of its own: none, and its own URL once listening', async () => {
    expect(Object.keys(createServiceMetrics('x', { enabled: true, path: '/prom' }, { logger: silent }).routes)).toEqual(['/prom']);
    const separate = createServiceMetrics('x', { enabled: true, path: '/prom', port: 0 }, { logger: silent });
    expect(separate.routes).toEqual({});
    await separate.listen('127.0.0.1');
    try {
      const url = separate.url('http://127.0.0.1:1')!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/prom$/);
      expect(parsePrometheus(await (await fetch(url)).text()).value('process_cpu_user_seconds_total', { service: 'x' })).toBeGreaterThan(0);
    } finally {
      await separate.close();
    }
  });

  it('two registries in one process stay apart (never prom-client\'s global one)', async () => {
    const a = createMetricsRegistry('a');
    const b = createMetricsRegistry('b');
    expect(a).not.toBe(b);
    expect(parsePrometheus(await a.metrics()).samples.every((s) => s.labels.service === 'a')).toBe(true);
  });
});

describe('every service reads the same METRICS_* variables', () => {
  it('the registry: defaults, and a METRICS_PORT that is not REGISTRY_PORT', () => {
    expect(loadRegistryConfig({}).metrics).toEqual({ enabled: true, path: '/metrics' });
    expect(loadRegistryConfig({ METRICS_PORT: '9464', METRICS_PATH: '/p' }).metrics).toEqual({ enabled: true, path: '/p', port: 9464 });
    expect(() => loadRegistryConfig({ REGISTRY_PORT: '4500', METRICS_PORT: '4500' })).toThrow('METRICS_PORT: expected a port other than REGISTRY_PORT (4500)');
  });

  it('a data product: <PREFIX>METRICS_PORT before METRICS_PORT, never its own port', async () => {
    const inventory = await loadDataProduct('inventory');
    expect(loadSubgraphConfig(inventory, {}).metrics).toEqual({ enabled: true, path: '/metrics' });
    expect(loadSubgraphConfig(inventory, { METRICS_PORT: '9464', INVENTORY_METRICS_PORT: '9465' }).metrics.port).toBe(9465);
    expect(() => loadSubgraphConfig(inventory, { INVENTORY_PORT: '4101', INVENTORY_METRICS_PORT: '4101' })).toThrow(
      'INVENTORY_METRICS_PORT: expected a port other than INVENTORY_PORT (4101)',
    );
    expect(() => loadSubgraphConfig(inventory, { METRICS_ENABLED: 'nope' })).toThrow('METRICS_ENABLED: expected true or false (got "nope")');
  });
});
