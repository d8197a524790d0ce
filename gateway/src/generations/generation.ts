import { createHash } from 'node:crypto';
import { setImmediate as letRequestsThrough } from 'node:timers/promises';
import { ApolloGateway } from '@apollo/gateway';
import type { ApolloServer } from '@apollo/server';
import type { Logger } from '../../../shared/logging.js';
import { SIGNATURE_HEADERS } from '../../../shared/signing/headers.js';
import type { GatewayConfig } from '../config.js';
import { createCostEstimator, type CostEstimator } from '../demand-control/estimate-cost.js';
import { createContractWatch, type ContractMismatchCounts } from '../execution/contract-mismatch.js';
import type { GovernedContext } from '../execution/governed-gateway.js';
import { signingDecorator } from '../execution/request-signing.js';
import { SubgraphClient } from '../execution/subgraph-client.js';
import { warmPlans, type KnownOperation } from '../execution/warm-plans.js';
import { createAuthorizer, type Authorizer } from '../governance/authorizer.js';
import { checkGovernance, type GovernanceSetup } from '../governance/setup.js';
import { indexSupergraph, stripSupergraph, supergraphLoadError, type PreparedSupergraph, type StrippedSupergraph } from '../supergraph/security-features.js';
import type { SubgraphDescriptor, SupergraphUpdate } from '../supergraph/source.js';
import { createUsageCollector, type UsageCollector } from '../usage/usage-collector.js';
import { withTelemetry } from '../telemetry/executor-hooks.js';
import { fetchObserverOptions, type SubgraphFetchObserver } from '../telemetry/fetch-observer.js';
import type { GatewayMetrics } from '../telemetry/gateway-metrics.js';
import { createQueryPlanCache } from '../execution/query-plan-cache.js';

/** The part of the gateway's metrics a generation records into. */
export type GenerationMetrics = Pick<GatewayMetrics, 'cacheLookup' | 'authorizationDenied'>;
import { REQUEST_ID_HEADER } from '../telemetry/request-id.js';
import { traceContextHeaders, tracedSubgraph, withTraceContext } from '../telemetry/traced-subgraph.js';
import type { UsageReporter } from '../usage/usage-reporter.js';
import { startGenerationApollo } from './generation-apollo.js';
import { routingUrlOverride } from './routing-url.js';

/**
 * Everything built from one supergraph, built once and never changed: its id, the planner and
 * its subgraph clients, the authorization index and the filter cache, the governance checks, the
 * cost model, the usage cache, and its own Apollo Server (whose schema-derived caches are this
 * supergraph's). Nothing outside a generation holds per-supergraph state: a later supergraph
 * becomes a new generation, swapped in whole (generation-manager.ts).
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
  /** Every policy name the supergraph uses, evaluated once per request. */
  readonly policyNames: readonly string[];
  /** The data product descriptors that came with the supergraph (none from a supergraph file): the catalog reads them. */
  readonly descriptors: readonly SubgraphDescriptor[];
  /** The Apollo Server that validates and executes this generation's requests. */
  readonly apollo: ApolloServer<GovernedContext>;
  /** Which coordinates an operation uses; absent when usage is not reported. */
  readonly usage?: UsageCollector;
  /** Persisted operations planned before the first request. */
  readonly plannedAhead: number;
  /** Stops Apollo Server and the planner, and closes the subgraph connections. */
  close(): Promise<void>;
}

export interface GenerationDependencies {
  logger: Logger;
  /** Operations to plan ahead (the persisted operations manifest's). */
  knownOperations?: readonly KnownOperation[];
  /** Where usage is counted; absent when usage is not reported. */
  usage?: UsageReporter;
  /** The gateway's contract-disagreement counts, which outlive generations. */
  contractCounts: ContractMismatchCounts;
  /** Hears every subgraph fetch of every generation (metrics, measured promises); built once per gateway. Default none. */
  fetchObserver?: SubgraphFetchObserver;
  /** Counts the generation's cache lookups (query plans, authorization filter) and denials; outlives generations. Default none. */
  metrics?: GenerationMetrics;
}

/** The id a supergraph's generation has: sha256 (hex) of its SDL, as the registry's composition id. */
export function supergraphId(sdl: string): string {
  return createHash('sha256').update(sdl).digest('hex');
}

/**
 * Builds a generation from a supergraph; a supergraph that cannot be served stops here, with
 * every reason, and whatever was built for it is released.
 */
export async function buildGeneration(config: GatewayConfig, update: SupergraphUpdate, deps: GenerationDependencies): Promise<Generation> {
  const { logger, metrics } = deps;
  const id = supergraphId(update.sdl);
  const stripped = stripSupergraph(update.sdl);
  await letRequestsThrough();
  const clients = new Map<string, SubgraphClient>();
  const routes: { name: string; url: string }[] = [];
  const contract = createContractWatch({ generation: id, counts: deps.contractCounts, logger });
  const planner = new ApolloGateway({
    // The planner sees the supergraph without the SECURITY features Meshgate enforces itself (stock
    // @apollo/gateway refuses them); the authorization index built from them filters every operation before planning.
    supergraphSdl: stripped.plannerSdl,
    logger,
    // The built-in plan store, but one that counts its hits and misses (execution/query-plan-cache.ts).
    queryPlannerConfig: { cache: createQueryPlanCache(metrics ? { onLookup: (hit) => metrics.cacheLookup('query_plan', hit) } : {}) },
    buildService: ({ name, url }) => {
      const target = routingUrlOverride(config, name) ?? url;
      if (!target) throw new Error(`Subgraph "${name}" has no URL: set it in the supergraph or in the gateway configuration`);
      const client = new SubgraphClient({
        ...config.subgraphResilience,
        name,
        url: target,
        timeoutMs: config.subgraphTimeoutMs,
        connections: config.subgraphConnections,
        decorate: withTraceContext(withTelemetry(name, signingDecorator(config.signing, name))),
        deduplicate: config.subgraphDeduplication,
        // The principal header stays in the sharing key; only the signature's freshness, the request id and the trace context are left out.
        volatileHeaders: [SIGNATURE_HEADERS.timestamp, SIGNATURE_HEADERS.signature, REQUEST_ID_HEADER, ...traceContextHeaders()],
        onAnswer: (response) => contract.observe(name, response),
        requestIdHeader: REQUEST_ID_HEADER,
        ...fetchObserverOptions(name, deps.fetchObserver),
        logger: logger.child({ subgraph: name }),
      });
      clients.set(name, client);
      routes.push({ name, url: target });
      // Each fetch a CLIENT span when tracing is on (the map above keeps the client itself, for its stats and close).
      return tracedSubgraph(client, { name, url: target });
    },
  });
  let apollo: ApolloServer<GovernedContext> | undefined;
  const close = async () => {
    // Apollo Server stops the planner it was given; a generation that never got that far stops it here.
    if (apollo) await apollo.stop().catch((error: unknown) => logger.warn({ err: error, generation: id }, 'Apollo Server of a closed generation did not stop cleanly'));
    else await planner.stop().catch(() => undefined);
    await Promise.all([...clients.values()].map((c) => c.close()));
  };
  try {
    // Loaded here, before Apollo Server starts, so the authorization index is built on the
    // planner's own API schema and a large supergraph is built once (see preloaded-gateway.ts).
    const loaded = await planner.load().catch((error: unknown) => {
      throw supergraphLoadError(error);
    });
    // Preparing runs on the serving event loop: between its long synchronous steps, requests in flight move on.
    await letRequestsThrough();
    const prepared = indexSupergraph(stripped, loaded.schema);
    const governance = await checkGovernance(config, prepared, update.descriptors);
    const authorizer = createAuthorizer(prepared, metrics ? { onLookup: (hit) => metrics.cacheLookup('authorization_filter', hit) } : {});
    const plannedAhead = await warmPlans({ planner, prepared, authorizer }, deps.knownOperations ?? [], logger);
    const usage = deps.usage ? createUsageCollector(prepared.apiSchema) : undefined;
    await letRequestsThrough();
    apollo = await startGenerationApollo(
      config,
      { planner, loaded, stripped, prepared, governance, authorizer, usage: deps.usage && usage ? { collector: usage, reporter: deps.usage } : undefined, metrics },
      logger,
    );
    return {
      id,
      stripped,
      prepared,
      governance,
      authorizer,
      ...(config.demandControl.mode === 'off'
        ? {}
        : { costEstimator: createCostEstimator(stripped.document, loaded.schema, { defaultListSize: config.demandControl.defaultListSize }) }),
      planner,
      loaded,
      clients,
      routes,
      policyNames: [...prepared.policyNames],
      descriptors: update.descriptors ?? [],
      apollo,
      ...(usage ? { usage } : {}),
      plannedAhead,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
