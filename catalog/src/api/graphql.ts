/**
 * The one way the catalog talks to the gateway: a POST of a typed document to the catalog API
 * (same origin, so no CORS and nothing leaves the gateway's host). Every failure becomes a
 * `CatalogApiError` with a message a person can act on.
 */

/** A GraphQL document that carries its result and variables types. */
export interface Document<TData, TVariables> {
  readonly query: string;
  /** Only for the type checker: never set. */
  readonly __types?: (variables: TVariables) => TData;
}

export function gql<TData, TVariables = Record<string, never>>(query: string): Document<TData, TVariables> {
  return { query };
}

export const CATALOG_ENDPOINT = '/catalog/graphql';

export type FailureKind = 'network' | 'http' | 'graphql';

export class CatalogApiError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    /** The error code the gateway sent (`extensions.code`, or the HTTP refusal's `error.code`). */
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CatalogApiError';
  }
}

interface GraphQLAnswer<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
  /** The gateway's HTTP refusals (401, 413, …): `{ error: { code, message } }`. */
  error?: { code?: string; message?: string };
  /** The catalog API says here why a list is empty (no registry, no measurements yet). */
  extensions?: { notes?: unknown };
}

export interface Answered<TData> {
  data: TData;
  /** `extensions.notes`: why a list in `data` is empty, in words. */
  notes: string[];
}

export async function request<TData, TVariables>(
  document: Document<TData, TVariables>,
  variables: TVariables,
  options: { token?: string | null; signal?: AbortSignal } = {},
): Promise<Answered<TData>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(CATALOG_ENDPOINT, { method: 'POST', headers, body: JSON.stringify({ query: document.query, variables }), signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new CatalogApiError('The gateway could not be reached: is it running?', 'network');
  }
  let answer: GraphQLAnswer<TData>;
  try {
    answer = (await response.json()) as GraphQLAnswer<TData>;
  } catch {
    throw new CatalogApiError(`The gateway answered HTTP ${response.status} without a GraphQL answer`, 'http', undefined, response.status);
  }
  if (answer.error) {
    throw new CatalogApiError(answer.error.message ?? `HTTP ${response.status}`, 'http', answer.error.code, response.status);
  }
  const first = answer.errors?.[0];
  if (first) throw new CatalogApiError(first.message, 'graphql', first.extensions?.code, response.status);
  if (answer.data == null) throw new CatalogApiError(`The gateway answered HTTP ${response.status} without data`, 'http', undefined, response.status);
  const notes = Array.isArray(answer.extensions?.notes) ? answer.extensions.notes.filter((note): note is string => typeof note === 'string') : [];
  return { data: answer.data, notes };
}
