import { HttpError } from '../../shared/errors.js';
import { createGraphQLHttpHandler, listen, sendJson } from '../../shared/http/graphql-http.js';
import { createLogger, type Logger } from '../../shared/logging.js';
import { once } from '../../shared/once.js';
import { ANONYMOUS } from '../../shared/principal.js';
import type { GatewayConfig } from './config.js';
import { ContractMismatchCounts } from './execution/contract-mismatch.js';
import type { GovernedContext } from './execution/governed-gateway.js';
import { jwksRoute } from './execution/request-signing.js';
import { buildGeneration, type Generation } from './generations/generation.js';
import { GenerationManager } from './generations/generation-manager.js';
import { routingUrlOverride } from './generations/routing-url.js';
import { createAuthenticator } from './governance/authentication.js';
import { evaluatePolicies } from './governance/policies.js';
import { checkSubgraphs } from './health.js';
import { corsOptions } from './http/cors.js';
import { runStages } from './pipeline/run-stages.js';
import type { GatewayRequest } from './pipeline/stage.js';
import { buildStages } from './pipeline/stages.js';
import { supergraphSource } from './supergraph/select-source.js';
import type { SupergraphSource } from './supergraph/source.js';
import { startRequestTelemetry } from './telemetry/plugins.js';
import { createUsageReporter, type UsageReporter } from './usage/usage-reporter.js';

export interface RunningGateway {
  /** The public GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  port: number;
  /** The subgraphs the serving supergraph routes to, with the URLs actually used. */
  readonly subgraphs: readonly { name: string; url: string }[];
  /** The serving generation's id (sha256 of its supergraph SDL). */
  readonly supergraphId: string;
  /** Stops listening (draining in-flight requests), then the source, usage reporting and every generation. */
  stop(): Promise<void>;
}

export interface GatewayDependencies {
  logger?: Logger;
  /** Where supergraphs come from. Default: the one `config.supergraph` names (supergraph/select-source.ts). */
  source?: SupergraphSource;
}

/** The response header naming the generation that answered. */
export const SUPERGRAPH_ID_HEADER = 'meshgate-supergraph-id';

/**
 * Builds the gateway: subscribes to the supergraph source, turning each supergraph into a
 * generation (generations/), runs every request through the pipeline (pipeline/stages.ts) and then
 * the Apollo Server of the generation it took when it arrived, and serves `/health`, `/ready` and
 * the signing keys. Resolves once the first supergraph serves. Never listens on import.
 */
export async function createGateway(config: GatewayConfig, deps: GatewayDependencies = {}): Promise<RunningGateway> {
  const logger = deps.logger ?? createLogger('gateway', config.logLevel);
  // @apollo/gateway otherwise reports anonymous usage data to Apollo at start-up.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  // Whatever start-up builds is released with it (in reverse) when a later step fails, and on stop.
  const cleanup: (() => Promise<unknown>)[] = [];
  const release = async () => {
    for (const step of [...cleanup].reverse()) await step().catch((error: unknown) => logger.warn({ err: error }, 'a gateway part did not stop cleanly'));
  };
  try {
    return await serve(config, logger, deps, cleanup, release);
  } catch (error) {
    await release();
    throw error;
  }
}

async function serve(
  config: GatewayConfig,
  logger: Logger,
  deps: GatewayDependencies,
  cleanup: (() => Promise<unknown>)[],
  release: () => Promise<void>,
): Promise<RunningGateway> {
  const audit = logger.child({ audit: true });
  const { stages, knownOperations } = await buildStages(config, { authenticator: createAuthenticator(config.authentication), audit, logger });
  cleanup.push(() => Promise.all(stages.map((stage) => stage.close?.())));

  let usage: UsageReporter | undefined;
  if (config.usageReporting.kind === 'registry') {
    const reporter = createUsageReporter({ registry: config.usageReporting.registry, intervalMs: config.usageReporting.intervalMs, logger: logger.child({ usage: true }) });
    usage = reporter;
    // Stopped after the generations, so the last requests' usage is in the final flush.
    cleanup.push(() => reporter.stop());
  }
  const contractCounts = new ContractMismatchCounts();
  const source = deps.source ?? supergraphSource(config.supergraph, { logger, urlOf: (name) => routingUrlOverride(config, name) });
  const generations = new GenerationManager<Generation>({
    source: source.kind,
    logger,
    build: (update) => buildGeneration(config, update, { logger, knownOperations, usage, contractCounts }),
  });
  cleanup.push(() => generations.stop());
  const subscription = source.subscribe((update) => generations.apply(update));
  cleanup.push(() => subscription.stop());
  await subscription.initial;
  const first = generations.current as Generation;
  logger.info({ supergraph: source.description, id: first.id, subgraphs: first.routes, plannedAhead: first.plannedAhead }, 'supergraph serving');

  const handler = createGraphQLHttpHandler<GovernedContext>({
    apollo: () => (generations.current as Generation).apollo,
    logger,
    limits: { maxBodyBytes: config.http.maxBodyBytes, maxHeaders: config.http.maxHeaders },
    cors: corsOptions(config.http),
    prepare: async ({ req, method, params, signal }) => {
      // Taken once, here: every stage, the policies and Apollo Server below use this generation.
      const lease = generations.acquire();
      const { generation } = lease;
      // Telemetry first (telemetry/plugins.ts): the request id binds the logger every stage uses.
      const telemetry = startRequestTelemetry({ http: req, method, generationId: generation.id, startedAt: performance.now() }, logger);
      const request: GatewayRequest = {
        http: req,
        method,
        clientAddress: req.socket.remoteAddress ?? 'unknown',
        generation,
        params: { ...params },
        extensions: {},
        signal,
        logger: telemetry.logger,
      };
      const operation = () => ({ operationName: request.operation?.name?.value ?? request.params.operationName ?? undefined, query: request.params.query ?? undefined });
      try {
        await runStages(stages, request);
        const principal = request.principal ?? ANONYMOUS;
        const policyResults = await evaluatePolicies(generation.policyNames, generation.governance.config.policies, { principal, headers: req.headers }, telemetry.logger);
        const context: GovernedContext = {
          principal,
          satisfied: generation.prepared.index.satisfiedSet(principal, policyResults),
          signal,
          extensions: request.extensions,
          telemetry,
        };
        return {
          context,
          params: request.params,
          apollo: generation.apollo,
          headers: { ...telemetry.responseHeaders, [SUPERGRAPH_ID_HEADER]: generation.id },
          done: ({ status }) => {
            lease.release();
            telemetry.end({ status, ...operation() });
          },
        };
      } catch (error) {
        lease.release();
        // A refusal is one error and still names the request; anything else becomes the handler's 500.
        if (error instanceof HttpError) Object.assign(error.headers, telemetry.responseHeaders);
        telemetry.end({ status: error instanceof HttpError ? error.status : 500, errors: 1, ...operation() });
        throw error;
      }
    },
    routes: {
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway' }),
      // Ready as soon as a supergraph serves: a subgraph that is down degrades answers (partial
      // data) but does not take the gateway out of rotation. Names no file or host.
      '/ready': async (_req, res) => {
        const generation = generations.current as Generation;
        const health = await checkSubgraphs(generation.routes, Math.min(2000, config.subgraphTimeoutMs));
        const subgraphs = health.map((s) => ({ ...s, contractMismatches: contractCounts.of(s.name) }));
        const allUp = subgraphs.every((s) => s.status === 'up');
        sendJson(res, 200, { status: allUp ? 'ready' : 'degraded', supergraph: generations.status(), subgraphs });
      },
      '/.well-known/jwks.json': jwksRoute(config.signing),
    },
  });
  const listening = await listen(handler, config.port, { host: config.host, drainMs: config.http.drainMs });
  return {
    url: listening.url,
    port: listening.port,
    get subgraphs() {
      return generations.current?.routes ?? [];
    },
    get supergraphId() {
      return generations.current?.id ?? '';
    },
    stop: once(async () => {
      await listening.close();
      // The source, every generation, usage's last flush, the stages' connections: the reverse of start-up.
      await release();
    }),
  };
}
