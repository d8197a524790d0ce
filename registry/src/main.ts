import { main, stopOnSignal } from '../../shared/lifecycle.js';
import { createLogger } from '../../shared/logging.js';
import { loadRegistryConfig } from './config.js';
import { createRegistry } from './server.js';

main(async () => {
  const config = loadRegistryConfig();
  const logger = createLogger('registry', config.logLevel);
  if (config.authentication.kind === 'hs256' && !process.env.JWT_SECRET?.trim()) {
    logger.warn('JWT_SECRET is not set: tokens are verified with the public development secret; set JWT_SECRET (or JWT_JWKS_URL) outside development');
  }
  const registry = await createRegistry(config, { logger });
  stopOnSignal(logger, registry.stop);
});
