import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ErrorCode, isDeliberateCode, withoutSuggestions } from '../errors.js';
import type { Logger } from '../logging.js';

/**
 * Errors a resolver raises on purpose carry a code; anything else (a SQL failure, a bug) is
 * logged with its detail and reaches the client only as "Internal server error".
 */
export function maskUnexpectedErrors(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (isDeliberateCode(formatted.extensions?.code)) return { ...formatted, message: withoutSuggestions(formatted.message) };
    logger.error({ err: unwrapResolverError(error), path: formatted.path }, 'unexpected error in resolver');
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.InternalServerError } };
  };
}
