import { ErrorCode, HttpError } from '../errors.js';

/** The GraphQL request as the client sent it: a JSON body (POST) or the query string (GET). */
export interface GraphQLParams {
  query?: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
}

const KNOWN = new Set(['query', 'operationName', 'variables', 'extensions']);

/**
 * Reads a POST body as one GraphQL request (GraphQL-over-HTTP): a JSON object whose `query` is a
 * string, `operationName` a string or null, `variables` and `extensions` objects or null. A batch
 * (a JSON array) is refused: one operation per request keeps every limit per request.
 */
export function paramsFromJson(raw: Buffer): GraphQLParams {
  if (raw.length === 0) throw invalid('Empty request body: expected a JSON object with a "query"');
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, ErrorCode.BadRequest, `Request body is not valid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(body)) {
    throw invalid(`Batched requests are not supported: expected one JSON object per request, got an array of ${body.length}`);
  }
  if (typeof body !== 'object' || body === null) throw invalid(`Expected the body to be a JSON object with a "query", got ${describe(body)}`);
  return checked(body as Record<string, unknown>, 'body');
}

/** Reads a GET request's query string: `variables` and `extensions` are JSON-encoded, as Apollo and the spec have them. */
export function paramsFromSearch(search: URLSearchParams): GraphQLParams {
  const fields: Record<string, unknown> = {};
  for (const name of KNOWN) {
    const values = search.getAll(name);
    if (values.length > 1) throw invalid(`Query string parameter "${name}" is given ${values.length} times: expected it at most once`);
    if (values.length === 0) continue;
    const [value] = values;
    if (name === 'variables' || name === 'extensions') {
      try {
        fields[name] = JSON.parse(value);
      } catch {
        throw invalid(`Query string parameter "${name}" is not valid JSON`);
      }
    } else fields[name] = value;
  }
  return checked(fields, 'query string');
}

function checked(fields: Record<string, unknown>, where: string): GraphQLParams {
  const problems: string[] = [];
  const { query, operationName, variables, extensions } = fields;
  if (query !== undefined && typeof query !== 'string') problems.push(`"query" must be a string, got ${describe(query)}`);
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    problems.push(`"operationName" must be a string or null, got ${describe(operationName)}`);
  }
  for (const [name, value] of [['variables', variables], ['extensions', extensions]] as const) {
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      problems.push(`"${name}" must be an object or null, got ${describe(value)}`);
    }
  }
  if (problems.length) throw invalid(`Invalid GraphQL request ${where}: ${problems.join('; ')}`);
  return {
    ...(query !== undefined ? { query: query as string } : {}),
    ...(operationName !== undefined ? { operationName: operationName as string | null } : {}),
    ...(variables !== undefined ? { variables: variables as Record<string, unknown> | null } : {}),
    ...(extensions !== undefined ? { extensions: extensions as Record<string, unknown> | null } : {}),
  };
}

/** The query string Apollo Server reads for a GET request with these parameters. */
export function searchFromParams(params: GraphQLParams): string {
  const search = new URLSearchParams();
  if (params.query !== undefined) search.set('query', params.query);
  if (params.operationName) search.set('operationName', params.operationName);
  if (params.variables) search.set('variables', JSON.stringify(params.variables));
  if (params.extensions && Object.keys(params.extensions).length) search.set('extensions', JSON.stringify(params.extensions));
  const text = search.toString();
  return text ? `?${text}` : '';
}

function invalid(message: string): HttpError {
  return new HttpError(400, ErrorCode.InvalidGraphQLRequest, message);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}
