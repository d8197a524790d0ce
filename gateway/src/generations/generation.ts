import { createHash } from 'node:crypto';
import { ApolloGateway } from '@apollo/gateway';
import type { Logger } from '../../../shared/logging.js';
import { SIGNATURE_HEADERS } from '../../../shared/signing.js';
import type { GatewayConfig } from '../config.js';
import { createCostEstimator, type CostEstimator } from '../demand-control/estimate-cost.js';
import { signingDecorator } from '../execution/request-signing.js';
import { SubgraphClient } from '../execution/subgraph-client.js';
import { createAuthorizer, type Authorizer } from '../governance/authorizer.js';
import { checkGovernance, type GovernanceSetup } from '../governance/setup.js';
import { indexSupergraph, stripSupergraph, supergraphLoadError, type PreparedSupergraph, type StrippedSupergraph } from '../supergraph/security-features.js';

/**
 * Everything built from one supergraph, built once and never changed: its id, the planner and
 * its subgraph clients, the authorization index and the filter cache, the governance checks.
 * Nothing outside a generation holds per-supergraph state (ARCHITECTURE.md: a later supergraph
 * becomes a new generation, swapped in whole).
 */
export interface Generation {
  /** sha256 (hex) of the supergraph SDL: the composition's id. */
  readonly id: string;
  readonly stripped: StrippedSupergraph;
  readonly prepared: PreparedSupergraph;
  readonly governance: GovernanceSetup;
  readonly authorizer: Authorizer;
  /** The operation cost model of this supergraph's @cost/@listSize; absent when demand control is off. */
  readonly costEstimator?: CostEstimator;
  /** The planner, loaded: Apollo Server receives it through preloadedGateway. */
  readonly planner: ApolloGateway;
  readonly loaded: Awaited<ReturnType<ApolloGateway['load']>>;
  readonly clients: ReadonlyMap<string, SubgraphClient>;
  /** The subgraphs the supergraph routes to, with the URLs actually used. */
  readonly routes: readonly { name: string; url: string }[];
  /** Stops the planner and closes the subgraph connections. */
  close(): Promise<void>;
}

/** Builds a generation from a supergraph SDL; a supergraph that cannot be served stops here, with every reason. */
export async function buildGeneration(config: GatewayConfig, supergraphSdl: string, logger: Logger): Promise<Generation> {
  const stripped = stripSupergraph(supergraphSdl);
  const clients = new Map<string, SubgraphClient>();
  const routes: { name: string; url: string }[] = [];
  const planner = new ApolloGateway({
    // The planner sees the supergraph without the SECURITY features Meshgate enforces itself (stock
    // @apollo/gateway refuses them); the authorization index built from them filters every operation before planning.
    supergraphSdl: stripped.plannerSdl,
    logger,
    buildService: ({ name, url }) => {
      const target = config.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`Subgraph "${name}" has no URL: set it in the supergraph or in the gateway configuration`);
      const client = new SubgraphClient({
        ...config.subgraphResilience,
        name,
        url: target,
        timeoutMs: config.subgraphTimeoutMs,
        connections: config.subgraphConnections,
        decorate: signingDecorator(config.signing.secrets),
        deduplicate: config.subgraphDeduplication,
        // The principal header stays in the sharing key; only the signature's freshness is left out.
        volatileHeaders: [SIGNATURE_HEADERS.timestamp, SIGNATURE_HEADERS.signature],
        logger: logger.child({ subgraph: name }),
      });
      clients.set(name, client);
      routes.push({ name, url: target });
      return client;
    },
  });
  const close = async () => {
    await planner.stop().catch(() => undefined);
    await Promise.all([...clients.values()].map((c) => c.close()));
  };
  try {
    // Loaded here, before Apollo Server starts, so the authorization index is built on the
    // planner's own API schema and a large supergraph is built once (see preloaded-gateway.ts).
    const loaded = await planner.load().catch((error: unknown) => {
      throw supergraphLoadError(error);
    });
    const prepared = indexSupergraph(stripped, loaded.schema);
    const governance = await checkGovernance(config, prepared);
    return {
      id: createHash('sha256').update(supergraphSdl).digest('hex'),
      stripped,
      prepared,
      governance,
      authorizer: createAuthorizer(prepared),
      ...(config.demandControl.mode === 'off'
        ? {}
        : { costEstimator: createCostEstimator(stripped.document, loaded.schema, { defaultListSize: config.demandControl.defaultListSize }) }),
      planner,
      loaded,
      clients,
      routes,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
