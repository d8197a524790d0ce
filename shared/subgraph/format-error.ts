import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ErrorCode, isDeliberateCode, withoutSuggestions } from '../errors.js';
import type { Logger } from '../logging.js';

/**
 * Errors a resolver raises on purpose carry a code; anything else (a SQL failure, a bug) reaches
 * the client only as "Internal server error". With a logger, each such error is logged here with
 * its detail; without one, `unexpectedErrorLog` logs it with the request's own logger.
 */
export function maskUnexpectedErrors(logger?: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (isDeliberateCode(formatted.extensions?.code)) return { ...formatted, message: withoutSuggestions(formatted.message) };
    logger?.error({ err: unwrapResolverError(error), path: formatted.path }, 'unexpected error in resolver');
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.InternalServerError } };
  };
}

/**
 * Logs every error without a deliberate code, once, with the logger `loggerOf` gives for the
 * request's context (a data product's: bound to the request id the gateway forwarded), so the
 * line can be found from the gateway's access log.
 */
export function unexpectedErrorLog<Ctx extends BaseContext>(loggerOf: (context: Ctx) => Logger): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (!isDeliberateCode(error.extensions?.code)) loggerOf(contextValue).error({ err: unwrapResolverError(error), path: error.path }, 'unexpected error in resolver');
          }
        },
      };
    },
  };
}
