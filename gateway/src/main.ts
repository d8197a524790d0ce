import cluster from 'node:cluster';
import { collectConfig } from '../../shared/config/env.js';
import { main, stopOnSignal } from '../../shared/lifecycle.js';
import { loadTracingConfig, startTracing, type TracingConfig } from '../../shared/telemetry/tracing.js';
import { createLogger, type Logger } from '../../shared/logging.js';
import { signingWarnings, workerSigningEnv } from '../../shared/signing/signer-config.js';
import { reportWorkerReady, runPrimary } from './cluster.js';
import { loadGatewayConfig, type GatewayConfig } from './config.js';
import { DEVELOPMENT_SECRET } from './governance/authentication-config.js';
import { createGateway } from './server.js';
import { workerMetricsSource } from './telemetry/cluster-metrics.js';

/**
 * The gateway process: configuration from the environment, listen, stop cleanly on a signal.
 * With GATEWAY_WORKERS > 1 this process is the cluster primary and each worker runs this file again
 * (see cluster.ts); the configuration is still loaded here first, so a wrong value fails before any fork.
 */
main(async () => {
  // Tracing's OTEL_* variables are checked with the gateway's own, so every wrong one shows in one start.
  const { gateway: config, tracing } = collectConfig({ gateway: () => loadGatewayConfig(), tracing: () => loadTracingConfig() });
  if (cluster.isWorker) return runWorker(config, tracing);
  if (config.workers > 1) {
    // Several processes write to the same stdout: each line says which one wrote it.
    const logger = createLogger('gateway', config.logLevel).child({ pid: process.pid });
    warnAboutUnsafeSettings(config, logger);
    // A key generated at start-up is generated here, once: every worker signs with and publishes the same one.
    return runPrimary({ workers: config.workers, logger, env: workerSigningEnv(config.signing) });
  }
  const logger = createLogger('gateway', config.logLevel);
  warnAboutUnsafeSettings(config, logger);
  // Before the gateway is built: its spans (and @apollo/gateway's) need the SDK registered first.
  const tracer = startTracing('gateway', tracing);
  logger.info(tracer.description);
  const gateway = await createGateway(config, { logger });
  logger.info({ url: gateway.url }, `gateway ready at ${gateway.url}`);
  stopOnSignal(logger, async () => {
    await gateway.stop();
    await tracer.stop();
  });
});

/**
 * One of the cluster's gateways. The primary already warned about the settings, once for all
 * workers; it serves no request, so only workers trace (each its own SDK, one service name).
 */
async function runWorker(config: GatewayConfig, tracing: TracingConfig): Promise<void> {
  const logger = createLogger('gateway', config.logLevel).child({ pid: process.pid });
  const tracer = startTracing('gateway', tracing);
  logger.debug(tracer.description);
  // Its /metrics serves the sum over every worker, asked of the primary (telemetry/cluster-metrics.ts).
  const gateway = await createGateway(config, { logger, metricsSource: workerMetricsSource });
  logger.info({ url: gateway.url }, `worker ready at ${gateway.url}`);
  stopOnSignal(logger, async () => {
    await gateway.stop();
    await tracer.stop();
  });
  reportWorkerReady(gateway.url);
}

function warnAboutUnsafeSettings(config: GatewayConfig, logger: Logger): void {
  if (config.authentication.kind === 'hs256' && config.authentication.secret === DEVELOPMENT_SECRET) {
    logger.warn('JWT_SECRET is not set: accepting tokens signed with the public development secret (npm run token); set JWT_SECRET or JWT_JWKS_URL outside development');
  }
  for (const warning of signingWarnings(config.signing)) logger.warn(warning);
  if (config.authorization.dryRun) logger.warn('AUTHZ_DRY_RUN is on: authorization reports what it would deny and denies nothing');
  if (!config.authorization.enabled) logger.warn('AUTHZ_ENABLED=false: @authenticated, @requiresScopes and @policy are NOT enforced');
  const { parse, limits } = config.operationLimits;
  const disabled = Object.entries({
    OPERATION_MAX_TOKENS: parse.maxTokens,
    OPERATION_MAX_RECURSION: parse.maxRecursion,
    OPERATION_MAX_DEPTH: limits.maxDepth,
    OPERATION_MAX_ALIASES: limits.maxAliases,
    OPERATION_MAX_ROOT_FIELDS: limits.maxRootFields,
    OPERATION_MAX_DIRECTIVES: limits.maxDirectives,
    OPERATION_MAX_TOTAL_DIRECTIVES: limits.maxTotalDirectives,
    OPERATION_MAX_SELECTIONS: limits.maxSelections,
  }).filter(([, value]) => value === 0);
  if (disabled.length) logger.warn(`${disabled.map(([name]) => name).join(', ')}=0: ${disabled.length === 1 ? 'that limit is' : 'those limits are'} off, so a crafted operation can cost the gateway what the limit was there to bound`);
  if (config.demandControl.mode === 'off') logger.warn('COST_MODE=off: operations are not refused for their estimated cost');
  if (config.subgraphErrors === 'expose') logger.warn('SUBGRAPH_ERRORS=expose: subgraphs\' error messages and extensions reach clients as the subgraphs wrote them');
  if (config.introspection && process.env.NODE_ENV === 'production') logger.warn('GATEWAY_INTROSPECTION=true in production: anyone can read the whole schema');
}
