/**
 * Every deliberate error a Meshgate service sends carries one of these codes in
 * `extensions.code`. Anything else is masked before it reaches a client.
 */
export const ErrorCode = {
  /** The credential is missing where required, malformed, expired or not trusted. */
  AuthError: 'AUTH_ERROR',
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
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error that ends an HTTP request before GraphQL runs, with its status and code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toBody(): string {
    return JSON.stringify({ errors: [{ message: this.message, extensions: { code: this.code } }] });
  }
}
