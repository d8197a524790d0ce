/**
 * Every deliberate error a Meshgate service sends carries one of these codes in
 * `extensions.code`. Anything else is masked before it reaches a client. Where an anchor
 * (Apollo Server, Apollo Router) has a name for the same refusal, the code is that name.
 */
export const ErrorCode = {
  /** The credential is missing where required, malformed, expired or not trusted. */
  AuthError: 'AUTH_ERROR',
  /** The same refusal in Apollo Server's words; the registry's API uses it (HTTP 401). */
  Unauthenticated: 'UNAUTHENTICATED',
  /** A field or type was removed because the caller may not read it. */
  UnauthorizedFieldOrType: 'UNAUTHORIZED_FIELD_OR_TYPE',
  /** A subgraph did not answer, answered late, or answered with an HTTP error. */
  SubgraphUnavailable: 'SUBGRAPH_UNAVAILABLE',
  /** The request itself is malformed (body, content type, size). */
  BadRequest: 'BAD_REQUEST',
  /** An argument is outside what the field accepts. */
  BadUserInput: 'BAD_USER_INPUT',
  /** The request was refused by a subgraph because the gateway's signature was missing or wrong. */
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  InternalServerError: 'INTERNAL_SERVER_ERROR',

  // ---- The HTTP front ----------------------------------------------------------------------
  /** HTTP 413: the body (after decompression) is larger than the limit. */
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** HTTP 415: a content type, charset or content encoding the endpoint does not accept. */
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  /** HTTP 431: more request headers than the limit. */
  RequestHeaderFieldsTooLarge: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
  /** HTTP 405: a method the endpoint does not serve. */
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
  /** HTTP 400: the JSON body is not a GraphQL request (`query` not a string, batched array, …). */
  InvalidGraphQLRequest: 'INVALID_GRAPHQL_REQUEST',
  /** HTTP 400: a request a browser could send cross-site without a preflight (Apollo Server's CSRF rule). */
  CsrfPrevention: 'CSRF_PREVENTION',
  /** HTTP 503: the service is shutting down and takes no new requests. */
  ShuttingDown: 'SHUTTING_DOWN',
  /** HTTP 503: a part of the service cannot answer right now (e.g. the workers' metrics did not all arrive in time); retry later. */
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  /** HTTP 503: the gateway's web app (catalog, IDE) is on but its bundle was never built (`npm run build:web`). */
  CatalogNotBuilt: 'CATALOG_NOT_BUILT',
  /** HTTP 414: a request path longer than the web app serves. */
  UriTooLong: 'URI_TOO_LONG',

  // ---- Parsing, validation and operation limits ----------------------------------------------
  /** The operation is not valid GraphQL syntax (Apollo Server's code). */
  GraphQLParseFailed: 'GRAPHQL_PARSE_FAILED',
  /** The operation does not validate against the schema (Apollo Server's code). */
  GraphQLValidationFailed: 'GRAPHQL_VALIDATION_FAILED',
  /** `operationName` names no operation of the document, or several operations and no name (Apollo Server's code). */
  OperationResolutionFailure: 'OPERATION_RESOLUTION_FAILURE',
  /** More lexical tokens than the parser accepts. */
  MaxTokensLimit: 'MAX_TOKENS_LIMIT',
  /** Nesting of selection sets, lists or objects deeper than the parser accepts. */
  MaxRecursionLimit: 'MAX_RECURSION_LIMIT',
  /** Selection sets nested deeper than the limit (Apollo Router's code). */
  MaxDepthLimit: 'MAX_DEPTH_LIMIT',
  /** More aliases than the limit (Apollo Router's code). */
  MaxAliasesLimit: 'MAX_ALIASES_LIMIT',
  /** More root fields than the limit (Apollo Router's code). */
  MaxRootFieldsLimit: 'MAX_ROOT_FIELDS_LIMIT',
  /** More directives on one node (field, fragment, operation), or in the whole operation, than the limits. */
  MaxDirectivesLimit: 'MAX_DIRECTIVES_LIMIT',
  /** More selections, once every fragment is expanded where it is spread, than the limit. */
  MaxSelectionsLimit: 'MAX_SELECTIONS_LIMIT',
  /** The operation's estimated cost is above the maximum (Apollo Router's demand control code). */
  CostEstimatedTooExpensive: 'COST_ESTIMATED_TOO_EXPENSIVE',

  // ---- Persisted operations and rate limiting ------------------------------------------------
  /** An automatic persisted query's hash is not known yet: send the query with it (Apollo's code). */
  PersistedQueryNotFound: 'PERSISTED_QUERY_NOT_FOUND',
  /** A persisted query was sent where they are not served (Apollo's code). */
  PersistedQueryNotSupported: 'PERSISTED_QUERY_NOT_SUPPORTED',
  /** A persisted-operation id that the manifest does not hold, where no APQ runs (Apollo Router's code). */
  PersistedQueryNotInList: 'PERSISTED_QUERY_NOT_IN_LIST',
  /** The safelist is enforced and the operation's full text is not in the manifest (Apollo Router's code). */
  QueryNotInSafelist: 'QUERY_NOT_IN_SAFELIST',
  /** HTTP 429: the caller spent its request budget; `Retry-After` says when to come back (Apollo Router's code). */
  RequestRateLimited: 'REQUEST_RATE_LIMITED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error that ends an HTTP request before GraphQL runs, with its status and code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Extra `extensions` beside the code (e.g. the limit and the measured value). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toBody(): string {
    return JSON.stringify({ errors: [{ message: this.message, extensions: { code: this.code, ...this.details } }] });
  }
}

/**
 * Codes of errors raised on purpose, whose message is written for the client: Meshgate's own and
 * the ones Apollo Server gives its refusals. INTERNAL_SERVER_ERROR is not one of them: Apollo
 * Server gives it to anything thrown without a code, message and all.
 */
const DELIBERATE_CODES: ReadonlySet<string> = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.InternalServerError),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
]);

/** Whether an error with this `extensions.code` may reach a client as it is. */
export function isDeliberateCode(code: unknown): boolean {
  return typeof code === 'string' && DELIBERATE_CODES.has(code);
}

/**
 * Removes graphql-js's "Did you mean …?" hints: they answer a caller probing for field, type,
 * argument and enum names that introspection (off in production) would not tell them.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean [^?]*\?/g, '');
}
