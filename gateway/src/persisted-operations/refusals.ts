import { ErrorCode, HttpError } from '../../../shared/errors.js';

/**
 * The refusals of the persisted-operations stage. Where Apollo Server or Apollo Router has an
 * answer for the same case, the status, code and message are theirs (clients and their retry logic
 * match on them); the rest say what was expected and what arrived.
 */

/**
 * Apollo Server and Apollo Router send this on every persisted-query refusal a client may outlive
 * (a miss is about to be registered, a manifest may be about to catch up): no cache may keep it.
 */
const DONT_CACHE = { 'cache-control': 'private, no-cache, must-revalidate' } as const;

/** APQ miss: Apollo Server's `PersistedQueryNotFoundError`, HTTP 200, so Apollo Client retries with the full query. */
export function persistedQueryNotFound(): HttpError {
  return new HttpError(200, ErrorCode.PersistedQueryNotFound, 'PersistedQueryNotFound', { ...DONT_CACHE });
}

/** No manifest and no APQ: Apollo Server's `PersistedQueryNotSupportedError`, HTTP 200; Apollo Client then stops hashing and resends in full. */
export function persistedQueryNotSupported(): HttpError {
  return new HttpError(200, ErrorCode.PersistedQueryNotSupported, 'PersistedQueryNotSupported', { ...DONT_CACHE });
}

/** An id outside the manifest where APQ does not run: Apollo Router's answer, HTTP 404, `operation_name` when sent. */
export function persistedQueryNotInList(id: string, operationName: string | null | undefined): HttpError {
  return new HttpError(
    404,
    ErrorCode.PersistedQueryNotInList,
    `Persisted query '${id}' not found in the persisted query list`,
    { ...DONT_CACHE },
    operationName ? { operation_name: operationName } : {},
  );
}

/** A full operation text outside the manifest while the safelist is enforced: Apollo Router's status (403), code and message. */
export function operationNotInSafelist(): HttpError {
  return new HttpError(403, ErrorCode.QueryNotInSafelist, 'The operation body was not found in the persisted query safelist', {
    ...DONT_CACHE,
  });
}

/** Apollo Server answers 400 'Unsupported persisted query version' (with no code of its own). */
export function unsupportedVersion(version: unknown): HttpError {
  return new HttpError(
    400,
    ErrorCode.BadRequest,
    `Unsupported persisted query version: expected extensions.persistedQuery.version 1, got ${describe(version)}`,
  );
}

export function malformedPersistedQuery(field: string, value: unknown): HttpError {
  return new HttpError(400, ErrorCode.BadRequest, `expected extensions.persistedQuery${field} to be a non-empty string, got ${describe(value)}`);
}

/** Apollo Server answers 400 'provided sha does not match query' (with no code of its own) and stores nothing. */
export function hashMismatch(sent: string, computed: string): HttpError {
  return new HttpError(
    400,
    ErrorCode.BadRequest,
    `provided sha does not match query: extensions.persistedQuery.sha256Hash is ${sent}, the query's SHA-256 is ${computed}`,
  );
}

/** An id from the manifest sent with a different text: which one was meant cannot be told. */
export function bodyDiffersFromManifest(id: string): HttpError {
  return new HttpError(
    400,
    ErrorCode.BadRequest,
    `The query sent with persisted query '${id}' differs from that operation's body in the manifest: send the id alone, or the manifest's text`,
  );
}

/** Apollo Router refuses an id with a body when APQ is off (its code CANNOT_SEND_PQ_ID_AND_BODY; ErrorCode has BAD_REQUEST). */
export function idAndBodyWithoutApq(id: string): HttpError {
  return new HttpError(
    400,
    ErrorCode.BadRequest,
    `Sending a persisted query ID and a body in the same request is disallowed: '${id}' is not in the persisted query list and automatic persisted queries are off, so send the query alone`,
  );
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
