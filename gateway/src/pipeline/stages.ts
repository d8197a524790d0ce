import type { Logger } from '../../../shared/logging.js';
import type { GatewayConfig } from '../config.js';
import type { KnownOperation } from '../execution/warm-plans.js';
import type { Authenticator } from '../governance/authentication.js';
import { preparePersistedOperations } from '../persisted-operations/setup.js';
import { useAuthentication } from './authenticate.js';
import { useDemandControl } from './demand-control.js';
import { useOperationLimits } from './operation-limits.js';
import { useParse } from './parse.js';
import { usePersistedOperations } from './persisted-operations.js';
import { createRateLimiter, useRateLimit } from './rate-limit.js';
import type { Stage } from './stage.js';

export interface StageDependencies {
  authenticator: Authenticator;
  /** Where refused credentials are recorded. */
  audit: Logger;
  logger: Logger;
}

/**
 * THE request pipeline, read top to bottom: every request runs these stages in this order before
 * its generation's Apollo Server validates it and the governed executor authorizes, plans and
 * executes it. The HTTP front (size, encoding, content type, CSRF) has run before; cheap,
 * request-only checks come first, so a hostile request is refused before it costs anything. The
 * stages hold no per-supergraph state: what depends on the supergraph they read from
 * `request.generation`, so the pipeline is built once and outlives every generation.
 */
export async function buildStages(config: GatewayConfig, deps: StageDependencies): Promise<{ stages: Stage[]; knownOperations: readonly KnownOperation[] }> {
  const persisted = await preparePersistedOperations(config.persistedOperations);
  const limiter = config.rateLimit.kind === 'on' ? createRateLimiter(config.rateLimit, { logger: deps.logger }) : undefined;
  // Connected before the first request, so it is not counted against Redis as an outage.
  await limiter?.ready();
  const demandControl = config.demandControl;
  const stages: Stage[] = [
    // Which operation text runs, and whether it may run at all (manifest, safelist, APQ).
    usePersistedOperations(persisted.options),
    // Parsed within a token and a nesting budget; operationName must name an operation.
    useParse(config.operationLimits.parse),
    // Depth, aliases, root fields, directives, expanded selections: measured without expanding.
    useOperationLimits(config.operationLimits.limits),
    // Who asks: a verified token, or ANONYMOUS; a bad credential is 401.
    useAuthentication({ authenticator: deps.authenticator, requireAuthentication: config.authorization.requireAuthentication, audit: deps.audit }),
    // Each caller's budget: per token subject, else per client address; shared by replicas through Redis.
    ...(limiter ? [{ ...useRateLimit(limiter), close: () => limiter.close() }] : []),
    // What the operation would cost the domains (@cost, @listSize), refused or reported before planning.
    useDemandControl(demandControl.mode === 'off' ? { mode: 'off' } : { mode: demandControl.mode, maxCost: demandControl.maxCost }),
  ];
  return { stages, knownOperations: persisted.manifest?.operations ?? [] };
}
