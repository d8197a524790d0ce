import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createGraphQLHttpHandler, listen } from '../../shared/http/graphql-http.js';
import { createLogger, type Logger } from '../../shared/logging.js';
import { once } from '../../shared/once.js';
import { graphqlSpanPlugin } from '../../shared/telemetry/graphql-spans.js';
import { startServerSpan } from '../../shared/telemetry/server-span.js';
import { createServiceMetrics } from '../../shared/telemetry/service-metrics.js';
import { maskUnexpectedErrors } from '../../shared/subgraph/format-error.js';
import { createAuthenticator } from '../../gateway/src/governance/authentication.js';
import { createResolvers, typeDefs, type RegistryContext } from './api/resolvers.js';
import type { RegistryConfig } from './config.js';
import { openRegistryDatabase } from './database.js';
import { authenticateRequest, registryRoutes } from './http.js';
import { guardOperation, REGISTRY_PARSE_OPTIONS } from './operation-guard.js';
import { createChanges } from './publish.js';
import type { RunningContractOptions } from './running-contract/running-contract.js';

/** A published SDL and its descriptor, with JSON's overhead: far more than any real data product needs. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface RunningRegistry {
  /** The base URL clients are given (MESHGATE_REGISTRY_URL), e.g. http://127.0.0.1:4500 */
  url: string;
  /** The GraphQL API, `<url>/graphql`. */
  graphqlUrl: string;
  port: number;
  /** Where Prometheus scrapes the registry's metrics; undefined when they are off. */
  metricsUrl?: string;
  /** Stops listening (draining in-flight requests), then Apollo Server, then closes the database. Once. */
  stop(): Promise<void>;
}

export interface RegistryDependencies {
  logger?: Logger;
  /** Milliseconds since the epoch, for usage windows. Default Date.now. */
  clock?: () => number;
  /** How the running subgraph is asked for its contract on publish (timeout, size bound). */
  runningContract?: RunningContractOptions;
}

/**
 * Builds the schema registry: opens its database (a server, or PGlite under the data folder) and
 * applies its migrations, then serves the GraphQL API on `/graphql`, `GET /supergraph` for gateways,
 * `/health` and `/ready`. Every request needs a valid token (the gateway's JWT settings). Never
 * listens on import.
 */
export async function createRegistry(config: RegistryConfig, deps: RegistryDependencies = {}): Promise<RunningRegistry> {
  const logger = deps.logger ?? createLogger('registry', config.logLevel);
  const authenticator = createAuthenticator(config.authentication);
  const { db, registry } = await openRegistryDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  const cleanup: (() => Promise<unknown>)[] = [() => db.close()];
  try {
    const changes = createChanges({ registry, usageWindowDays: config.usageWindowDays, lint: config.lint, runningContract: deps.runningContract, logger });
    const apollo = new ApolloServer<RegistryContext>({
      typeDefs,
      resolvers: createResolvers({ registry, changes, clock: deps.clock }),
      // Its clients are the CLI, gateways and data products: introspection helps them, a landing page does not.
      introspection: true,
      parseOptions: REGISTRY_PARSE_OPTIONS,
      // The last one names the request's span after its operation (tracing on only; see shared/telemetry/).
      plugins: [ApolloServerPluginLandingPageDisabled(), graphqlSpanPlugin()],
      formatError: maskUnexpectedErrors(logger),
      includeStacktraceInErrorResponses: false,
      logger,
      // The process stops on a signal through shared/lifecycle.ts, HTTP server first.
      stopOnTerminationSignals: false,
    });
    await apollo.start();
    cleanup.push(() => apollo.stop());
    const metrics = createServiceMetrics('registry', config.metrics, { logger });
    cleanup.push(() => metrics.close());
    const routes = { ...registryRoutes({ db, registry, authenticator, logger }), ...metrics.routes };
    const handler = createGraphQLHttpHandler({
      apollo,
      logger,
      limits: { maxBodyBytes: MAX_BODY_BYTES },
      prepare: async ({ req, params }) => {
        const arrived = performance.now();
        const principal = await authenticateRequest(authenticator, req);
        guardOperation(params);
        // A token says who may publish, not whose trace this is: the registry's requests start traces of their own.
        const span = startServerSpan({ req, adoptTraceContext: false, startTime: arrived });
        return { context: { principal }, ...(span ? { within: span.within, done: ({ status }: { status: number }) => span.end(status) } : {}) };
      },
      routes,
    });
    // The metrics' own listener first (METRICS_PORT, if set): a port already taken stops the start before the registry serves.
    await metrics.listen(config.host);
    const listening = await listen(metrics.instrument(handler, ['/graphql', ...Object.keys(routes)]), config.port, { host: config.host });
    const metricsUrl = metrics.url(listening.url.replace(/\/graphql$/, ''));
    const url = listening.url.replace(/\/graphql$/, '');
    logger.info({ url, database: db.backend }, `registry ready at ${url}`);
    return {
      url,
      graphqlUrl: listening.url,
      port: listening.port,
      ...(metricsUrl ? { metricsUrl } : {}),
      stop: once(async () => {
        await listening.close();
        for (const release of [...cleanup].reverse()) await release();
      }),
    };
  } catch (error) {
    for (const release of cleanup.reverse()) await release().catch(() => undefined);
    throw error;
  }
}
