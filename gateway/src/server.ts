import { ApolloServer } from '@apollo/server';
import { createGraphQLHttpHandler, listen, sendJson } from '../../shared/http/graphql-http.js';
import { createLogger, type Logger } from '../../shared/logging.js';
import { once } from '../../shared/once.js';
import { ANONYMOUS } from '../../shared/principal.js';
import type { GatewayConfig } from './config.js';
import { formatGatewayError } from './errors/format-error.js';
import { governGateway, type GovernedContext } from './execution/governed-gateway.js';
import { preloadedGateway } from './execution/preloaded-gateway.js';
import { warmPlans } from './execution/warm-plans.js';
import { buildGeneration, type Generation } from './generations/generation.js';
import { createAuditLog } from './governance/audit.js';
import { createAuthenticator } from './governance/authentication.js';
import { resolveMaskingRules } from './governance/masking.js';
import { evaluatePolicies } from './governance/policies.js';
import { checkSubgraphs } from './health.js';
import { corsOptions } from './http/cors.js';
import { runStages } from './pipeline/run-stages.js';
import type { GatewayRequest } from './pipeline/stage.js';
import { buildStages } from './pipeline/stages.js';
import { supergraphSource } from './supergraph/select-source.js';

export interface RunningGateway {
  /** The public GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  port: number;
  /** The subgraphs the supergraph routes to, with the URLs actually used. */
  subgraphs: readonly { name: string; url: string }[];
  /** Stops listening (draining in-flight requests), then the gateway and its subgraph connections. */
  stop(): Promise<void>;
}

export interface GatewayDependencies {
  logger?: Logger;
}

/**
 * Builds the gateway: loads the supergraph into a generation, runs every request through the
 * pipeline (gateway/src/pipeline/stages.ts), then Apollo Server's validation and the governed
 * executor over @apollo/gateway, and serves `/health` and `/ready`. Never listens on import.
 */
export async function createGateway(config: GatewayConfig, deps: GatewayDependencies = {}): Promise<RunningGateway> {
  const logger = deps.logger ?? createLogger('gateway', config.logLevel);
  // @apollo/gateway otherwise reports anonymous usage data to Apollo at start-up.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const source = supergraphSource(config.supergraph);
  const generation = await buildGeneration(config, await source.load(), logger);
  // Whatever start-up builds after the generation is released with it when a later step fails.
  const cleanup: (() => Promise<unknown>)[] = [() => generation.close()];
  try {
    return await serve(config, logger, source.description, generation, cleanup);
  } catch (error) {
    for (const release of cleanup.reverse()) await release().catch(() => undefined);
    throw error;
  }
}

async function serve(config: GatewayConfig, logger: Logger, sourceDescription: string, generation: Generation, cleanup: (() => Promise<unknown>)[]): Promise<RunningGateway> {
  const { prepared, governance, loaded } = generation;
  const audit = logger.child({ audit: true });
  const { stages, knownOperations } = await buildStages(config, { generation, authenticator: createAuthenticator(config.authentication), audit, logger });
  cleanup.push(() => Promise.all(stages.map((stage) => stage.close?.())));
  const warmed = await warmPlans(generation, knownOperations, logger);
  const policyNames = [...prepared.policyNames];
  const gateway = governGateway(preloadedGateway(generation.planner, loaded, { apiSchema: loaded.schema, coreSupergraphSdl: generation.stripped.plannerSdl }), {
    prepared,
    authorizer: generation.authorizer,
    options: config.authorization,
    classified: governance.classified,
    audit: createAuditLog(logger),
    logger,
    masking: resolveMaskingRules(governance.config.masking),
  });
  const apollo = new ApolloServer<GovernedContext>({
    gateway,
    logger,
    introspection: config.introspection,
    formatError: formatGatewayError(logger, config.subgraphErrors),
    includeStacktraceInErrorResponses: false,
    // Persisted operations and APQ are the pipeline's (persisted-operations stage), before any parsing.
    persistedQueries: false,
    // The process stops on a signal through shared/lifecycle.ts, HTTP server first; Apollo's own
    // handler would stop it a second time and re-raise the signal (exit 143, requests cut short).
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  cleanup.push(() => apollo.stop());
  logger.info({ supergraph: sourceDescription, id: generation.id, subgraphs: generation.routes, plannedAhead: warmed }, 'supergraph loaded');

  const handler = createGraphQLHttpHandler({
    apollo,
    logger,
    limits: { maxBodyBytes: config.http.maxBodyBytes, maxHeaders: config.http.maxHeaders },
    cors: corsOptions(config.http),
    prepare: async ({ req, method, params, signal }) => {
      const request: GatewayRequest = {
        http: req,
        method,
        clientAddress: req.socket.remoteAddress ?? 'unknown',
        params: { ...params },
        extensions: {},
        signal,
        logger,
      };
      await runStages(stages, request);
      const principal = request.principal ?? ANONYMOUS;
      const policyResults = await evaluatePolicies(policyNames, governance.config.policies, { principal, headers: req.headers }, logger);
      const context: GovernedContext = { principal, satisfied: prepared.index.satisfiedSet(principal, policyResults), signal, extensions: request.extensions };
      return { context, params: request.params };
    },
    routes: {
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway' }),
      // Ready as soon as the supergraph is loaded: a subgraph that is down degrades answers
      // (partial data) but does not take the gateway out of rotation. Names no file or host.
      '/ready': async (_req, res) => {
        const subgraphs = await checkSubgraphs(generation.routes, Math.min(2000, config.subgraphTimeoutMs));
        const allUp = subgraphs.every((s) => s.status === 'up');
        sendJson(res, 200, { status: allUp ? 'ready' : 'degraded', supergraph: { id: generation.id, source: config.supergraph.kind }, subgraphs });
      },
    },
  });
  const listening = await listen(handler, config.port, { host: config.host, drainMs: config.http.drainMs });
  return {
    url: listening.url,
    port: listening.port,
    subgraphs: generation.routes,
    stop: once(async () => {
      await listening.close();
      // Apollo Server, the stages' connections, then the generation: the reverse of start-up.
      for (const release of [...cleanup].reverse()) await release();
    }),
  };
}
