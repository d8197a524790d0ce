import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../shared/errors.js';

/**
 * The registry's deliberate GraphQL errors. `extensions.http.status` sets the answer's HTTP status
 * (Apollo Server reads it and removes it from the response), so a refused caller gets 401 or 403
 * as well as the code.
 */
export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Forbidden, http: { status: 403 } } });
}

export function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NotFound } });
}
