import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { ErrorCode } from '../errors.js';

/** ISO-8601 instants, e.g. "2026-03-01T12:00:00.000Z"; the same scalar in every domain. */
export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant in time, as an ISO-8601 string in UTC.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue(value) {
    return parseInstant(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInstant(`a ${ast.kind}`);
    return parseInstant(ast.value);
  },
});

function parseInstant(value: unknown): Date {
  if (typeof value !== 'string') throw badInstant(typeof value);
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw badInstant(`"${value}"`);
  return date;
}

function badInstant(got: string): GraphQLError {
  return new GraphQLError(`DateTime expects an ISO-8601 string such as "2026-03-01T12:00:00Z", got ${got}`, {
    extensions: { code: ErrorCode.BadUserInput },
  });
}
