import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { parse, printSchema } from 'graphql';
import { createLogger } from '../../../shared/logging.js';
import { startSubgraph, type RunningSubgraph } from '../../../shared/subgraph/subgraph-server.js';
import { postGraphQL, type GraphQLResponse } from '../../../test/support/http.js';
import { TEST_GATEWAY_SIGNING_ENV } from '../../../test/support/signing-keys.js';
import { loadGatewayConfig } from '../../src/config.js';
import { createGateway, type RunningGateway } from '../../src/server.js';
import { prepareSupergraph } from '../../src/supergraph/security-features.js';
import { SupergraphError } from '../../src/supergraph/source.js';

/**
 * `@inaccessible` is everyday federation: a supergraph that uses it loads in Meshgate and behaves
 * exactly as in stock `@apollo/gateway`, both serving the same supergraph over the same subgraphs.
 * Hidden here: a field (`Product.internalCode`), an enum value (`Kind.LEGACY`, which `labels`
 * still receives through `@requires`) and a type (`Audit`, with the root field returning it).
 */
function shopSdl(options: { authenticated?: boolean } = {}): string {
  const authenticated = options.authenticated ? ' @authenticated' : '';
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@inaccessible"${options.authenticated ? ', "@authenticated"' : ''}])
type Query {
  products: [Product!]!
  productsOfKind(kind: Kind!): [Product!]!
  audits: [Audit!]! @inaccessible
}
enum Kind { BOOK TOY LEGACY @inaccessible }
type Audit @inaccessible { note: String }
type Product @key(fields: "id") {
  id: ID!
  sku: String!
  kind: Kind!
  internalCode: String @inaccessible${authenticated}
  secret: String${authenticated}
}
`;
}

const LABELS_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@external", "@requires"])
enum Kind { BOOK TOY LEGACY }
type Product @key(fields: "id") {
  id: ID!
  kind: Kind! @external
  # Worked out from kind, the hidden value included: it still travels between subgraphs.
  label: String @requires(fields: "kind")
}
`;

type SubgraphName = 'shop' | 'labels';

function compose(urls: Record<SubgraphName, string>, options: { authenticated?: boolean } = {}): string {
  const result = composeServices([
    { name: 'shop', url: urls.shop, typeDefs: parse(shopSdl(options)) },
    { name: 'labels', url: urls.labels, typeDefs: parse(LABELS_SDL) },
  ]);
  if (result.errors) throw new Error(`fixture does not compose: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.supergraphSdl;
}

const PRODUCTS = [
  { id: '1', sku: 'B-1', kind: 'BOOK', internalCode: 'int-1', secret: 's-1' },
  { id: '2', sku: 'L-2', kind: 'LEGACY', internalCode: 'int-2', secret: 's-2' },
  { id: '3', sku: 'T-3', kind: 'TOY', internalCode: 'int-3', secret: 's-3' },
];

const RESOLVERS = {
  shop: {
    Query: {
      products: () => PRODUCTS,
      productsOfKind: (_: unknown, { kind }: { kind: string }) => PRODUCTS.filter((p) => p.kind === kind),
      audits: () => [{ note: 'hidden' }],
    },
    Product: { __resolveReference: ({ id }: { id: string }) => PRODUCTS.find((p) => p.id === id) ?? null },
  },
  labels: {
    Product: {
      __resolveReference: (ref: { id: string; kind: string }) => ref,
      label: ({ kind }: { kind: string }) => (kind === 'LEGACY' ? 'discontinued, sold as is' : `a ${kind.toLowerCase()}`),
    },
  },
} satisfies Record<SubgraphName, unknown>;

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('a supergraph with @inaccessible, in Meshgate and in stock @apollo/gateway', () => {
  let dir: string;
  const subgraphs: RunningSubgraph[] = [];
  let supergraphSdl: string;
  let meshgate: RunningGateway;
  /** Meshgate over the same subgraphs with `@authenticated` composed in too: its own features stripped, @inaccessible kept. */
  let governed: RunningGateway;
  let stock: { server: ApolloServer; url: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshgate-inaccessible-'));
    const logger = createLogger('inaccessible-test', process.env.TEST_LOG_LEVEL ?? 'silent');
    for (const [name, sdl] of [['shop', shopSdl()], ['labels', LABELS_SDL]] as [SubgraphName, string][]) {
      const schemaPath = join(dir, `${name}.graphql`);
      await writeFile(schemaPath, sdl);
      subgraphs.push(
        await startSubgraph<object>({
          name,
          schemaPath,
          resolvers: RESOLVERS[name],
          context: () => ({}),
          // Stock @apollo/gateway cannot sign Meshgate's headers, and both gateways call these subgraphs.
          signatures: { verify: false },
          logger,
          port: 0,
        }),
      );
    }
    const urls = { shop: subgraphs[0].url, labels: subgraphs[1].url };
    supergraphSdl = compose(urls);
    const serve = async (file: string, sdl: string) => {
      const path = join(dir, file);
      await writeFile(path, sdl);
      const config = loadGatewayConfig({ ...TEST_GATEWAY_SIGNING_ENV });
      return createGateway({ ...config, port: 0, supergraph: { kind: 'file', path }, subgraphUrls: urls }, { logger });
    };
    meshgate = await serve('supergraph.graphql', supergraphSdl);
    governed = await serve('governed-supergraph.graphql', compose(urls, { authenticated: true }));
    const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl, logger: quiet }), logger: quiet });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
    stock = { server, url };
  }, 30_000);

  afterAll(async () => {
    await meshgate?.stop();
    await governed?.stop();
    await stock?.server.stop();
    await Promise.all(subgraphs.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  /** What a client can compare: status, data, and each error's message and code. */
  const seen = ({ status, body }: GraphQLResponse) => ({
    status,
    data: body.data,
    errors: body.errors?.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code })),
  });

  /**
   * The same operation through Meshgate and stock, as [Meshgate's answer, stock's]. The operations
   * here select nothing `@authenticated` guards, so the governed Meshgate must answer them the same.
   */
  const both = async (query: string, variables?: Record<string, unknown>): Promise<[GraphQLResponse, GraphQLResponse]> => {
    const [ours, alsoOurs, theirs] = await Promise.all([meshgate, governed, stock].map((g) => postGraphQL(g.url, query, variables)));
    expect(seen(alsoOurs)).toEqual(seen(ours));
    return [ours, theirs];
  };

  it('is composed with the inaccessible link for: SECURITY, which Meshgate passes to the planner unchanged', () => {
    expect(supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)');
    const { plannerSdl } = prepareSupergraph(supergraphSdl);
    expect(plannerSdl).toContain('@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)');
    expect(plannerSdl.match(/@inaccessible\b/g)).toHaveLength(supergraphSdl.match(/@inaccessible\b/g)!.length);
  });

  it('builds the same API schema as stock, without the hidden field, enum value and type', async () => {
    const { apiSchema } = prepareSupergraph(supergraphSdl);
    const stockGateway = new ApolloGateway({ supergraphSdl, logger: quiet });
    const { schema: stockSchema } = await stockGateway.load();
    await stockGateway.stop();
    expect(printSchema(apiSchema)).toBe(printSchema(stockSchema));
    const printed = printSchema(apiSchema);
    expect(printed).toContain('label: String');
    for (const hidden of ['internalCode', 'LEGACY', 'Audit', 'audits']) expect(printed).not.toContain(hidden);
  });

  it.each([
    ['the hidden field', '{ products { sku internalCode } }', 'Cannot query field "internalCode" on type "Product".'],
    ['the root field of the hidden type', '{ audits { note } }', 'Cannot query field "audits" on type "Query".'],
    ['a fragment on the hidden type', '{ products { ... on Audit { note } } }', 'Unknown type "Audit".'],
    ['the hidden enum value as an argument', '{ productsOfKind(kind: LEGACY) { sku } }', 'Value "LEGACY" does not exist in "Kind" enum.'],
  ])('refuses %s with the validation error stock gives', async (_name, query, message) => {
    const [ours, theirs] = await both(query);
    expect(seen(ours)).toEqual(seen(theirs));
    expect(seen(ours)).toEqual({ status: 400, data: undefined, errors: [expect.objectContaining({ message, code: 'GRAPHQL_VALIDATION_FAILED' })] });
  });

  it('refuses the hidden enum value as a variable as stock does', async () => {
    const [ours, theirs] = await both('query($kind: Kind!) { productsOfKind(kind: $kind) { sku } }', { kind: 'LEGACY' });
    expect(seen(ours)).toEqual(seen(theirs));
    expect(ours.body.errors?.[0]).toMatchObject({ message: expect.stringContaining('Value "LEGACY" does not exist in "Kind" enum'), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('leaves the hidden elements out of introspection, as stock does', async () => {
    const query = `{
      product: __type(name: "Product") { fields { name } }
      kind: __type(name: "Kind") { enumValues(includeDeprecated: true) { name } }
      audit: __type(name: "Audit") { name }
      __schema { queryType { fields { name } } }
    }`;
    const [ours, theirs] = await both(query);
    expect(seen(ours)).toEqual(seen(theirs));
    expect(ours.body.errors).toBeUndefined();
    expect(ours.body.data).toEqual({
      product: { fields: [{ name: 'id' }, { name: 'kind' }, { name: 'label' }, { name: 'sku' }, { name: 'secret' }] },
      kind: { enumValues: [{ name: 'BOOK' }, { name: 'TOY' }] },
      audit: null,
      __schema: { queryType: { fields: [{ name: 'products' }, { name: 'productsOfKind' }] } },
    });
  });

  it('resolves a field that uses the hidden enum value between subgraphs, as stock does', async () => {
    const [ours, theirs] = await both('{ products { sku label } }');
    expect(seen(ours)).toEqual(seen(theirs));
    expect(ours.body).toEqual({
      data: { products: [{ sku: 'B-1', label: 'a book' }, { sku: 'L-2', label: 'discontinued, sold as is' }, { sku: 'T-3', label: 'a toy' }] },
    });
  });

  it('answers a hidden enum value a subgraph returns for a visible field as stock does', async () => {
    const [ours, theirs] = await both('{ products { sku kind } }');
    expect(seen(ours)).toEqual(seen(theirs));
    // Stock's answer, pinned so that a change in either shows: the value the API schema does not
    // have becomes null, which `Kind!` and `[Product!]!` carry up to the root, with no error.
    expect(seen(ours)).toEqual({ status: 200, data: null, errors: undefined });
  });
});

describe('@inaccessible beside the SECURITY features Meshgate enforces', () => {
  const sdl = compose({ shop: 'http://shop.invalid/graphql', labels: 'http://labels.invalid/graphql' }, { authenticated: true });

  it('strips authenticated for the planner and keeps inaccessible, so stock loads the planner copy', async () => {
    const { plannerSdl } = prepareSupergraph(sdl);
    expect(sdl).toContain('specs.apollo.dev/authenticated/v0.1');
    expect(plannerSdl).not.toMatch(/authenticated/);
    expect(plannerSdl).toContain('@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)');
    expect(plannerSdl).toMatch(/internalCode: String @inaccessible/);
    const gateway = new ApolloGateway({ supergraphSdl: plannerSdl, logger: quiet });
    await expect(gateway.load()).resolves.toBeDefined();
    await gateway.stop();
  });

  it('indexes the authorization rules on the API schema: a hidden field has none there', () => {
    const { index, apiSchema } = prepareSupergraph(sdl);
    expect(index.fieldRequirements('Product', 'secret').map((id) => index.requirements[id])).toEqual([{ kind: 'authenticated' }]);
    expect(index.fieldRequirements('Product', 'internalCode')).toEqual([]);
    expect(apiSchema.getType('Audit')).toBeUndefined();
  });
});

describe('SECURITY features stock @apollo/gateway refuses', () => {
  const base = compose({ shop: 'http://shop.invalid/graphql', labels: 'http://labels.invalid/graphql' });
  const withLink = (link: string) => base.replace('@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)', `$&\n  ${link}`);
  const inaccessibleVersion = (version: string) => base.replace('specs.apollo.dev/inaccessible/v0.2', `specs.apollo.dev/inaccessible/${version}`);
  const loadInStock = async (supergraphSdl: string) => {
    const gateway = new ApolloGateway({ supergraphSdl, logger: quiet });
    try {
      await gateway.load();
    } finally {
      await gateway.stop();
    }
  };

  it('loads the @inaccessible supergraph in both', async () => {
    expect(() => prepareSupergraph(base)).not.toThrow();
    await expect(loadInStock(base)).resolves.toBeUndefined();
  });

  it.each([
    ['a made-up SECURITY feature', '@link(url: "https://example.com/custom/v1.0", for: SECURITY)', 'SECURITY', 'https://example.com/custom/v1.0'],
    ['a made-up EXECUTION feature', '@link(url: "https://example.com/execution/v0.1", for: EXECUTION)', 'EXECUTION', 'https://example.com/execution/v0.1'],
    ['a version of inaccessible stock does not know', inaccessibleVersion('v0.3'), 'SECURITY', 'https://specs.apollo.dev/inaccessible/v0.3'],
  ])('refuses %s, as stock does, naming it', async (_name, link, purpose, url) => {
    const sdl = link.startsWith('@link') ? withLink(link) : link;
    await expect(loadInStock(sdl)).rejects.toThrow(`feature ${url} is for: ${purpose} but is unsupported`);
    expect(() => prepareSupergraph(sdl)).toThrow(SupergraphError);
    expect(() => prepareSupergraph(sdl)).toThrow(`unsupported ${purpose} feature ${url} (stock @apollo/gateway refuses it too); Meshgate enforces authenticated/v0.1, requiresScopes/v0.1, policy/v0.1 and passes on to the query planner what stock @apollo/gateway supports: core (v0.1, v0.2), join (v0.1, v0.2, v0.3, v0.4, v0.5), tag (v0.1, v0.2, v0.3), inaccessible (v0.1, v0.2)`);
  });

  it('refuses @context (context/v0.1 for: SECURITY), which composition links and stock @apollo/gateway does not support', async () => {
    const result = composeServices([
      {
        name: 'a',
        url: 'http://a.invalid/graphql',
        typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", import: ["@key", "@context", "@fromContext"])
          type Query { t: T }
          type T @key(fields: "id") @context(name: "ctx") { id: ID! prop: String! u: U }
          type U @key(fields: "id") { id: ID! field(a: String @fromContext(field: "$ctx { prop }")): Int! }`),
      },
    ]);
    expect(result.errors).toBeUndefined();
    const sdl = result.supergraphSdl!;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)');
    await expect(loadInStock(sdl)).rejects.toThrow('feature https://specs.apollo.dev/context/v0.1 is for: SECURITY but is unsupported');
    expect(() => prepareSupergraph(sdl)).toThrow('unsupported SECURITY feature https://specs.apollo.dev/context/v0.1 (stock @apollo/gateway refuses it too)');
  });
});
