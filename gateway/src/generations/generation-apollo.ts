import type { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from '../../../shared/logging.js';
import type { GatewayConfig } from '../config.js';
import { formatGatewayError } from '../errors/format-error.js';
import { governGateway, type GovernedContext } from '../execution/governed-gateway.js';
import { preloadedGateway } from '../execution/preloaded-gateway.js';
import { createAuditLog } from '../governance/audit.js';
import type { Authorizer } from '../governance/authorizer.js';
import { resolveMaskingRules } from '../governance/masking.js';
import type { GovernanceSetup } from '../governance/setup.js';
import type { PreparedSupergraph, StrippedSupergraph } from '../supergraph/security-features.js';
import type { UsageCollector } from '../usage/usage-collector.js';
import { usagePlugin } from '../usage/usage-plugin.js';
import type { UsageReporter } from '../usage/usage-reporter.js';
import { errorCountPlugin } from '../telemetry/executor-hooks.js';
import type { GatewayMetrics } from '../telemetry/gateway-metrics.js';

export interface GenerationParts {
  planner: ApolloGateway;
  loaded: Awaited<ReturnType<ApolloGateway['load']>>;
  stripped: StrippedSupergraph;
  prepared: PreparedSupergraph;
  governance: GovernanceSetup;
  authorizer: Authorizer;
  usage?: { collector: UsageCollector; reporter: UsageReporter };
  /** Where authorization denials are counted. Default nowhere. */
  metrics?: Pick<GatewayMetrics, 'authorizationDenied'>;
}

/**
 * One generation's Apollo Server, over the governed executor of its own planner: Apollo's
 * schema-derived caches (validation, parsed documents, landing page) belong to one supergraph and
 * go with it. Started here, before the generation may serve.
 */
export async function startGenerationApollo(config: GatewayConfig, parts: GenerationParts, logger: Logger): Promise<ApolloServer<GovernedContext>> {
  const { planner, loaded, stripped, prepared, governance, authorizer } = parts;
  const gateway = governGateway(preloadedGateway(planner, loaded, { apiSchema: loaded.schema, coreSupergraphSdl: stripped.plannerSdl }), {
    prepared,
    authorizer,
    options: config.authorization,
    classified: governance.classified,
    audit: createAuditLog(logger),
    logger,
    masking: resolveMaskingRules(governance.config.masking),
    ...(parts.metrics ? { countDenials: parts.metrics.authorizationDenied } : {}),
  });
  const plugins: ApolloServerPlugin<GovernedContext>[] = [
    // Apollo's landing page loads Sandbox from a CDN; browsers get the bundled IDE instead (http/web-app.ts).
    ApolloServerPluginLandingPageDisabled(),
    errorCountPlugin,
    ...(parts.usage ? [usagePlugin(parts.usage.collector, parts.usage.reporter)] : [])];
  const apollo = new ApolloServer<GovernedContext>({
    gateway,
    logger,
    plugins,
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
  return apollo;
}
