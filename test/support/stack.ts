import { loadGatewayConfig, type GatewayConfig } from '../../gateway/src/config.js';
import { createGateway, type GatewayDependencies, type RunningGateway } from '../../gateway/src/server.js';
import { createLogger } from '../../shared/logging.js';
import { loadDataProducts } from './data-products.js';
import { TEST_GATEWAY_SIGNING_ENV } from './signing-keys.js';
import { startTestSubgraph, type TestSubgraph } from './subgraphs.js';

export interface TestStack {
  gateway: RunningGateway;
  /** Subgraphs by name, each with its SQL statement log. */
  subgraphs: Record<string, TestSubgraph>;
  stop(): Promise<void>;
}

/**
 * The whole mesh in one test process, over real HTTP: every data product on port 0 with its
 * own database copy, and a gateway composing their contracts, also on port 0.
 */
export async function startTestStack(overrides: Partial<GatewayConfig> = {}, deps: GatewayDependencies = {}): Promise<TestStack> {
  const started = await Promise.all((await loadDataProducts()).map((product) => startTestSubgraph(product)));
  const subgraphs = Object.fromEntries(started.map((s) => [s.subgraph.name, s]));
  let gateway: RunningGateway;
  try {
    gateway = await startTestGateway(subgraphs, overrides, deps);
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
  return {
    gateway,
    subgraphs,
    stop: async () => {
      await gateway.stop();
      await Promise.all(started.map((s) => s.stop()));
    },
  };
}

/** A gateway (port 0) composing the demo contracts over subgraphs already running, e.g. a second one with other settings. */
export async function startTestGateway(subgraphs: Record<string, TestSubgraph>, overrides: Partial<GatewayConfig> = {}, deps: GatewayDependencies = {}): Promise<RunningGateway> {
  const urls = Object.fromEntries(Object.values(subgraphs).map((s) => [s.subgraph.name, s.subgraph.url]));
  const config: GatewayConfig = {
    // Signs with the test gateway key the test subgraphs trust; `overrides.signing` for HMAC subgraphs.
    ...loadGatewayConfig({ ...TEST_GATEWAY_SIGNING_ENV }),
    port: 0,
    // Every data product folder, each reached where its test subgraph listens (subgraphUrls below).
    supergraph: { kind: 'compose', folders: (await loadDataProducts()).map((p) => p.dir) },
    // No background GET /freshness: stand-in subgraphs (proxies, hostile servers) answer only GraphQL.
    // test/integration/promises.test.ts turns it on.
    promises: { freshnessIntervalMs: 30_000, freshnessPolling: false },
    ...overrides,
    // Overridden URLs send a subgraph's traffic elsewhere (e.g. to a server that hangs).
    subgraphUrls: { ...urls, ...overrides.subgraphUrls },
  };
  return createGateway(config, { ...deps, logger: deps.logger ?? createLogger('gateway', process.env.TEST_LOG_LEVEL ?? 'silent') });
}
