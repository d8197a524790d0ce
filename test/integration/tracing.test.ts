import type { RunningGateway } from '../../gateway/src/server.js';
import { authorization, startTestRegistry, type TestRegistry } from '../../registry/test/support/registry.js';
import { loadTracingConfig, startTracing, activeTracer, type Tracing } from '../../shared/telemetry/tracing.js';
import { loadDataProducts } from '../support/data-products.js';
import { postGraphQL, signatureHeaders } from '../support/http.js';
import { captureLogs } from '../support/logs.js';
import { startProxiedMesh, type ProxiedMesh, type RecordingProxy } from '../support/recording-proxy.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { startTestSubgraph, type TestSubgraph } from '../support/subgraphs.js';
import { allowedEverything } from '../support/tokens.js';

// Tracing end to end (shared/telemetry/tracing.ts, gateway/src/telemetry/): gateway, subgraphs and an
// OTLP/HTTP receiver in this process. The SDK is process-global, so this file starts it once (after the
// "off" tests) and stops it in afterAll; jest gives every test file its own globals, so no other file sees it.

const CROSS_DOMAIN = `query LowStock($limit: Int!) {
  products(lowStock: true, limit: $limit) { id sku promotions { discountPercent } openTicketCount }
}`;
const DOMAINS = ['customer-service', 'inventory', 'marketing'];
const ENV = { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '50' };

let receiver: OtlpReceiver;
let mesh: ProxiedMesh;
let subgraphs: readonly TestSubgraph[];
let proxies: Readonly<Record<string, RecordingProxy>>;
let gateway: RunningGateway;
let registry: TestRegistry;
let tracing: Tracing | undefined;
const saved: Record<string, string | undefined> = {};
const logs = captureLogs('info');

const proxiesReceived = () => Object.values(proxies).reduce((n, p) => n + p.received.length, 0);
const children = (spans: readonly ReceivedSpan[], parent: ReceivedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId);
const inTrace = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);
const rootOf = (spans: readonly ReceivedSpan[], requestId: string) =>
  spans.find((s) => s.kind === 'server' && s.parentSpanId === undefined && s.scope === 'meshgate' && logs.lines.some((l) => l.msg === 'request' && l.requestId === requestId && l.traceId === s.traceId));

/** Sends a request and waits until its trace holds `subgraphSpans` subgraph SERVER spans; returns the root and the trace's spans. */
async function traced(requestId: string, send: () => Promise<unknown>, subgraphSpans: number) {
  await send();
  await tracing?.flush();
  let root: ReceivedSpan | undefined;
  await receiver.waitFor((spans) => {
    root = rootOf(spans, requestId);
    return root !== undefined && spans.filter((s) => s.traceId === root!.traceId && s.kind === 'server' && s.attributes['subgraph.name']).length >= subgraphSpans;
  });
  return { root: root!, spans: inTrace(root!.traceId) };
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  for (const [name, value] of Object.entries(ENV)) {
    saved[name] = process.env[name];
    process.env[name] = name === 'OTEL_EXPORTER_OTLP_ENDPOINT' ? receiver.url : value;
  }
  // Each opens its own PGlite: started side by side.
  [mesh, registry] = await Promise.all([startProxiedMesh({ logger: logs.logger }), startTestRegistry()]);
  ({ subgraphs, proxies, gateway } = mesh);
});
afterAll(async () => {
  await mesh?.stop();
  await registry?.stop();
  await tracing?.stop();
  await receiver?.close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('tracing off', () => {
  it('starts no SDK without an exporter, and a request then makes no span and sends no traceparent', async () => {
    const off = startTracing('meshgate-test', loadTracingConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }));
    expect(off.enabled).toBe(false);
    expect(off.description).toMatch(/tracing off \(no exporter/);
    expect(activeTracer()).toBeUndefined();
    for (const proxy of Object.values(proxies)) proxy.received.length = 0;
    // Another operation than the traced one below, whose plan must not be cached yet (gateway.plan spans a planning only).
    const { status, body } = await postGraphQL(gateway.url, CROSS_DOMAIN.replace('LowStock', 'Untraced'), { limit: 2 }, { ...(await allowedEverything()), 'x-request-id': 'off-1' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(proxiesReceived()).toBeGreaterThanOrEqual(3);
    for (const proxy of Object.values(proxies)) for (const headers of proxy.received) expect(headers.traceparent).toBeUndefined();
    expect(logs.lines.find((l) => l.msg === 'request' && l.requestId === 'off-1')?.traceId).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(receiver.exports).toBe(0);
  });
});

describe('tracing on', () => {
  beforeAll(() => {
    tracing = startTracing('meshgate-test');
    expect(tracing.enabled).toBe(true);
  });

  it('refuses a second start in the same process', () => {
    expect(() => startTracing('again')).toThrow(/already started/);
  });

  it('makes one cross-domain request one trace: request -> stages, authorize, Apollo plan/execute -> subgraph fetches -> subgraph spans', async () => {
    const headers = { ...(await allowedEverything()), 'x-request-id': 'tree-1' };
    const { root, spans } = await traced('tree-1', () => postGraphQL(gateway.url, CROSS_DOMAIN, { limit: 3 }, headers), 3);
    expect(receiver.problems).toEqual([]);
    expect(root.name).toBe('query LowStock');
    expect(root.attributes).toEqual(
      expect.objectContaining({
        'graphql.operation.name': 'LowStock',
        'graphql.operation.type': 'query',
        'http.request.method': 'POST',
        'http.route': '/graphql',
        'http.response.status_code': 200,
        'meshgate.supergraph.id': gateway.supergraphId,
      }),
    );
    expect(root.status.code).toBe(0);
    expect(root.service).toBe('meshgate-test');

    const direct = children(spans, root).map((s) => s.name);
    expect(direct).toEqual(expect.arrayContaining(['stage persisted-operations', 'stage parse', 'stage operation-limits', 'stage authenticate', 'stage demand-control', 'authorize', 'gateway.request']));
    expect(spans.find((s) => s.name === 'authorize')?.attributes).toEqual(expect.objectContaining({ 'meshgate.authorization.denied': 0, 'meshgate.authorization.mode': 'filter' }));

    const request = spans.find((s) => s.name === 'gateway.request')!;
    expect(children(spans, request).map((s) => s.name)).toEqual(expect.arrayContaining(['gateway.plan', 'gateway.execute']));
    const fetches = spans.filter((s) => s.name === 'gateway.fetch');
    const clients = spans.filter((s) => s.kind === 'client');
    expect(clients.length).toBeGreaterThanOrEqual(3);
    expect([...new Set(clients.map((c) => c.attributes['subgraph.name']))].sort()).toEqual(DOMAINS);
    for (const client of clients) {
      expect(client.name).toBe(`subgraph ${client.attributes['subgraph.name']}`);
      // Apollo's fetch span is the parent: the request's context was active all the way down.
      expect(fetches.map((f) => f.spanId)).toContain(client.parentSpanId);
      const [server, ...more] = children(spans, client);
      expect(more).toEqual([]);
      expect(server).toEqual(expect.objectContaining({ kind: 'server', attributes: expect.objectContaining({ 'subgraph.name': client.attributes['subgraph.name'], 'graphql.operation.type': 'query' }) }));
      expect(server.name).toMatch(/^query /);
    }
    // Every span of the request is in this one trace: none started a trace of its own.
    const ids = new Set(spans.map((s) => s.spanId));
    for (const span of spans) if (span !== root) expect(ids).toContain(span.parentSpanId);
  });

  it('puts the trace id on the access-log line, and a client traceparent becomes a link, not the parent', async () => {
    const theirs = '0af7651916cd43dd8448eb211c80319c';
    const headers = { 'x-request-id': 'link-1', traceparent: `00-${theirs}-b7ad6b7169203331-01` };
    const { root } = await traced('link-1', () => postGraphQL(gateway.url, '{ products(limit: 1) { sku } }', undefined, headers), 1);
    expect(root.traceId).not.toBe(theirs);
    expect(root.links).toEqual([{ traceId: theirs, spanId: 'b7ad6b7169203331' }]);
    expect(logs.lines.find((l) => l.msg === 'request' && l.requestId === 'link-1')?.traceId).toBe(root.traceId);
  });

  it('marks errors: a denied field fails the request span, a failing subgraph its fetch span', async () => {
    const denied = await traced('err-denied', () => postGraphQL(gateway.url, 'query Costs { products(limit: 2) { sku unitCost } }', undefined, { 'x-request-id': 'err-denied' }), 1);
    expect(denied.root.status).toEqual({ code: 2, message: '1 GraphQL error in the answer' });
    expect(denied.spans.find((s) => s.name === 'authorize')?.attributes).toEqual(
      expect.objectContaining({ 'meshgate.authorization.denied': 1, 'meshgate.authorization.denied_coordinates': ['Product.unitCost'] }),
    );

    const failed = await traced('fail-1', () => postGraphQL(gateway.url, '{ products(limit: 1) { sku } }', undefined, { 'x-request-id': 'fail-1' }), 0);
    await receiver.waitFor(() => inTrace(failed.root.traceId).some((s) => s.kind === 'client'));
    const client = inTrace(failed.root.traceId).find((s) => s.kind === 'client')!;
    expect(client.status.code).toBe(2);
    expect(client.status.message).toMatch(/Subgraph "inventory" is unavailable/);
    expect(client.attributes['error.type']).toBe('SUBGRAPH_UNAVAILABLE');
  });

  it('marks the stage that refused a request; the 4xx request span itself stays unset (the client erred)', async () => {
    const refused = await postGraphQL(gateway.url, '{ products(limit: 1) { sku } }', undefined, { 'x-request-id': 'refused-1', authorization: 'Bearer not-a-token' });
    expect(refused.status).toBe(401);
    await tracing?.flush();
    let root: ReceivedSpan | undefined;
    await receiver.waitFor((spans) => (root = rootOf(spans, 'refused-1')) !== undefined);
    expect(root!.attributes).toEqual(expect.objectContaining({ 'http.response.status_code': 401, 'error.type': '401' }));
    expect(root!.status.code).toBe(0);
    const stage = children(inTrace(root!.traceId), root!).find((s) => s.name === 'stage authenticate')!;
    expect(stage.status.code).toBe(2);
    expect(stage.attributes['error.type']).toBe('AUTH_ERROR');
    expect(children(inTrace(root!.traceId), root!).map((s) => s.name)).not.toContain('gateway.request');
  });

  it('names a request the HTTP front refused off the GraphQL route by its method only (no route, no client text in the name)', async () => {
    const response = await fetch(gateway.url.replace('/graphql', '/no/such/path?q=1'), { method: 'POST', headers: { 'x-request-id': 'front-404' } });
    expect(response.status).toBe(404);
    await tracing?.flush();
    let root: ReceivedSpan | undefined;
    await receiver.waitFor((spans) => (root = rootOf(spans, 'front-404')) !== undefined);
    expect(root!.name).toBe('POST');
    expect(root!.attributes).toEqual(expect.objectContaining({ 'url.path': '/no/such/path', 'http.response.status_code': 404 }));
    expect(root!.attributes['http.route']).toBeUndefined();
  });

  it('keeps traceparent out of in-flight sharing: two identical concurrent requests share one subgraph fetch', async () => {
    const token = await allowedEverything();
    const inventory = proxies.inventory;
    inventory.received.length = 0;
    inventory.delayMs = 300;
    try {
      const query = '{ products(limit: 2) { sku } }';
      await Promise.all([
        postGraphQL(gateway.url, query, undefined, { ...token, 'x-request-id': 'share-a' }),
        postGraphQL(gateway.url, query, undefined, { ...token, 'x-request-id': 'share-b' }),
      ]);
    } finally {
      inventory.delayMs = 0;
    }
    expect(inventory.received).toHaveLength(1);
    const sent = String(inventory.received[0].traceparent);
    expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await tracing?.flush();
    let a: ReceivedSpan | undefined;
    let b: ReceivedSpan | undefined;
    await receiver.waitFor((spans) => {
      a = rootOf(spans, 'share-a');
      b = rootOf(spans, 'share-b');
      return !!a && !!b && [a, b].every((root) => spans.some((s) => s.traceId === root.traceId && s.kind === 'client'));
    });
    expect(a!.traceId).not.toBe(b!.traceId);
    // Each caller has its fetch span; the one subgraph span belongs to the trace whose context was sent.
    const serverSpans = receiver.spans.filter((s) => s.kind === 'server' && s.attributes['subgraph.name'] === 'inventory' && [a!.traceId, b!.traceId].includes(s.traceId));
    expect(serverSpans).toHaveLength(1);
    expect(sent).toContain(serverSpans[0].traceId);
  });

  it('gives each registry API request a SERVER span of its own, named after its operation', async () => {
    const theirs = '7ef92f3577b34da6a3ce929d0e0e4739';
    const response = await fetch(registry.registry.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${theirs}-00f067aa0ba902b7-01`, ...(await authorization(['registry:read'])) },
      body: JSON.stringify({ query: 'query RegistryPing { __typename }' }),
    });
    expect(response.status).toBe(200);
    await tracing?.flush();
    const [span] = (await receiver.waitFor((spans) => spans.some((s) => s.name === 'query RegistryPing'))).filter((s) => s.name === 'query RegistryPing');
    expect(span).toEqual(expect.objectContaining({ kind: 'server', attributes: expect.objectContaining({ 'http.route': '/graphql', 'http.response.status_code': 200, 'graphql.operation.type': 'query' }) }));
    expect(span.parentSpanId).toBeUndefined();
    expect(span.traceId).not.toBe(theirs);
  });

  describe('a subgraph adopts a traceparent only from a request the gateway signed', () => {
    const theirs = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traceparent = `00-${theirs}-00f067aa0ba902b7-01`;
    const inventory = () => subgraphs.find((s) => s.subgraph.name === 'inventory')!;

    it('adopts it from a signed request', async () => {
      const body = JSON.stringify({ query: '{ products(limit: 1) { sku } }' });
      const response = await fetch(inventory().subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json', traceparent, ...signatureHeaders(body, { audience: 'inventory' }) }, body });
      expect(response.status).toBe(200);
      await tracing?.flush();
      const [span] = (await receiver.waitFor((spans) => spans.some((s) => s.traceId === theirs))).filter((s) => s.traceId === theirs);
      expect(span).toEqual(expect.objectContaining({ kind: 'server', parentSpanId: '00f067aa0ba902b7', attributes: expect.objectContaining({ 'subgraph.name': 'inventory' }) }));
    });

    it('ignores it on an unsigned request the subgraph still answers (the contract read)', async () => {
      const unsigned = '5cf92f3577b34da6a3ce929d0e0e4737';
      const before = receiver.spans.length;
      const response = await fetch(inventory().subgraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${unsigned}-00f067aa0ba902b7-01` },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      expect(response.status).toBe(200);
      await tracing?.flush();
      const spans = await receiver.waitFor((all) => all.slice(before).some((s) => s.kind === 'server' && s.attributes['subgraph.name'] === 'inventory'));
      const span = spans.slice(before).find((s) => s.kind === 'server' && s.attributes['subgraph.name'] === 'inventory')!;
      expect(span.traceId).not.toBe(unsigned);
      expect(span.parentSpanId).toBeUndefined();
      expect(receiver.spans.some((s) => s.traceId === unsigned)).toBe(false);
    });

    let unverified: TestSubgraph | undefined;
    afterAll(async () => {
      await unverified?.stop();
    });

    it('ignores it where signatures are not checked at all (verification off: nothing vouched for the request)', async () => {
      const open = (unverified = await startTestSubgraph((await loadDataProducts()).find((p) => p.name === 'inventory')!, { verifySignatures: false }));
      const unchecked = '8af92f3577b34da6a3ce929d0e0e4740';
      const response = await fetch(open.subgraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${unchecked}-00f067aa0ba902b7-01` },
        body: JSON.stringify({ query: 'query Unchecked { products(limit: 1) { sku } }' }),
      });
      expect(response.status).toBe(200);
      await tracing?.flush();
      const spans = await receiver.waitFor((all) => all.some((s) => s.name.startsWith('query Unchecked')));
      const span = spans.find((s) => s.name.startsWith('query Unchecked'))!;
      expect(span.traceId).not.toBe(unchecked);
      expect(span.parentSpanId).toBeUndefined();
    });

    it('makes no span for a request its signature check refused', async () => {
      const refusedTrace = '6df92f3577b34da6a3ce929d0e0e4738';
      const response = await fetch(inventory().subgraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${refusedTrace}-00f067aa0ba902b7-01` },
        body: JSON.stringify({ query: '{ products(limit: 1) { sku } }' }),
      });
      expect(response.status).toBe(401);
      await tracing?.flush();
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(receiver.spans.some((s) => s.traceId === refusedTrace)).toBe(false);
    });
  });
});
