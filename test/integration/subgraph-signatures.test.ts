import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { signingDecorator } from '../../gateway/src/execution/request-signing.js';
import { SubgraphClient } from '../../gateway/src/execution/subgraph-client.js';
import { openDatabase, type Database } from '../../shared/db/database.js';
import { createLogger } from '../../shared/logging.js';
import { ANONYMOUS, type Principal } from '../../shared/principal.js';
import { SIGNATURE_HEADERS, signSubgraphRequest, signedContent } from '../../shared/signing.js';
import { startSubgraph, type RunningSubgraph } from '../../shared/subgraph/subgraph-server.js';
import { inventory } from '../../subgraphs/inventory/src/server.js';
import { getGraphQL, postGraphQL, postSigned, type GraphQLResponse } from '../support/http.js';
import { TEST_SUBGRAPH_SECRET, startTestSubgraph, type TestSubgraph } from '../support/subgraphs.js';

/** Subgraphs answer only the gateway: every /graphql request must carry its signature. */

const ANALYST: Principal = { authenticated: true, subject: 'ana', scopes: ['read:inventory'], claims: { sub: 'ana', scope: 'read:inventory' } };
const PRODUCTS = '{ products(limit: 2) { id sku } }';
const SERVICE = '{ _service { sdl } }';
const ENTITIES = '{ _entities(representations: [{ __typename: "Product", id: "1" }]) { ... on Product { id sku } } }';
const SIGNED = { secret: TEST_SUBGRAPH_SECRET };

const expectRefused = (response: GraphQLResponse, reason: RegExp) => {
  expect(response.status).toBe(401);
  expect(response.body).toEqual({
    errors: [{ message: expect.stringMatching(new RegExp(`^Request refused: ${reason.source}`)), extensions: { code: 'FORBIDDEN' } }],
  });
};

describe('a data product refuses requests the gateway did not sign', () => {
  let service: TestSubgraph;
  beforeAll(async () => {
    service = await startTestSubgraph(inventory);
  });
  afterAll(() => service?.stop());
  beforeEach(() => service.resetStatements());

  const url = () => service.subgraph.url;
  // Signs one request, then changes it on the way: what an attacker replaying or editing it would send.
  const tampered = async (change: (headers: Record<string, string>) => void, body = JSON.stringify({ query: PRODUCTS })) => {
    const headers = signSubgraphRequest({ body: JSON.stringify({ query: PRODUCTS }), principal: ANONYMOUS, secret: TEST_SUBGRAPH_SECRET });
    change(headers);
    const response = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, headers: response.headers, body: await response.json() } as GraphQLResponse;
  };

  it.each<[string, () => Promise<GraphQLResponse>, RegExp]>([
    ['an unsigned POST', () => postGraphQL(url(), PRODUCTS), /missing header x-meshgate-timestamp/],
    ['an unsigned GET', () => getGraphQL(url(), PRODUCTS), /missing header x-meshgate-timestamp/],
    ['an unsigned _service', () => postGraphQL(url(), SERVICE), /missing header/],
    ['an unsigned _entities', () => postGraphQL(url(), ENTITIES), /missing header/],
    ['a stale signature', () => postSigned(url(), PRODUCTS, undefined, { ...SIGNED, now: Date.now() - 120_000 }), /signature is 1[12]\d s old; the limit is 60 s/],
    ['a signature from the future', () => postSigned(url(), PRODUCTS, undefined, { ...SIGNED, now: Date.now() + 120_000 }), /signature is dated 1[12]\d s in the future/],
    ['another secret', () => postSigned(url(), PRODUCTS, undefined, { secret: 'not-the-gateway-secret-but-long-enough' }), /signature does not match/],
    ['a tampered body', () => tampered(() => undefined, JSON.stringify({ query: ENTITIES })), /signature does not match/],
    [
      'a forged principal',
      () => tampered((h) => (h[SIGNATURE_HEADERS.principal] = Buffer.from(JSON.stringify(ANALYST)).toString('base64url'))),
      /signature does not match/,
    ],
    [
      'a signed GET replayed with another query',
      async () => {
        const signedFor = new URL(url());
        signedFor.searchParams.set('query', SERVICE);
        const headers = signSubgraphRequest({ body: signedContent('GET', signedFor.pathname + signedFor.search, ''), principal: ANONYMOUS, secret: TEST_SUBGRAPH_SECRET });
        const sent = new URL(url());
        sent.searchParams.set('query', PRODUCTS);
        const response = await fetch(sent, { headers: { ...headers, 'apollo-require-preflight': 'true' } });
        return { status: response.status, headers: response.headers, body: await response.json() } as GraphQLResponse;
      },
      /signature does not match/,
    ],
  ])('answers %s with 401 FORBIDDEN and runs no SQL', async (_name, send, reason) => {
    expectRefused(await send(), reason);
    expect(service.statements).toEqual([]);
  });

  it.each<[string, () => Promise<GraphQLResponse>]>([
    ['a signed POST', () => service.query(PRODUCTS)],
    ['a signed GET', () => getGraphQL(url(), PRODUCTS, SIGNED)],
    ['a signed _entities', () => service.query(ENTITIES)],
  ])('serves %s', async (_name, send) => {
    const { status, body } = await send();
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(service.statements.length).toBeGreaterThan(0);
  });

  it('serves its contract to a signed _service request', async () => {
    const { status, body } = await service.query(SERVICE);
    expect(status).toBe(200);
    expect(body.data!._service.sdl).toContain('type Product');
  });

  it.each(['/health', '/ready'])('keeps %s open without a signature', async (path) => {
    const response = await fetch(new URL(path, url()));
    expect(response.status).toBe(200);
  });
});

// A test-only data product whose one field reports the context it was resolved in.
const WHOAMI_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query { whoami: Whoami! }
  type Whoami { authenticated: Boolean! subject: String scopes: [String!]! claims: String! builderSaw: String }
`;

// @apollo/gateway does not export its request-kind enum from the package root; these are its values.
type Kind<K> = Extract<GraphQLDataSourceProcessOptions, { kind: K }>['kind'];
const INCOMING_OPERATION = 'incoming operation' as Kind<'incoming operation'>;
const HEALTH_CHECK = 'health check' as Kind<'health check'>;

interface WhoamiContext {
  /** What the domain's context builder was given, to show it receives the verified principal. */
  builderSaw: string | null;
}

describe('the verified principal reaches the resolvers', () => {
  let dir: string;
  let db: Database;
  let whoami: RunningSubgraph;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshgate-whoami-'));
    await writeFile(join(dir, 'schema.graphql'), WHOAMI_SDL);
    db = await openDatabase({ dataDir: 'memory://', schema: 'whoami' });
    whoami = await startSubgraph<WhoamiContext>({
      name: 'whoami',
      schemaPath: join(dir, 'schema.graphql'),
      db,
      logger: createLogger('whoami', process.env.TEST_LOG_LEVEL ?? 'silent'),
      port: 0,
      signatures: { verify: true, secrets: ['a-new-secret-being-rolled-out-now', TEST_SUBGRAPH_SECRET], maxAgeSeconds: 60 },
      context: ({ principal }) => ({ builderSaw: principal.subject ?? null }),
      resolvers: {
        Query: {
          whoami: (_parent, _args, ctx) => ({ ...ctx.principal, claims: JSON.stringify(ctx.principal.claims), builderSaw: ctx.builderSaw }),
        },
      },
    });
  });
  afterAll(async () => {
    await whoami?.stop();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const WHO = '{ whoami { authenticated subject scopes claims builderSaw } }';
  const asSeen = (p: Principal) => ({ authenticated: p.authenticated, subject: p.subject ?? null, scopes: p.scopes, claims: JSON.stringify(p.claims), builderSaw: p.subject ?? null });

  it.each([
    ['an analyst', ANALYST],
    ['an anonymous caller', ANONYMOUS],
  ])('as signed by the gateway: %s', async (_name, principal) => {
    const { status, body } = await postSigned(whoami.url, WHO, undefined, { principal, secret: TEST_SUBGRAPH_SECRET });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { whoami: asSeen(principal) } });
  });

  describe('through the gateway client with signingDecorator', () => {
    let client: SubgraphClient;
    let unsigned: SubgraphClient;
    beforeAll(() => {
      // Signs with the first secret of its list, which the subgraph accepts among its own (rotation).
      client = new SubgraphClient({ name: 'whoami', url: whoami.url, timeoutMs: 5000, connections: 1, decorate: signingDecorator(['a-new-secret-being-rolled-out-now', 'retired']) });
      unsigned = new SubgraphClient({ name: 'whoami', url: whoami.url, timeoutMs: 5000, connections: 1 });
    });
    afterAll(async () => {
      await client?.close();
      await unsigned?.close();
    });

    const incoming = (context: Record<string, unknown>): GraphQLDataSourceProcessOptions => ({
      kind: INCOMING_OPERATION,
      request: { query: WHO },
      // The decorator only tests for its presence; a full request context is the gateway's to build.
      incomingRequestContext: {} as GatewayGraphQLRequestContext,
      context,
    });

    it.each<[string, GraphQLDataSourceProcessOptions, Principal]>([
      ['an operation signed as its caller', incoming({ principal: ANALYST }), ANALYST],
      ['an operation without a principal in its context as ANONYMOUS', incoming({}), ANONYMOUS],
      ['a health check as ANONYMOUS', { kind: HEALTH_CHECK, request: { query: WHO }, context: { principal: ANALYST } }, ANONYMOUS],
    ])('sends %s', async (_name, options, principal) => {
      expect(await client.process(options)).toEqual({ data: { whoami: asSeen(principal) } });
    });

    it('refuses to vouch for a context principal of the wrong shape', async () => {
      await expect(client.process(incoming({ principal: { subject: 'ana' } }))).rejects.toThrow(
        'expected context.principal to be a Principal ({ authenticated, scopes, claims }), got {"subject":"ana"}',
      );
    });

    it('is refused without the decorator', async () => {
      expect(await unsigned.process(incoming({ principal: ANALYST }))).toEqual({
        errors: [{ message: expect.stringMatching(/^Request refused: missing header/), extensions: { code: 'FORBIDDEN' } }],
      });
    });
  });
});
