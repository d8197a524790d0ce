import { main, stopOnSignal } from '../../shared/lifecycle.js';
import { createLogger } from '../../shared/logging.js';
import { loadGatewayConfig } from './config.js';
import { createGateway } from './server.js';

/** The gateway process: configuration from the environment, listen, stop cleanly on a signal. */
main(async () => {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.logLevel);
  const gateway = await createGateway(config, { logger });
  logger.info({ url: gateway.url }, `gateway ready at ${gateway.url}`);
  stopOnSignal(logger, () => gateway.stop());
});
