import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { jwksRoute, signingDecorator } from '../../gateway/src/execution/request-signing.js';
import { SubgraphClient } from '../../gateway/src/execution/subgraph-client.js';
import { openDatabase, type Database } from '../../shared/db/database.js';
import { listen, type Listening, type Route } from '../../shared/http/graphql-http.js';
import { createLogger } from '../../shared/logging.js';
import { ANONYMOUS, type Principal } from '../../shared/principal.js';
import { generateSigningKey, type SigningKey } from '../../shared/signing/ed25519.js';
import { SIGNATURE_HEADERS, signedContent } from '../../shared/signing/headers.js';
import { loadSigningConfig, type SigningConfig } from '../../shared/signing/signer-config.js';
import type { SignatureCheck } from '../../shared/signing/verifier-config.js';
import { startSubgraph, type RunningSubgraph } from '../../shared/subgraph/subgraph-server.js';
import { inventory } from '../../subgraphs/inventory/src/server.js';
import { marketing } from '../../subgraphs/marketing/src/server.js';
import { getGraphQL, postGraphQL, postSigned, signatureHeaders, type GraphQLResponse, type SigningAs } from '../support/http.js';
import { hmacSignatureCheck, testSignatureCheck, TEST_SIGNING_KEY, TEST_SUBGRAPH_SECRET } from '../support/signing-keys.js';
import { startTestSubgraph, type TestSubgraph } from '../support/subgraphs.js';

/** Subgraphs answer only the gateway: every /graphql request must carry its signature, made for that subgraph. */

const ANALYST: Principal = { authenticated: true, subject: 'ana', scopes: ['read:inventory'], claims: { sub: 'ana', scope: 'read:inventory' } };
const PRODUCTS = '{ products(limit: 2) { id sku } }';
const SERVICE = '{ _service { sdl } }';
const ENTITIES = '{ _entities(representations: [{ __typename: "Product", id: "1" }]) { ... on Product { id sku } } }';
const FOR_INVENTORY: SigningAs = { audience: 'inventory' };
/** A second gateway key pair: one no test subgraph has been given. */
const FOREIGN_KEY = generateSigningKey();

const expectRefused = (response: GraphQLResponse, reason: RegExp) => {
  expect(response.status).toBe(401);
  expect(response.body).toEqual({
    errors: [{ message: expect.stringMatching(new RegExp(`^Request refused: ${reason.source}`)), extensions: { code: 'FORBIDDEN' } }],
  });
};

/** Sends a body with headers as given: what an attacker replaying or editing a request controls. */
const send = async (url: string, headers: Record<string, string>, body: string): Promise<GraphQLResponse<Record<string, any>>> => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, headers: response.headers, body: await response.json() } as GraphQLResponse<Record<string, any>>;
};

// Started once for the file: inventory and marketing as the test mesh runs them (Ed25519, the test gateway key).
let service: TestSubgraph;
let marketingService: TestSubgraph;
beforeAll(async () => {
  [service, marketingService] = await Promise.all([startTestSubgraph(inventory), startTestSubgraph(marketing)]);
});
afterAll(async () => {
  await service?.stop();
  await marketingService?.stop();
});
beforeEach(() => {
  service?.resetStatements();
  marketingService?.resetStatements();
});

describe('a data product refuses requests the gateway did not sign for it (Ed25519, the default)', () => {
  const url = () => service.subgraph.url;
  // Signs one request, then changes it on the way.
  const tampered = (change: (headers: Record<string, string>) => void, body = JSON.stringify({ query: PRODUCTS })) => {
    const headers = signatureHeaders(JSON.stringify({ query: PRODUCTS }), FOR_INVENTORY);
    change(headers);
    return send(url(), headers, body);
  };

  it.each<[string, () => Promise<GraphQLResponse>, RegExp]>([
    ['an unsigned POST', () => postGraphQL(url(), PRODUCTS), /missing header x-meshgate-timestamp/],
    ['an unsigned GET', () => getGraphQL(url(), PRODUCTS), /missing header x-meshgate-timestamp/],
    ['an unsigned _entities', () => postGraphQL(url(), ENTITIES), /missing header/],
    ['a stale signature', () => postSigned(url(), PRODUCTS, undefined, { ...FOR_INVENTORY, now: Date.now() - 120_000 }), /signature is 1[12]\d s old; the limit is 60 s/],
    ['a signature from the future', () => postSigned(url(), PRODUCTS, undefined, { ...FOR_INVENTORY, now: Date.now() + 120_000 }), /signature is dated 1[12]\d s in the future/],
    ['a request signed with another gateway key pair', () => postSigned(url(), PRODUCTS, undefined, { ...FOR_INVENTORY, key: FOREIGN_KEY }), new RegExp(`signed with key "${FOREIGN_KEY.kid}", which is not among the gateway keys this subgraph trusts`)],
    ['a request signed for another subgraph', () => postSigned(url(), PRODUCTS, undefined, { audience: 'marketing' }), /signature is for subgraph "marketing", not for this one \("inventory"\)/],
    ['an HMAC signature', () => postSigned(url(), PRODUCTS, undefined, { secret: TEST_SUBGRAPH_SECRET }), /x-meshgate-signature is an HMAC signature \(v1=, MESHGATE_SIGNING=hmac\) but this subgraph verifies Ed25519/],
    ['a tampered body', () => tampered(() => undefined, JSON.stringify({ query: ENTITIES })), /signature does not match/],
    ['a forged principal', () => tampered((h) => (h[SIGNATURE_HEADERS.principal] = Buffer.from(JSON.stringify(ANALYST)).toString('base64url'))), /signature does not match/],
    [
      'a signed GET replayed with another query',
      async () => {
        const signedFor = new URL(url());
        signedFor.searchParams.set('query', SERVICE);
        const headers = signatureHeaders(signedContent('GET', signedFor.pathname + signedFor.search, ''), FOR_INVENTORY);
        const sent = new URL(url());
        sent.searchParams.set('query', PRODUCTS);
        const response = await fetch(sent, { headers: { ...headers, 'apollo-require-preflight': 'true' } });
        return { status: response.status, headers: response.headers, body: await response.json() } as GraphQLResponse;
      },
      /signature does not match/,
    ],
  ])('answers %s with 401 FORBIDDEN and runs no SQL', async (_name, request, reason) => {
    expectRefused(await request(), reason);
    expect(service.statements).toEqual([]);
  });

  it.each<[string, () => Promise<GraphQLResponse>]>([
    ['a signed POST', () => service.query(PRODUCTS)],
    ['a signed GET', () => getGraphQL(url(), PRODUCTS, FOR_INVENTORY)],
    ['a signed _entities', () => service.query(ENTITIES)],
  ])('serves %s', async (_name, request) => {
    const { status, body } = await request();
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(service.statements.length).toBeGreaterThan(0);
  });

  it('serves its contract to a signed _service request', async () => {
    const { status, body } = await service.query(SERVICE);
    expect(status).toBe(200);
    expect(body.data!._service.sdl).toContain('type Product');
  });

  // The registry reads the running contract without the gateway's key: that much, and only that, is open.
  describe('an unsigned request that only reads the contract', () => {
    it.each<[string, () => Promise<GraphQLResponse<Record<string, any>>>]>([
      ['{ _service { sdl } }', () => postGraphQL(url(), SERVICE)],
      ['a named query', () => postGraphQL(url(), 'query RunningContract { _service { sdl } }')],
      ['with its operation name', async () => send(url(), {}, JSON.stringify({ query: 'query C { _service { sdl } }', operationName: 'C' }))],
      ['with __typename beside it and inside it', () => postGraphQL(url(), '{ __typename _service { __typename sdl } }')],
      ['as a GET', () => getGraphQL(url(), SERVICE)],
    ])('is answered as ANONYMOUS: %s', async (_name, request) => {
      const { status, body } = await request();
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data!._service.sdl).toContain('type Product');
      expect(service.statements).toEqual([]);
    });

    it.each<[string, () => Promise<GraphQLResponse>, RegExp]>([
      ['_service beside another field', () => postGraphQL(url(), '{ _service { sdl } products { id } }'), /missing header/],
      ['a mutation', () => postGraphQL(url(), 'mutation { _service { sdl } }'), /missing header/],
      ['a mutation after the contract query', () => send(url(), {}, JSON.stringify({ query: '{ _service { sdl } } mutation M { adjustStock(productId: "1", warehouseId: "1", delta: 1, reason: RESTOCK) { quantity } }', operationName: 'M' })), /missing header/],
      ['an alias', () => postGraphQL(url(), '{ contract: _service { sdl } }'), /missing header/],
      ['a fragment', () => postGraphQL(url(), '{ ...C } fragment C on Query { _service { sdl } }'), /missing header/],
      ['a directive', () => postGraphQL(url(), '{ _service @include(if: true) { sdl } }'), /missing header/],
      ['a variable', () => postGraphQL(url(), 'query ($x: Boolean = true) { _service { sdl } }'), /missing header/],
      ['another operation name than the one sent', () => send(url(), {}, JSON.stringify({ query: 'query C { _service { sdl } }', operationName: 'Other' })), /missing header/],
      ['_entities', () => postGraphQL(url(), ENTITIES), /missing header/],
      ['a contract read with a bad signature (refused, not answered as unsigned)', () => send(url(), { ...signatureHeaders(JSON.stringify({ query: PRODUCTS }), FOR_INVENTORY) }, JSON.stringify({ query: SERVICE })), /signature does not match/],
    ])('still refuses %s', async (_name, request, reason) => {
      expectRefused(await request(), reason);
      expect(service.statements).toEqual([]);
    });
  });

  it.each(['/health', '/ready'])('keeps %s open without a signature', async (path) => {
    const response = await fetch(new URL(path, url()));
    expect(response.status).toBe(200);
  });
});

// @apollo/gateway does not export its request-kind enum from the package root; these are its values.
type Kind<K> = Extract<GraphQLDataSourceProcessOptions, { kind: K }>['kind'];
const INCOMING_OPERATION = 'incoming operation' as Kind<'incoming operation'>;
const HEALTH_CHECK = 'health check' as Kind<'health check'>;
const incoming = (query: string, context: Record<string, unknown>): GraphQLDataSourceProcessOptions => ({
  kind: INCOMING_OPERATION,
  request: { query },
  // The decorator only tests for its presence; a full request context is the gateway's to build.
  incomingRequestContext: {} as GatewayGraphQLRequestContext,
  context,
});
const ed25519 = (...keys: SigningKey[]): SigningConfig => ({ mode: 'ed25519', keys, ephemeral: false });
const client = (name: string, url: string, signing: SigningConfig) =>
  new SubgraphClient({ name, url, timeoutMs: 5000, connections: 1, decorate: signingDecorator(signing, name) });

describe('a subgraph rejecting a request signed with a key it has not been given', () => {
  let foreign: SubgraphClient;
  let trusted: SubgraphClient;
  beforeAll(() => {
    // The gateway's own outbound path, signing with a second gateway key pair that is not in the subgraph's JWKS.
    foreign = client('inventory', service.subgraph.url, ed25519(FOREIGN_KEY));
    trusted = client('inventory', service.subgraph.url, ed25519(TEST_SIGNING_KEY));
  });
  afterAll(async () => {
    await foreign?.close();
    await trusted?.close();
  });

  it('refuses it before any resolver or SQL runs, naming the unknown key', async () => {
    expect(await foreign.process(incoming(PRODUCTS, { principal: ANALYST }))).toEqual({
      errors: [{ message: expect.stringMatching(new RegExp(`^Request refused: signed with key "${FOREIGN_KEY.kid}", which is not among the gateway keys this subgraph trusts`)), extensions: { code: 'FORBIDDEN' } }],
    });
    expect(service.statements).toEqual([]);
  });

  it('serves the same request signed with the key it was given', async () => {
    expect(await trusted.process(incoming(PRODUCTS, { principal: ANALYST }))).toEqual({ data: { products: [expect.objectContaining({ id: expect.any(String) }), expect.anything()] } });
  });
});

describe('a request signed for one subgraph, replayed to another', () => {
  it('is refused by the other subgraph: a compromised domain cannot pass on what the gateway sent it', async () => {
    // What inventory received from the gateway: a genuine, fresh signature for it, as the gateway's client makes it.
    const body = JSON.stringify({ query: ENTITIES });
    const headers: Record<string, string> = {};
    signingDecorator(ed25519(TEST_SIGNING_KEY), 'inventory')(body, headers, incoming(ENTITIES, { principal: ANALYST }));
    expect((await send(service.subgraph.url, headers, body)).status).toBe(200);
    expectRefused(await send(marketingService.subgraph.url, headers, body), /signature is for subgraph "inventory", not for this one \("marketing"\)/);
    expect(marketingService.statements).toEqual([]);
  });
});

// A test-only data product whose one field reports the context it was resolved in.
const WHOAMI_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query { whoami: Whoami! }
  type Whoami { authenticated: Boolean! subject: String scopes: [String!]! claims: String! builderSaw: String }
`;
const WHO = '{ whoami { authenticated subject scopes claims builderSaw } }';
const asSeen = (p: Principal) => ({ authenticated: p.authenticated, subject: p.subject ?? null, scopes: p.scopes, claims: JSON.stringify(p.claims), builderSaw: p.subject ?? null });

interface WhoamiContext {
  /** What the domain's context builder was given, to show it receives the verified principal. */
  builderSaw: string | null;
}

/** Starts whoami subgraphs over one in-memory database; each started one is stopped in afterAll. */
function whoamiSubgraphs() {
  let dir: string;
  let db: Database;
  const started: RunningSubgraph[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshgate-whoami-'));
    await writeFile(join(dir, 'schema.graphql'), WHOAMI_SDL);
    db = await openDatabase({ dataDir: 'memory://', schema: 'whoami' });
  });
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });
  return async (signatures: SignatureCheck) => {
    const whoami = await startSubgraph<WhoamiContext>({
      name: 'whoami',
      schemaPath: join(dir, 'schema.graphql'),
      db,
      logger: createLogger('whoami', process.env.TEST_LOG_LEVEL ?? 'silent'),
      port: 0,
      signatures,
      context: ({ principal }) => ({ builderSaw: principal.subject ?? null }),
      resolvers: {
        Query: {
          whoami: (_parent, _args, ctx) => ({ ...ctx.principal, claims: JSON.stringify(ctx.principal.claims), builderSaw: ctx.builderSaw }),
        },
      },
    });
    started.push(whoami);
    return whoami;
  };
}

describe('the verified principal reaches the resolvers', () => {
  const start = whoamiSubgraphs();
  const NEXT_KEY = generateSigningKey();
  let whoami: RunningSubgraph;
  let rotated: SubgraphClient;
  let unsigned: SubgraphClient;
  beforeAll(async () => {
    // Published: the key being rolled out and the one still in use (rotation).
    whoami = await start(testSignatureCheck([NEXT_KEY, TEST_SIGNING_KEY]));
    rotated = client('whoami', whoami.url, ed25519(NEXT_KEY, TEST_SIGNING_KEY));
    unsigned = new SubgraphClient({ name: 'whoami', url: whoami.url, timeoutMs: 5000, connections: 1 });
  });
  afterAll(async () => {
    await rotated?.close();
    await unsigned?.close();
  });

  it.each([
    ['an analyst', ANALYST],
    ['an anonymous caller', ANONYMOUS],
  ])('as signed by the gateway: %s', async (_name, principal) => {
    const { status, body } = await postSigned(whoami.url, WHO, undefined, { principal, audience: 'whoami' });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { whoami: asSeen(principal) } });
  });

  it.each<[string, GraphQLDataSourceProcessOptions, Principal]>([
    ['an operation signed as its caller', incoming(WHO, { principal: ANALYST }), ANALYST],
    ['an operation without a principal in its context as ANONYMOUS', incoming(WHO, {}), ANONYMOUS],
    ['a health check as ANONYMOUS', { kind: HEALTH_CHECK, request: { query: WHO }, context: { principal: ANALYST } }, ANONYMOUS],
  ])('the gateway client with signingDecorator (signing with the new key of a rotation) sends %s', async (_name, options, principal) => {
    expect(await rotated.process(options)).toEqual({ data: { whoami: asSeen(principal) } });
  });

  it('is refused without the decorator', async () => {
    expect(await unsigned.process(incoming(WHO, { principal: ANALYST }))).toEqual({
      errors: [{ message: expect.stringMatching(/^Request refused: missing header/), extensions: { code: 'FORBIDDEN' } }],
    });
  });
});

describe('keys fetched from the gateway\'s /.well-known/jwks.json (a gateway-like server on port 0)', () => {
  const start = whoamiSubgraphs();
  // The "gateway": jwksRoute behind the shared HTTP front's listen, its route swapped as the gateway starts and rotates.
  let route: Route;
  let gateway: Listening;
  let whoami: RunningSubgraph;
  const STARTING: Route = (_req, res) => void res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"starting"}');
  beforeAll(async () => {
    route = STARTING;
    gateway = await listen((req, res) => route(req, res), 0);
    const jwksUrl = new URL('/.well-known/jwks.json', gateway.url).href;
    whoami = await start({ verify: true, mode: 'ed25519', jwks: { kind: 'remote', url: jwksUrl, retryAfterFailureMs: 100, cooldownMs: 100 }, maxAgeSeconds: 60 });
  });
  afterAll(() => gateway?.close());

  it('serves a subgraph started before the gateway once the gateway is up, and follows a key rotation', async () => {
    // The gateway as `npm start` runs it without a key: one generated at start-up, published at once.
    const signing = loadSigningConfig({});
    const jwksUrl = new URL('/.well-known/jwks.json', gateway.url).href;
    const ask = (config: SigningConfig) => postSigned(whoami.url, WHO, undefined, { principal: ANALYST, audience: 'whoami', key: config.mode === 'ed25519' ? config.keys[0] : undefined });

    expectRefused(await ask(signing), new RegExp(`cannot get the gateway's JWKS at ${jwksUrl.replaceAll('.', '\\.')}: Expected 200 OK`));
    route = jwksRoute(signing);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await ask(signing)).toMatchObject({ status: 200, body: { data: { whoami: asSeen(ANALYST) } } });

    // The gateway restarts with a new key first and the old one still published: the subgraph fetches the set again for the new kid.
    const rotated = ed25519(generateSigningKey(), (signing as Extract<SigningConfig, { mode: 'ed25519' }>).keys[0]);
    route = jwksRoute(rotated);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await ask(rotated)).toMatchObject({ status: 200, body: { data: { whoami: asSeen(ANALYST) } } });
    expect(await ask(signing)).toMatchObject({ status: 200 });
    // A key the gateway never had stays refused.
    expectRefused(await postSigned(whoami.url, WHO, undefined, { audience: 'whoami', key: FOREIGN_KEY }), /signed with key .* which is not among the gateway keys this subgraph trusts \(the gateway's JWKS at /);
  });
});

describe('HMAC (MESHGATE_SIGNING=hmac) stays available', () => {
  let hmac: TestSubgraph;
  beforeAll(async () => {
    hmac = await startTestSubgraph(inventory, { signatures: hmacSignatureCheck(['a-new-secret-being-rolled-out-now!!', TEST_SUBGRAPH_SECRET]) });
  });
  afterAll(() => hmac?.stop());

  it('serves requests signed with any secret of its rotation list', async () => {
    expect(await hmac.query(PRODUCTS)).toMatchObject({ status: 200, body: { data: { products: expect.any(Array) } } });
    expect(await postSigned(hmac.subgraph.url, PRODUCTS, undefined, { secret: ['a-new-secret-being-rolled-out-now!!', 'retired'] })).toMatchObject({ status: 200 });
  });

  it.each<[string, SigningAs, RegExp]>([
    ['another secret', { secret: 'not-the-gateway-secret-but-long-enough' }, /signature does not match.*another secret/],
    ['an Ed25519 signature', FOR_INVENTORY, /malformed x-meshgate-signature "v2=.*": expected "v1=" and 64 hex digits \(MESHGATE_SIGNING=hmac\)/],
  ])('refuses %s', async (_name, signing, reason) => {
    expectRefused(await postSigned(hmac.subgraph.url, PRODUCTS, undefined, signing), reason);
  });

  it('still answers an unsigned contract read', async () => {
    expect(await postGraphQL(hmac.subgraph.url, SERVICE)).toMatchObject({ status: 200, body: { data: { _service: { sdl: expect.stringContaining('type Product') } } } });
  });
});
