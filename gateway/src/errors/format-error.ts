import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ErrorCode, isDeliberateCode, withoutSuggestions } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logging.js';

/**
 * What clients learn of the errors subgraphs answer with (SUBGRAPH_ERRORS):
 * - `redact` (default): an error without a deliberate code (see shared/errors.ts) reaches the
 *   client as "Internal server error", and deliberate ones (BAD_USER_INPUT, FORBIDDEN, …) keep
 *   their message but only `code` and `serviceName` of their extensions: a subgraph that does not
 *   mask its own failures (SQL text, hostnames, stack traces) cannot leak them through the gateway.
 * - `expose`: subgraph errors pass as the subgraph wrote them, for debugging a domain.
 */
export type SubgraphErrorsMode = 'redact' | 'expose';

const INTERNAL = 'Internal server error';

/**
 * The gateway's one `formatError`: every error on its way to a client passes here. Errors with a
 * deliberate code keep their message (without graphql-js's "Did you mean" hints); anything else is
 * logged in full and reaches the client only as "Internal server error".
 */
export function formatGatewayError(logger: Logger, subgraphErrors: SubgraphErrorsMode) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const serviceName = typeof formatted.extensions?.serviceName === 'string' ? formatted.extensions.serviceName : undefined;
    const where = { ...(formatted.path ? { path: formatted.path } : {}), ...(formatted.locations ? { locations: formatted.locations } : {}) };
    if (serviceName !== undefined && subgraphErrors === 'expose') return formatted;
    if (!isDeliberateCode(code)) {
      logger.error({ err: unwrapResolverError(error), path: formatted.path, serviceName }, 'unexpected error masked before the client');
      return { message: INTERNAL, ...where, extensions: { code: ErrorCode.InternalServerError, ...(serviceName ? { serviceName } : {}) } };
    }
    const message = withoutSuggestions(formatted.message);
    // A subgraph's deliberate refusal keeps its words; its other extensions are the subgraph's business.
    if (serviceName !== undefined) return { message, ...where, extensions: { code, serviceName } };
    return { ...formatted, message };
  };
}
