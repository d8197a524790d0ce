import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors.js';

/** Argument checks every domain applies alike, with messages that say what was expected. */
export function badInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput, ...(argument ? { argument } : {}) } });
}

export const MAX_PAGE_SIZE = 100;

export function pageArgs(limit: number | null | undefined, offset: number | null | undefined, fallback = 20) {
  const pageLimit = limit ?? fallback;
  const pageOffset = offset ?? 0;
  if (pageLimit < 1 || pageLimit > MAX_PAGE_SIZE) {
    throw badInput(`limit must be between 1 and ${MAX_PAGE_SIZE}, got ${pageLimit}`, 'limit');
  }
  if (pageOffset < 0) throw badInput(`offset must be 0 or more, got ${pageOffset}`, 'offset');
  return { limit: pageLimit, offset: pageOffset };
}

/**
 * Entity ids are decimal integers in every domain's database. An id that is not one cannot
 * name a row, so it is "not found" (null), never a SQL error.
 */
export function parseId(id: string | number): number | null {
  const text = String(id);
  if (!/^\d{1,9}$/.test(text)) return null;
  return Number(text);
}

export function requireId(id: string, argument: string): number {
  const parsed = parseId(id);
  if (parsed === null) throw badInput(`${argument} must be a numeric id such as "42", got "${id}"`, argument);
  return parsed;
}
