import { errors } from 'jose';
import { ErrorCode, HttpError } from '../../../shared/errors.js';
import { ClaimShapeError } from './scopes.js';
import { KeySetUnavailableError } from './verification-keys.js';

/**
 * The 401 every refused credential gets. The description says what was wrong so an operator can
 * fix the client; it never contains the token, and values copied from the token (kid, iss, aud)
 * go through {@link quote}, which bounds and cleans them.
 */
export function authError(description: string): HttpError {
  return new HttpError(401, ErrorCode.AuthError, `Invalid credential: ${description}`, {
    'www-authenticate': `Bearer error="invalid_token", error_description="${headerSafe(description)}"`,
  });
}

/** RFC 6750 section 3 allows only %x20-21 / %x23-5B / %x5D-7E in error_description. */
function headerSafe(text: string): string {
  return text.replace(/"/g, "'").replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?');
}

/** A value taken from an untrusted token, quoted, printable and at most 64 characters. */
export function quote(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'nothing' : JSON.stringify(value)?.slice(0, 64) ?? typeof value;
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return `"${clean.length > 64 ? `${clean.slice(0, 61)}...` : clean}"`;
}

export interface FailureContext {
  /** Header of the token being verified (already decoded, so its kid and alg can be named). */
  kid: unknown;
  alg: string;
  issuer?: string;
  audience?: string;
  clockSkewSeconds: number;
  /** "the configured secret", "the key set", "the key set file". */
  keyDescription: string;
}

/**
 * Turns whatever verification threw into the 401 that explains it. Errors that are not about the
 * credential (a bug) are returned unchanged so they reach the generic 500 path and are masked.
 */
export function describeFailure(error: unknown, context: FailureContext): unknown {
  if (error instanceof HttpError) return error;
  if (error instanceof ClaimShapeError) return authError(error.message);
  if (error instanceof KeySetUnavailableError) {
    return authError('the token could not be verified because the key set could not be fetched');
  }
  if (error instanceof errors.JWTExpired) {
    return authError(`the token expired at ${isoDate(error.payload.exp)}, beyond the allowed clock skew of ${context.clockSkewSeconds} s`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) return authError(claimFailure(error, context));
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return authError(`the signature does not verify with ${context.keyDescription}`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    const kid = context.kid === undefined ? 'no kid' : `kid ${quote(context.kid)}`;
    return authError(`no key in ${context.keyDescription} matches the token's ${kid} and algorithm ${quote(context.alg)}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return authError(`algorithm ${quote(context.alg)} is not supported for this key`);
  }
  if (error instanceof errors.JWKSInvalid || error instanceof errors.JWKInvalid) {
    return authError(`${context.keyDescription} holds no usable key for this token (${error.message})`);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return authError(`the token is malformed: ${error.message}`);
  }
  return error;
}

function claimFailure(error: InstanceType<typeof errors.JWTClaimValidationFailed>, context: FailureContext): string {
  const { claim, reason, payload } = error;
  if (reason === 'missing') {
    if (claim === 'exp') return 'the token has no "exp" claim; tokens that never expire are not accepted';
    if (claim === 'iss') return `the token has no "iss" claim; expected issuer ${quote(context.issuer)}`;
    if (claim === 'aud') return `the token has no "aud" claim; expected audience ${quote(context.audience)}`;
    return `the token has no "${claim}" claim`;
  }
  if (reason === 'invalid') return `the "${claim}" claim must be a number of seconds since the epoch, got ${quote(payload[claim])}`;
  switch (claim) {
    case 'iss':
      return `expected issuer ${quote(context.issuer)}, got ${quote(payload.iss)}`;
    case 'aud':
      return `expected audience ${quote(context.audience)}, got ${quote(payload.aud)}`;
    case 'nbf':
      return `the token is not valid before ${isoDate(payload.nbf)}, beyond the allowed clock skew of ${context.clockSkewSeconds} s`;
    default:
      return `the "${claim}" claim failed its check`;
  }
}

function isoDate(seconds: unknown): string {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : quote(seconds);
}
