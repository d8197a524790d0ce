/**
 * The authorization fixture supergraph (gateway/test/fixtures/security-supergraph.ts, the same SDLs
 * the pure filter's table tests use) served for real: its subgraphs as HTTP subgraph servers that
 * verify the gateway's signature, and a gateway that loads the composed supergraph from a file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig, type GatewayConfig } from '../../gateway/src/config.js';
import { createGateway, type RunningGateway } from '../../gateway/src/server.js';
import {
  composeFixture,
  fixtureSubgraphs,
  type DirectiveNames,
  type FixtureSubgraphName,
} from '../../gateway/test/fixtures/security-supergraph.js';
import { createLogger, type Logger } from '../../shared/logging.js';
import type { Principal } from '../../shared/principal.js';
import { startSubgraph, type RunningSubgraph, type SubgraphContext } from '../../shared/subgraph/subgraph-server.js';
import { TEST_GATEWAY_SIGNING_ENV, testSignatureCheck } from './signing-keys.js';

/** The configuration module deciding every policy of the fixture (roles claim = policy name). */
export const FIXTURE_CONFIG_MODULE = 'test/fixtures/spec-cases.config.ts';

/** One request a fixture subgraph answered (its signature verified). */
export interface SubgraphCall {
  query: string;
  variables?: Record<string, unknown>;
  /** The caller as the gateway's signature vouched for it. */
  principal: Principal;
}

export interface FixtureSubgraph {
  subgraph: RunningSubgraph;
  /** Requests since the last `resetCalls()`. */
  calls: SubgraphCall[];
}

export interface FixtureMesh {
  gateway: RunningGateway;
  /** The supergraph the gateway loaded from its file. */
  supergraphSdl: string;
  subgraphs: Record<FixtureSubgraphName, FixtureSubgraph>;
  /** Forgets the subgraph calls recorded so far. */
  resetCalls(): void;
  stop(): Promise<void>;
}

// ---- Static data -----------------------------------------------------------------------------

/** What `Query.brokenInfo`'s resolver throws: an unplanned failure naming a host and a file. */
export const LEAKY_MESSAGE = 'connect ECONNREFUSED 10.0.0.5:5432 while reading /srv/catalog/secrets.env';

export const PRODUCTS = [
  { id: '1', sku: 'SKU-1', name: 'Widget', unitCost: 2.5, internalCode: 'W-INT', supplier: { name: 'Acme' } },
  { id: '2', sku: 'SKU-2', name: 'Gadget', unitCost: 4, internalCode: 'G-INT', supplier: { name: 'Globex' } },
];

export const REVIEWS: Record<string, { rating: number; reviews: { body: string; author: string }[] }> = {
  '1': { rating: 4.5, reviews: [{ body: 'Great', author: 'ann' }] },
  '2': { rating: 3, reviews: [{ body: 'Meh', author: 'bob' }, { body: 'Fine', author: 'cy' }] },
};

export const POSTS = [
  { __typename: 'PublicBlog', id: 'pub-1', title: 'Open post' },
  { __typename: 'PrivateBlog', id: 'priv-1', title: 'Private post' },
];

type Resolvers = Parameters<typeof startSubgraph<object>>[0]['resolvers'];
type Ctx = SubgraphContext<object>;

const catalogResolvers: Resolvers = {
  Query: {
    products: () => PRODUCTS,
    product: (_: unknown, { id }: { id: string }) => PRODUCTS.find((p) => p.id === id) ?? null,
    // The caller's identity reaches the subgraph only through the gateway's signature.
    me: (_: unknown, _args: unknown, ctx: Ctx) => ({ id: ctx.principal.subject ?? 'nobody', name: 'Me', email: 'me@example.com' }),
    adminStats: () => ({ count: 42 }),
    audit: (_: unknown, { limit }: { limit?: number | null }) => ['a1', 'a2', 'a3'].slice(0, limit ?? 3),
    posts: () => POSTS,
    latestPost: () => POSTS[0],
    secretCode: () => 'S3CR3T',
    riskLevel: () => 'HIGH',
    publicInfo: () => 'Welcome',
    brokenInfo: () => {
      throw new Error(LEAKY_MESSAGE);
    },
  },
  Post: { __resolveType: (post: { __typename: string }) => post.__typename },
  Product: {
    __resolveReference: ({ id }: { id: string }) => PRODUCTS.find((p) => p.id === id) ?? null,
  },
};

const reviewsResolvers: Resolvers = {
  Product: {
    __resolveReference: ({ id }: { id: string }) => (REVIEWS[id] ? { id, ...REVIEWS[id] } : { id, rating: null, reviews: [] }),
  },
};

const RESOLVERS: Record<FixtureSubgraphName, Resolvers> = { catalog: catalogResolvers, reviews: reviewsResolvers };

// ---- Start-up --------------------------------------------------------------------------------

export interface FixtureMeshOptions {
  /** Local names of the imported security directives, in both subgraphs. Default: the plain names. */
  names?: DirectiveNames;
  /** Gateway configuration on top of the fixture's. */
  gateway?: Partial<GatewayConfig>;
  /** Where the subgraphs log. Default: a logger at TEST_LOG_LEVEL (silent). */
  subgraphLogger?: Logger;
}

/** Starts the fixture subgraphs and a gateway over them, all on port 0. */
export async function startFixtureMesh(options: FixtureMeshOptions = {}): Promise<FixtureMesh> {
  const dir = await mkdtemp(join(tmpdir(), 'meshgate-fixture-mesh-'));
  const logLevel = process.env.TEST_LOG_LEVEL ?? 'silent';
  const started: FixtureSubgraph[] = [];
  let gateway: RunningGateway | undefined;
  const stop = async () => {
    await gateway?.stop();
    await Promise.all(started.map((s) => s.subgraph.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const { name, sdl } of fixtureSubgraphs(options.names)) {
      const schemaPath = join(dir, `${name}.graphql`);
      await writeFile(schemaPath, sdl);
      const calls: SubgraphCall[] = [];
      const subgraph = await startSubgraph<object>({
        name,
        schemaPath,
        resolvers: RESOLVERS[name],
        // Called only once the gateway's signature is verified: every call recorded was signed.
        context: ({ principal, rawBody }) => {
          const body = JSON.parse(rawBody.toString('utf8')) as { query: string; variables?: Record<string, unknown> };
          calls.push({ query: body.query, variables: body.variables, principal });
          return {};
        },
        signatures: testSignatureCheck(),
        logger: options.subgraphLogger?.child({ subgraph: name }) ?? createLogger(name, logLevel),
        port: 0,
      });
      started.push({ subgraph, calls });
    }
    const subgraphs = Object.fromEntries(started.map((s) => [s.subgraph.name, s])) as Record<FixtureSubgraphName, FixtureSubgraph>;
    const urls = { catalog: subgraphs.catalog.subgraph.url, reviews: subgraphs.reviews.subgraph.url };
    const supergraphPath = join(dir, 'supergraph.graphql');
    const supergraphSdl = composeFixture(options.names, urls);
    await writeFile(supergraphPath, supergraphSdl);
    const config: GatewayConfig = {
      ...loadGatewayConfig({ ...TEST_GATEWAY_SIGNING_ENV }),
      port: 0,
      supergraph: { kind: 'file', path: supergraphPath },
      subgraphUrls: urls,
      configModulePath: FIXTURE_CONFIG_MODULE,
      ...options.gateway,
    };
    gateway = await createGateway(config, { logger: createLogger('gateway', logLevel) });
    return {
      gateway,
      supergraphSdl,
      subgraphs,
      resetCalls: () => started.forEach((s) => (s.calls.length = 0)),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
