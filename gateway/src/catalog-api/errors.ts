import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../../shared/errors.js';

/** An argument outside what the catalog accepts: a deliberate error, so its message reaches the client. */
export function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput } });
}

/** Promises and measurements are for authenticated callers (Apollo Server's code for it). */
export function unauthenticated(what: string): GraphQLError {
  return new GraphQLError(`${what} are shown to authenticated callers only: send "Authorization: Bearer <token>"`, {
    extensions: { code: ErrorCode.Unauthenticated },
  });
}

/** `limit` within 1..max, else a BAD_USER_INPUT naming the argument, the range and the value. */
export function checkLimit(limit: number, max: number, argument = 'limit'): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw badInput(`${argument}: expected a whole number from 1 to ${max}, got ${limit}`);
  return limit;
}
