import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { CATALOG_PATH } from '../../gateway/src/catalog-api/catalog-api.js';
import type { MeasurementWindow, PromiseSource } from '../../gateway/src/catalog-api/types.js';
import type { RunningGateway } from '../../gateway/src/server.js';
import { loadDataProduct } from '../support/data-products.js';
import { postGraphQL, type GraphQLResponse } from '../support/http.js';
import { startPlatform, until, type Platform } from '../support/platform.js';
import { startTestGateway } from '../support/stack.js';

// The catalog API on real servers: a registry with the demo products published to it, the
// subgraphs, and a gateway reading its supergraph from the registry, all on port 0.

/** A stand-in for the gateway's promise monitor: what it was asked, and fixed answers. */
const asked: string[] = [];
const promises: PromiseSource = {
  report: (product) => {
    asked.push(`report ${product}`);
    return [{ property: 'availability', promised: 99.9, measured: 100, window: 'hour', met: true, samples: 12 }];
  },
  series: (product, window: MeasurementWindow) => {
    asked.push(`series ${product} ${window}`);
    return [{ start: Date.UTC(2025, 0, 1), requests: 10, errors: 1, timeouts: 0, p50Ms: 4, p99Ms: 20 }];
  },
};

let platform: Platform;
let catalogUrl: string;
let composed: RunningGateway | undefined;
beforeAll(async () => {
  platform = await startPlatform({ gatewayDependencies: { promises } });
  catalogUrl = platform.gateway.url.replace(/\/graphql$/, CATALOG_PATH);
});
afterAll(async () => {
  await composed?.stop();
  await platform?.stop();
});

const ask = <Data = Record<string, any>>(query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>> =>
  postGraphQL<Data>(catalogUrl, query, variables, headers);
const bearer = async (scopes: string[]) => ({ authorization: `Bearer ${await platform.token(scopes, 'analyst')}` });

describe('the catalog API', () => {
  it('lists the products of the serving supergraph, with owners, types, requirements and examples', async () => {
    const { status, body } = await ask('{ products { name lifecycle owner { team } described types { name fields { coordinate requirement classification { level } } } examples { title requirement } } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const inventory = body.data!.products.find((p: { name: string }) => p.name === 'inventory');
    expect(body.data!.products.map((p: { name: string }) => p.name)).toEqual(['customer-service', 'inventory', 'marketing']);
    expect(inventory.described).toBe(true);
    const unitCost = inventory.types.flatMap((t: { fields: unknown[] }) => t.fields).find((f: { coordinate: string }) => f.coordinate === 'Product.unitCost');
    expect(unitCost).toEqual({ coordinate: 'Product.unitCost', requirement: 'needs the scope finance:read', classification: { level: 'confidential' } });
    expect(inventory.examples.some((e: { requirement: string | null }) => e.requirement === 'needs the scope finance:read')).toBe(true);
  });

  it('answers anonymous and scoped callers differently, as /graphql does', async () => {
    const query = '{ viewer { authenticated scopes } access(product: "inventory") { coordinate readable missing } }';
    const anonymous = await ask(query);
    const finance = await ask(query, await bearer(['finance:read']));
    const unitCost = (r: GraphQLResponse<Record<string, any>>) => r.body.data!.access.find((a: { coordinate: string }) => a.coordinate === 'Product.unitCost');
    expect(anonymous.body.data!.viewer).toEqual({ authenticated: false, scopes: [] });
    expect(unitCost(anonymous)).toEqual({ coordinate: 'Product.unitCost', readable: false, missing: ['needs the scope finance:read'] });
    expect(finance.body.data!.viewer).toEqual({ authenticated: true, scopes: ['finance:read'] });
    expect(unitCost(finance)).toEqual({ coordinate: 'Product.unitCost', readable: true, missing: [] });
    // The gateway itself agrees.
    const direct = await platform.query('{ products(limit: 1) { unitCost } }');
    expect(direct.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
  });

  it('explains an operation for the caller', async () => {
    const query = 'query($q: String!) { explainOperation(query: $q) { readable denied { path coordinate missing } errors } }';
    const { body } = await ask(query, {}, { q: '{ products(limit: 1) { name unitCost } }' });
    expect(body.data!.explainOperation).toEqual({ readable: false, denied: [{ path: ['products', '@', 'unitCost'], coordinate: 'Product.unitCost', missing: ['needs the scope finance:read'] }], errors: [] });
    const scoped = await ask(query, await bearer(['finance:read']), { q: '{ products(limit: 1) { name unitCost } }' });
    expect(scoped.body.data!.explainOperation).toEqual({ readable: true, denied: [], errors: [] });
  });

  it('refuses a bad token with 401, as /graphql does', async () => {
    for (const url of [catalogUrl, platform.gateway.url]) {
      const { status, body } = await postGraphQL(url, '{ __typename }', undefined, { authorization: 'Bearer not-a-token' });
      expect({ url, status, code: body.errors?.[0].extensions?.code }).toEqual({ url, status: 401, code: 'AUTH_ERROR' });
    }
  });

  it('serves promises and measurements only to authenticated callers', async () => {
    const anonymous = await ask('{ promises(product: "inventory") { property } }');
    expect(anonymous.body.data).toBeNull();
    expect(anonymous.body.errors).toEqual([
      expect.objectContaining({ message: 'Promises are shown to authenticated callers only: send "Authorization: Bearer <token>"', extensions: { code: 'UNAUTHENTICATED' } }),
    ]);
    const measurementsAnonymous = await ask('{ measurements(product: "inventory", window: DAY) { start } }');
    expect(measurementsAnonymous.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(asked).toEqual([]);

    const { body } = await ask('{ promises(product: "inventory") { property promised measured window met samples } measurements(product: "inventory", window: DAY) { start requests errors timeouts p50Ms p99Ms } }', await bearer([]));
    expect(body).toEqual({
      data: {
        promises: [{ property: 'availability', promised: 99.9, measured: 100, window: 'hour', met: true, samples: 12 }],
        measurements: [{ start: '2025-01-01T00:00:00.000Z', requests: 10, errors: 1, timeouts: 0, p50Ms: 4, p99Ms: 20 }],
      },
    });
    expect(asked).toEqual(['report inventory', 'series inventory day']);
  });

  it('hands out development tokens the gateway accepts, on the development secret', async () => {
    const { body } = await ask('{ developmentTokens { name scopes roles token } }');
    const finance = body.data!.developmentTokens.find((t: { name: string }) => t.name === 'finance');
    expect(finance.scopes).toEqual(['finance:read']);
    const direct = await platform.query('{ products(limit: 1) { unitCost } }', { authorization: `Bearer ${finance.token}` });
    expect(direct.body.errors).toBeUndefined();
    expect(typeof direct.body.data!.products[0].unitCost).toBe('number');
  });

  it('has examples that run against /graphql as they are, denied where they say', async () => {
    const { body } = await ask('{ products { examples { title query requirement } } }');
    const examples = body.data!.products.flatMap((p: { examples: unknown[] }) => p.examples) as { title: string; query: string; requirement: string | null }[];
    for (const example of examples) {
      const { status, body: answer } = await platform.query(example.query);
      expect({ title: example.title, status, hasData: answer.data != null || answer.errors?.every((e) => e.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE') }).toEqual({ title: example.title, status: 200, hasData: true });
      const denied = (answer.errors ?? []).filter((e) => e.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE');
      expect({ title: example.title, denied: denied.length > 0 }).toEqual({ title: example.title, denied: example.requirement !== null });
    }
  });

  it('shows the history from the registry, with each change in words', async () => {
    const before = await ask('{ history(product: "inventory") { version action publisher summary } }');
    expect(before.body).toEqual({ data: { history: [{ version: 1, action: 'publish', publisher: 'platform-admin', summary: [expect.stringMatching(/^First version: \d+ types and \d+ fields$/)] }] } });

    // A new version: a description and a consumer, nothing the running subgraph disagrees with.
    const product = await loadDataProduct('inventory');
    const [sdl, descriptor] = await Promise.all([readFile(product.schemaPath, 'utf8'), readFile(product.descriptorPath, 'utf8')]);
    const edited = sdl.replace('  sku: String!\n  name: String!', '  sku: String!\n  "What the customer sees."\n  name: String!');
    expect(edited).not.toBe(sdl);
    const result = await platform.admin.publish({ name: 'inventory', url: platform.subgraphs.inventory.subgraph.url, sdl: edited, descriptor: descriptor.replace('consumers: [', 'consumers: [catalog readers, '), label: 'describe-name' });
    expect(result.ok).toBe(true);

    // The gateway takes the new supergraph as a new generation; the catalog's view follows it.
    await until('the catalog shows the new description', async () => {
      const { body } = await ask('{ product(name: "inventory") { types { fields { coordinate description } } } }');
      return body.data?.product.types.flatMap((t: { fields: unknown[] }) => t.fields).some((f: { coordinate: string; description: string | null }) => f.coordinate === 'Product.name' && f.description === 'What the customer sees.');
    });
    const after = await ask('{ history(product: "inventory", limit: 1) { version label summary } }');
    expect(after.body).toEqual({
      data: { history: [{ version: 2, label: 'describe-name', summary: ["Field 'Product.name' has description 'What the customer sees.'", 'New consumer: catalog readers'] }] },
    });
  });

  it('answers no history, with a note, on a gateway whose supergraph is not from a registry', async () => {
    composed = await startTestGateway(platform.subgraphs);
    const { body } = await postGraphQL(composed.url.replace(/\/graphql$/, CATALOG_PATH), '{ history(product: "inventory") { version } }');
    expect(body).toEqual({
      data: { history: [] },
      extensions: { notes: ['The gateway reads its supergraph from its compose source, not from a schema registry: there is no version history to show'] },
    });
  });

  it('searches products, types and fields', async () => {
    const { body } = await ask('{ search(text: "unit cost", limit: 5) { kind product coordinate } }');
    expect(body.data!.search).toEqual(expect.arrayContaining([{ kind: 'field', product: 'inventory', coordinate: 'Product.unitCost' }]));
  });

  it('serves introspection of its own schema, and GET with the CSRF header only', async () => {
    const { body } = await ask('{ __schema { queryType { fields { name } } } }');
    expect(body.data!.__schema.queryType.fields.map((f: { name: string }) => f.name)).toEqual(
      expect.arrayContaining(['products', 'product', 'search', 'viewer', 'access', 'explainOperation', 'history', 'promises', 'measurements', 'developmentTokens']),
    );
    const url = `${catalogUrl}?query=${encodeURIComponent('{ viewer { authenticated } }')}`;
    const preflighted = await request(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect([preflighted.statusCode, await preflighted.body.json()]).toEqual([200, { data: { viewer: { authenticated: false } } }]);
    const forged = await request(url);
    expect([forged.statusCode, ((await forged.body.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code]).toEqual([400, 'CSRF_PREVENTION']);
  });
});

describe('hostile input to the catalog API', () => {
  const timed = async <T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> => {
    const started = performance.now();
    const result = await work();
    return { ms: performance.now() - started, result };
  };

  it.each<[string, () => Promise<GraphQLResponse>, number, string]>([
    ['a huge search text', () => ask('query($t: String!) { search(text: $t) { coordinate } }', {}, { t: 'x'.repeat(900_000) }), 200, 'BAD_USER_INPUT'],
    ['a deep query', () => ask(`{ ${'products { types { '.repeat(12)}name${' } }'.repeat(12)} }`), 400, 'MAX_DEPTH_LIMIT'],
    ['many aliases', () => ask(`{ ${Array.from({ length: 11 }, (_, i) => `v${i}: viewer { authenticated }`).join(' ')} }`), 400, 'MAX_ALIASES_LIMIT'],
    ['many root fields', () => ask(`{ ${'products { name } '.repeat(16)} }`), 400, 'MAX_ROOT_FIELDS_LIMIT'],
    ['too many tokens', () => ask(`{ ${'viewer { authenticated } '.repeat(3000)} }`), 400, 'MAX_TOKENS_LIMIT'],
    ['a history limit over the bound', () => ask('{ history(product: "inventory", limit: 5000) { version } }'), 200, 'BAD_USER_INPUT'],
    ['an unknown product', () => ask('{ history(product: "nope") { version } }'), 200, 'BAD_USER_INPUT'],
  ])('refuses %s clearly and fast', async (_name, send, status, code) => {
    const { ms, result } = await timed(send);
    expect({ status: result.status, code: result.body.errors?.[0].extensions?.code }).toEqual({ status, code });
    expect(JSON.stringify(result.body)).not.toMatch(/stacktrace|    at /i);
    expect(ms).toBeLessThan(2000);
  });

  it('refuses a body over the gateway\'s limit with 413', async () => {
    const { status, body } = await ask('query($t: String!) { search(text: $t) { coordinate } }', {}, { t: 'x'.repeat(1_100_000) });
    expect([status, body.errors?.[0].extensions?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('suggests no field names', async () => {
    const { status, body } = await ask('{ prodcts { name } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ message: 'Cannot query field "prodcts" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });

  it('judges a hostile operation given to explainOperation within the gateway\'s limits', async () => {
    const { body } = await ask('query($q: String!) { explainOperation(query: $q) { readable errors } }', {}, { q: `{ ${'products { stockLevels { product { '.repeat(8)}id${' } } }'.repeat(8)} }` });
    expect(body.data!.explainOperation).toEqual({ readable: false, errors: [expect.stringMatching(/^Operation depth \d+ exceeds the limit of 20$/)] });
  });
});
