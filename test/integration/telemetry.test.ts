import type { RunningGateway } from '../../gateway/src/server.js';
import { operationHash } from '../../gateway/src/telemetry/access-log.js';
import { postGraphQL } from '../support/http.js';
import { captureLogs } from '../support/logs.js';
import { startProxiedMesh, type ProxiedMesh, type RecordingProxy } from '../support/recording-proxy.js';
import { allowedEverything } from '../support/tokens.js';

// Request telemetry end to end (gateway/src/telemetry/): the request id accepted or generated,
// echoed and forwarded to every subgraph, and one access-log line per request.

const QUERY = `query LowStock($limit: Int!) {
  products(lowStock: true, limit: $limit) { id sku promotions { discountPercent } openTicketCount }
}`;

let mesh: ProxiedMesh;
let proxies: Readonly<Record<string, RecordingProxy>>;
let gateway: RunningGateway;
const logs = captureLogs('info');
const accessLines = (requestId: string) => logs.lines.filter((line) => line.msg === 'request' && line.requestId === requestId);

beforeAll(async () => {
  mesh = await startProxiedMesh({ logger: logs.logger });
  ({ proxies, gateway } = mesh);
});
afterAll(() => mesh?.stop());

describe('request ids', () => {
  it('keeps a valid incoming id: echoed on the answer and forwarded to every subgraph called', async () => {
    for (const proxy of Object.values(proxies)) proxy.received.length = 0;
    const { status, headers, body } = await postGraphQL(gateway.url, QUERY, { limit: 3 }, { ...(await allowedEverything()), 'x-request-id': 'test-req.1:a' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(headers.get('x-request-id')).toBe('test-req.1:a');
    const called = Object.entries(proxies).filter(([, p]) => p.received.length > 0);
    expect(called.map(([name]) => name).sort()).toEqual(['customer-service', 'inventory', 'marketing']);
    for (const [, proxy] of called) expect(new Set(proxy.received.map((headers) => headers['x-request-id']))).toEqual(new Set(['test-req.1:a']));
  });

  it('generates a UUID for a missing or invalid id', async () => {
    const missing = await postGraphQL(gateway.url, '{ __typename }');
    expect(missing.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const invalid = await postGraphQL(gateway.url, '{ __typename }', undefined, { 'x-request-id': 'bad id!' });
    expect(invalid.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(invalid.headers.get('x-request-id')).not.toBe(missing.headers.get('x-request-id'));
  });
});

describe('the access log', () => {
  it('writes exactly one line per request: status, operation, subgraphs called, no errors', async () => {
    await postGraphQL(gateway.url, QUERY, { limit: 2 }, { ...(await allowedEverything()), 'x-request-id': 'access-1' });
    const lines = accessLines('access-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(
      expect.objectContaining({
        level: 30,
        method: 'POST',
        status: 200,
        durationMs: expect.any(Number),
        operationName: 'LowStock',
        operationHash: operationHash(QUERY),
        errors: 0,
        supergraph: gateway.supergraphId,
      }),
    );
    expect([...(lines[0].subgraphs as string[])].sort()).toEqual(['customer-service', 'inventory', 'marketing']);
    expect(operationHash(QUERY)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('counts the errors of a denied field', async () => {
    const { body } = await postGraphQL(gateway.url, 'query Costs { products(limit: 2) { sku unitCost } }', undefined, { 'x-request-id': 'access-denied' });
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    const lines = accessLines('access-denied');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(expect.objectContaining({ status: 200, operationName: 'Costs', errors: 1, subgraphs: ['inventory'] }));
  });

  it('logs a request refused by the pipeline once, with its status, and echoes its id on the refusal', async () => {
    const refused = await postGraphQL(gateway.url, '{ products(limit: 1) { sku } }', undefined, { 'x-request-id': 'refused-1', authorization: 'Bearer not-a-token' });
    const lines = accessLines('refused-1');
    expect(lines).toHaveLength(1);
    expect(lines[0].status).toBeGreaterThanOrEqual(400);
    expect(lines[0].errors).toBe(1);
    expect(lines[0].status).toBe(refused.status);
    expect(refused.headers.get('x-request-id')).toBe('refused-1');
  });

  // The HTTP front refuses these before the pipeline sees them; each still gets its line and id.
  it.each([
    ['too large (413)', 413, () => fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'front-413' }, body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(2 * 1024 * 1024)}` }) }), 'front-413'],
    ['wrong content type (415)', 415, () => fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-request-id': 'front-415' }, body: '{}' }), 'front-415'],
    ['a GET without a CSRF header (400)', 400, () => fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'x-request-id': 'front-csrf' } }), 'front-csrf'],
    ['no such route (404)', 404, () => fetch(new URL('/nowhere', gateway.url), { method: 'POST', headers: { 'x-request-id': 'front-404' } }), 'front-404'],
  ])('logs a request refused by the HTTP front, %s, once, and echoes its id', async (_name, status, send, id) => {
    const refused = await send();
    await refused.arrayBuffer();
    expect(refused.status).toBe(status);
    expect(refused.headers.get('x-request-id')).toBe(id);
    const lines = accessLines(id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(expect.objectContaining({ status, errors: 1, supergraph: gateway.supergraphId, subgraphs: [] }));
  });
});

describe('the catalog API', () => {
  const catalogUrl = () => gateway.url.replace(/\/graphql$/, '/catalog/graphql');

  it('gives its requests the same id and one access-log line, naming its path', async () => {
    const { status, headers, body } = await postGraphQL(catalogUrl(), 'query Names { products { name } }', undefined, { 'x-request-id': 'catalog-1' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(headers.get('x-request-id')).toBe('catalog-1');
    expect(accessLines('catalog-1')).toEqual([expect.objectContaining({ path: '/catalog/graphql', status: 200, operationName: 'Names', errors: 0, subgraphs: [] })]);
  });

  it('counts its GraphQL errors, and logs what its HTTP front refuses', async () => {
    await postGraphQL(catalogUrl(), '{ product(name: "inventory") { name } history(product: "nowhere") { version } }', undefined, { 'x-request-id': 'catalog-2' });
    expect(accessLines('catalog-2')).toEqual([expect.objectContaining({ path: '/catalog/graphql', status: 200, errors: 1 })]);
    const refused = await fetch(`${catalogUrl()}?query=${encodeURIComponent('{ viewer { authenticated } }')}`, { headers: { 'x-request-id': 'catalog-csrf' } });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('x-request-id')).toBe('catalog-csrf');
    expect(accessLines('catalog-csrf')).toEqual([expect.objectContaining({ path: '/catalog/graphql', status: 400, errors: 1 })]);
  });
});

describe('subgraph failures', () => {
  it('are logged once per fetch with the subgraph, the reason and the request id', async () => {
    const { status, body } = await postGraphQL(gateway.url, QUERY, { limit: 1 }, { ...(await allowedEverything()), 'x-request-id': 'fail-7' });
    expect(status).toBe(200);
    expect(body.errors?.length).toBeGreaterThan(0);
    const failures = logs.lines.filter((line) => line.requestId === 'fail-7' && typeof line.msg === 'string' && line.msg.includes('fetch failed'));
    // inventory answers first; its failure leaves nothing for the other two subgraphs to join.
    expect(failures).toEqual([expect.objectContaining({ subgraph: 'inventory', reason: 'answered HTTP 502 without a GraphQL response', level: 40 })]);
  });
});
