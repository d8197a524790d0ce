import { HttpError } from '../../shared/errors.js';
import { createGraphQLHttpHandler, listen, sendJson } from '../../shared/http/graphql-http.js';
import { dispatchByPath } from '../../shared/http/dispatch.js';
import { createLogger, type Logger } from '../../shared/logging.js';
import { once } from '../../shared/once.js';
import { ANONYMOUS } from '../../shared/principal.js';
import { CATALOG_PATH, createCatalogApi } from './catalog-api/catalog-api.js';
import type { PromiseSource } from './catalog-api/types.js';
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
import { CATALOG_PREFIX, createWebApp } from './http/web-app.js';
import { runStages } from './pipeline/run-stages.js';
import type { GatewayRequest } from './pipeline/stage.js';
import { buildStages } from './pipeline/stages.js';
import { supergraphSource } from './supergraph/select-source.js';
import type { SupergraphSource } from './supergraph/source.js';
import { combineFetchObservers } from './telemetry/fetch-observer.js';
import { createGatewayMetrics } from './telemetry/gateway-metrics.js';
import { buildRequestPlugins, CATALOG_REQUEST_PLUGINS, startRequestTelemetry } from './telemetry/plugins.js';
import type { MetricsSource } from '../../shared/telemetry/metrics.js';
import { createServiceMetrics } from '../../shared/telemetry/service-metrics.js';
import type { Registry } from 'prom-client';
import { createUsageReporter, type UsageReporter } from './usage/usage-reporter.js';
import { createFreshnessPoller } from './promises/freshness-poller.js';
import { createPromiseMonitor, servedProducts, type PromiseMonitor } from './promises/promise-monitor.js';
import { createSubgraphWindows } from './promises/subgraph-windows.js';

export interface RunningGateway {
  /** The public GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  port: number;
  /** The subgraphs the serving supergraph routes to, with the URLs actually used. */
  readonly subgraphs: readonly { name: string; url: string }[];
  /** The serving generation's id (sha256 of its supergraph SDL). */
  readonly supergraphId: string;
  /** Where Prometheus scrapes the gateway's metrics; undefined when METRICS_ENABLED=false. */
  readonly metricsUrl?: string;
  /** The data products' promises next to what this gateway measured (promises/promise-monitor.ts). */
  readonly promises: PromiseMonitor;
  /** Stops listening (draining in-flight requests), then the source, usage reporting and every generation. */
  stop(): Promise<void>;
}

export interface GatewayDependencies {
  logger?: Logger;
  /** Where supergraphs come from. Default: the one `config.supergraph` names (supergraph/select-source.ts). */
  source?: SupergraphSource;
  /** The measured promises the catalog API serves (catalog-api/types.ts). Default: this gateway's own promise monitor. */
  promises?: PromiseSource;
  /** What `/metrics` serves instead of this gateway's own registry: a cluster worker serves every worker's aggregate (cluster.ts). */
  metricsSource?: (registry: Registry) => MetricsSource;
}

/** The response header naming the generation that answered. */
export const SUPERGRAPH_ID_HEADER = 'meshgate-supergraph-id';

/** The paths the gateway serves, as `http_route` label values (any other path is `other`). */
const GATEWAY_ROUTES = ['/graphql', '/health', '/ready', '/.well-known/jwks.json', '/', '/catalog/graphql', '/catalog/*'];

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
  // Built once, outliving generations like the contract counts: every generation records into the same metrics.
  const serviceMetrics = createServiceMetrics('gateway', config.metrics, { logger, ...(deps.metricsSource ? { source: deps.metricsSource } : {}) });
  cleanup.push(() => serviceMetrics.close());
  const metrics = createGatewayMetrics(serviceMetrics.registry, { enabled: config.metrics.enabled, operationNames: config.metricsOperationNames });
  // The promise windows outlive generations too; only subgraphs the serving supergraph routes to are
  // counted, so memory follows the supergraph (events start once a generation serves: `generations` exists).
  const promiseWindows = createSubgraphWindows({ isServed: (name) => generations.current?.clients.has(name) ?? true });
  const fetchObserver = combineFetchObservers(metrics.fetchObserver, promiseWindows.fetchObserver);
  const plugins = buildRequestPlugins({ metrics });
  const catalogPlugins = buildRequestPlugins({ metrics }, CATALOG_REQUEST_PLUGINS);
  const authenticator = createAuthenticator(config.authentication, metrics.enabled ? { onCacheLookup: (hit) => metrics.cacheLookup('verified_token', hit) } : {});
  const { stages, knownOperations } = await buildStages(config, { authenticator, audit, logger });
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
    build: (update) => buildGeneration(config, update, { logger, knownOperations, usage, contractCounts, fetchObserver, ...(metrics.enabled ? { metrics } : {}) }),
    onApplied: (outcome) => metrics.supergraphApplied(outcome),
  });
  metrics.watch(() => generations.current);
  cleanup.push(() => generations.stop());
  const subscription = source.subscribe((update) => generations.apply(update));
  cleanup.push(() => subscription.stop());
  await subscription.initial;
  const first = generations.current as Generation;
  logger.info({ supergraph: source.description, id: first.id, subgraphs: first.routes, plannedAhead: first.plannedAhead }, 'supergraph serving');
  const promisesLogger = logger.child({ promises: true });
  const freshness = createFreshnessPoller({ targets: () => generations.current?.routes ?? [], intervalMs: config.promises.freshnessIntervalMs, logger: promisesLogger });
  if (config.promises.freshnessPolling) freshness.start();
  cleanup.push(() => freshness.stop());
  const promises = createPromiseMonitor({ windows: promiseWindows, freshness, products: () => servedProducts(generations.current), registry: serviceMetrics.registry, logger: promisesLogger });
  // Evaluated as often as freshness is read, so a promise that stops being kept is logged with nobody asking.
  promises.start(config.promises.freshnessIntervalMs);
  cleanup.push(async () => promises.stop());

  const web = createWebApp(config.webApp);
  const handler = createGraphQLHttpHandler<GovernedContext>({
    apollo: () => (generations.current as Generation).apollo,
    logger,
    limits: { maxBodyBytes: config.http.maxBodyBytes, maxHeaders: config.http.maxHeaders },
    cors: corsOptions(config.http),
    // The catalog at /catalog/ and the bundled IDE for a browser opening /graphql (http/web-app.ts).
    browserPage: web.ide,
    prefixRoutes: { [CATALOG_PREFIX]: web.catalog },
    // Refused before the pipeline (431, 413, 415, CSRF, 404): still one access-log line and a request id.
    onRefused: (req, error, startedAt) => {
      const telemetry = startRequestTelemetry({ http: req, method: String(req.method), generationId: (generations.current as Generation).id, startedAt }, logger, plugins);
      telemetry.end({ status: error.status, errors: 1 });
      return telemetry.responseHeaders;
    },
    prepare: async ({ req, method, params, signal }) => {
      // Taken once, here: every stage, the policies and Apollo Server below use this generation.
      const lease = generations.acquire();
      const { generation } = lease;
      // Telemetry first (telemetry/plugins.ts): the request id binds the logger every stage uses.
      const telemetry = startRequestTelemetry({ http: req, method, generationId: generation.id, startedAt: performance.now() }, logger, plugins);
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
      const operation = () => ({
        operationName: request.operation?.name?.value ?? request.params.operationName ?? undefined,
        operationType: request.operation?.operation,
        query: request.params.query ?? undefined,
      });
      try {
        // Inside the request's trace context (telemetry/tracing-plugin.ts), as Apollo Server is below (`within`).
        const policyResults = await telemetry.within(async () => {
          await runStages(stages, request);
          return evaluatePolicies(generation.policyNames, generation.governance.config.policies, { principal: request.principal ?? ANONYMOUS, headers: req.headers }, telemetry.logger);
        });
        const principal = request.principal ?? ANONYMOUS;
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
          within: telemetry.within,
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
      '/': web.root,
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
      ...serviceMetrics.routes,
    },
  });
  // The catalog API (catalog-api/): its own HTTP front and Apollo Server on the same generations and
  // authenticator; off with the rest of the catalog (GATEWAY_CATALOG=false), then its path is a 404.
  const catalog = config.webApp.enabled
    ? await createCatalogApi(config, {
        generations,
        authenticator,
        logger,
        audit,
        promises: deps.promises ?? promises,
        telemetry: (start) => startRequestTelemetry(start, logger, catalogPlugins),
      })
    : undefined;
  if (catalog) cleanup.push(() => catalog.stop());
  const served = catalog ? dispatchByPath({ [CATALOG_PATH]: catalog.handler }, handler) : handler;
  // The metrics' own listener first (METRICS_PORT, if set; closed by release): a port already taken stops the start before the gateway serves.
  await serviceMetrics.listen(config.host);
  const listening = await listen(serviceMetrics.instrument(served, GATEWAY_ROUTES), config.port, { host: config.host, drainMs: config.http.drainMs });
  const metricsUrl = serviceMetrics.url(listening.url.replace(/\/graphql$/, ''));
  return {
    url: listening.url,
    port: listening.port,
    get subgraphs() {
      return generations.current?.routes ?? [];
    },
    get supergraphId() {
      return generations.current?.id ?? '';
    },
    ...(metricsUrl ? { metricsUrl } : {}),
    promises,
    stop: once(async () => {
      await listening.close();
      // The source, every generation, usage's last flush, the stages' connections: the reverse of start-up.
      await release();
    }),
  };
}
