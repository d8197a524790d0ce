import { main, stopOnSignal } from '../../shared/lifecycle.js';
import { createLogger } from '../../shared/logging.js';
import { loadGatewayConfig } from './config.js';
import { DEVELOPMENT_SECRET } from './governance/authentication-config.js';
import { createGateway } from './server.js';

/** The gateway process: configuration from the environment, listen, stop cleanly on a signal. */
main(async () => {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.logLevel);
  if (config.authentication.kind === 'hs256' && config.authentication.secret === DEVELOPMENT_SECRET) {
    logger.warn('JWT_SECRET is not set: accepting tokens signed with the public development secret (npm run token); set JWT_SECRET or JWT_JWKS_URL outside development');
  }
  if (config.signing.development) {
    logger.warn('MESHGATE_SUBGRAPH_SECRET is not set: signing subgraph requests with the public development secret; set a secret shared with the subgraphs outside development');
  }
  if (config.authorization.dryRun) logger.warn('AUTHZ_DRY_RUN is on: authorization reports what it would deny and denies nothing');
  if (!config.authorization.enabled) logger.warn('AUTHZ_ENABLED=false: @authenticated, @requiresScopes and @policy are NOT enforced');
  const gateway = await createGateway(config, { logger });
  logger.info({ url: gateway.url }, `gateway ready at ${gateway.url}`);
  stopOnSignal(logger, () => gateway.stop());
});
