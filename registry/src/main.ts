import { collectConfig } from '../../shared/config/env.js';
import { main, stopOnSignal } from '../../shared/lifecycle.js';
import { loadTracingConfig, startTracing } from '../../shared/telemetry/tracing.js';
import { createLogger } from '../../shared/logging.js';
import { loadRegistryConfig } from './config.js';
import { createRegistry } from './server.js';

main(async () => {
  // Tracing's OTEL_* variables are checked with the registry's own, so every wrong one shows in one start.
  const { registry: config, tracing } = collectConfig({ registry: () => loadRegistryConfig(), tracing: () => loadTracingConfig() });
  const logger = createLogger('registry', config.logLevel);
  const tracer = startTracing('registry', tracing);
  logger.info(tracer.description);
  if (config.authentication.kind === 'hs256' && !process.env.JWT_SECRET?.trim()) {
    logger.warn('JWT_SECRET is not set: tokens are verified with the public development secret; set JWT_SECRET (or JWT_JWKS_URL) outside development');
  }
  const registry = await createRegistry(config, { logger });
  stopOnSignal(logger, async () => {
    await registry.stop();
    await tracer.stop();
  });
});
