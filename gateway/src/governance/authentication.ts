import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { ANONYMOUS, type Principal } from '../../../shared/principal.js';
import { authError, describeFailure, quote, type FailureContext } from './authentication-errors.js';
import { extractScopes } from './scopes.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
import { fileKeySet, remoteKeySet, secretKey, type VerificationKeys } from './verification-keys.js';

export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

/** What every kind of verification shares. */
export interface CommonAuthenticationOptions {
  /** The `iss` a token must carry. Default: not checked. */
  issuer?: string;
  /** An `aud` a token must carry (one of, when `aud` is an array). Default: not checked. */
  audience?: string;
  /** Tolerance for `exp` and `nbf` against this host's clock, in seconds. Default 30. */
  clockSkewSeconds?: number;
  /** Claim paths whose union is the principal's scopes; dotted paths reach nested claims. Default `['scope']`. */
  scopeClaims?: readonly string[];
  /** How many verified tokens to remember until their `exp`; 0 turns the cache off. Default 1000. */
  verifiedTokenCacheSize?: number;
  /** Current time in milliseconds; tests pass a fixed clock. Default `Date.now`. */
  clock?: () => number;
}

/** Tokens signed with a shared secret (the development setup and simple deployments). */
export interface SecretAuthenticationOptions extends CommonAuthenticationOptions {
  kind: 'hs256';
  /** At least 32 bytes (RFC 7518 section 3.2). */
  secret: string;
  /** Algorithms accepted. Default `['HS256']`. */
  algorithms?: readonly HmacAlgorithm[];
}

/** Tokens signed by an identity provider that publishes its public keys as a JWKS. */
export interface RemoteJwksAuthenticationOptions extends CommonAuthenticationOptions {
  kind: 'jwks';
  /** http(s) URL of the key set. */
  url: string;
  /** Algorithms accepted. Default `['RS256', 'ES256']`. */
  algorithms?: readonly AsymmetricAlgorithm[];
  /** After a fetch, an unknown `kid` does not cause another fetch for this long. Default 30 (jose's default). */
  cooldownSeconds?: number;
  /** The fetched set is reused this long before it is fetched again. Default 600 (jose's default). */
  cacheMaxAgeSeconds?: number;
  /** A fetch that takes longer fails. Default 5000. */
  timeoutMs?: number;
}

/** Tokens verified with a key set read once, at creation, from a file. */
export interface FileJwksAuthenticationOptions extends CommonAuthenticationOptions {
  kind: 'jwks-file';
  path: string;
  /** Algorithms accepted. Default `['RS256', 'ES256']`. */
  algorithms?: readonly AsymmetricAlgorithm[];
}

/**
 * How credentials are verified. A union, so a secret cannot be combined with a key set, nor an
 * HMAC algorithm allowed for a key set (the classic "public key used as HMAC secret" confusion).
 */
export type AuthenticationOptions = SecretAuthenticationOptions | RemoteJwksAuthenticationOptions | FileJwksAuthenticationOptions;

export interface Authenticator {
  /**
   * The principal for a request's `Authorization` header value: ANONYMOUS when there is none;
   * otherwise a verified principal, or an `HttpError` 401 `AUTH_ERROR` for anything invalid.
   */
  authenticate(authorizationHeader: string | undefined): Promise<Principal>;
}

/** What an authenticator tells its owner as it works (metrics). */
export interface AuthenticatorHooks {
  /** Each bearer token looked up in the verified-token cache (when the cache is on): hit or miss. */
  onCacheLookup?: (hit: boolean) => void;
}

/** Builds the authenticator once at start-up; a wrong option throws here, not per request. */
export function createAuthenticator(options: AuthenticationOptions, hooks: AuthenticatorHooks = {}): Authenticator {
  const { keys, algorithms } = prepare(options);
  const clockSkewSeconds = options.clockSkewSeconds ?? 30;
  if (!Number.isFinite(clockSkewSeconds) || clockSkewSeconds < 0) {
    throw new Error(`clockSkewSeconds must be a number of seconds, 0 or more, got ${clockSkewSeconds}`);
  }
  const scopeClaims = options.scopeClaims ?? ['scope'];
  if (scopeClaims.length === 0) throw new Error('scopeClaims must name at least one claim, got an empty list');
  const clock = options.clock ?? Date.now;
  const cache = new VerifiedTokenCache(options.verifiedTokenCacheSize ?? 1000);
  const onCacheLookup = (options.verifiedTokenCacheSize ?? 1000) > 0 ? hooks.onCacheLookup : undefined;
  const keyDescription = keys.kind === 'secret' ? 'the configured secret' : keys.description;

  const verify = async (token: string): Promise<{ principal: Principal; expiresAtMs: number }> => {
    const header = decodeHeader(token);
    const context: FailureContext = { kid: header.kid, alg: header.alg, issuer: options.issuer, audience: options.audience, clockSkewSeconds, keyDescription };
    if (!algorithms.includes(header.alg)) {
      throw authError(`algorithm ${quote(header.alg)} is not allowed here; expected one of ${algorithms.join(', ')}`);
    }
    const verifyOptions: JWTVerifyOptions = {
      algorithms: [...algorithms],
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: clockSkewSeconds,
      // Without `exp` a stolen token is good forever, and the cache would have no end for it.
      requiredClaims: ['exp'],
      currentDate: new Date(clock()),
    };
    try {
      const payload = await verifyWith(keys, token, verifyOptions);
      return { principal: toPrincipal(payload, scopeClaims), expiresAtMs: (payload.exp as number) * 1000 };
    } catch (error) {
      throw describeFailure(error, context);
    }
  };

  return {
    async authenticate(authorizationHeader) {
      if (authorizationHeader === undefined) return ANONYMOUS;
      const token = bearerToken(authorizationHeader);
      const cached = cache.get(token, clock());
      onCacheLookup?.(cached !== undefined);
      if (cached !== undefined) return cached;
      const { principal, expiresAtMs } = await verify(token);
      cache.set(token, principal, expiresAtMs, clock());
      return principal;
    },
  };
}

function prepare(options: AuthenticationOptions): { keys: VerificationKeys; algorithms: readonly string[] } {
  switch (options.kind) {
    case 'hs256':
      return { keys: secretKey(options.secret), algorithms: allowList(options.algorithms, ['HS256'], HMAC_ALGORITHMS, 'hs256') };
    case 'jwks':
      return {
        keys: remoteKeySet(options.url, options),
        algorithms: allowList(options.algorithms, ['RS256', 'ES256'], ASYMMETRIC_ALGORITHMS, 'jwks'),
      };
    case 'jwks-file':
      return { keys: fileKeySet(options.path), algorithms: allowList(options.algorithms, ['RS256', 'ES256'], ASYMMETRIC_ALGORITHMS, 'jwks-file') };
    default: {
      const unreachable: never = options;
      throw new Error(`Unknown authentication kind ${JSON.stringify((unreachable as { kind: unknown }).kind)}: expected hs256, jwks or jwks-file`);
    }
  }
}

/** The types already rule out a wrong family; this also catches JavaScript callers and empty lists. */
function allowList(given: readonly string[] | undefined, fallback: readonly string[], family: readonly string[], kind: string): readonly string[] {
  const list = given ?? fallback;
  if (list.length === 0) throw new Error(`algorithms for ${kind} must name at least one algorithm, got an empty list`);
  const foreign = list.filter((alg) => !family.includes(alg));
  if (foreign.length > 0) throw new Error(`algorithms for ${kind} must be among ${family.join(', ')}, got ${foreign.join(', ')}`);
  return list;
}

/** The token of a `Bearer <token>` header (RFC 6750 section 2.1; the scheme is case-insensitive). */
function bearerToken(header: string): string {
  const trimmed = header.trim();
  if (trimmed === '') throw authError('the Authorization header is empty; expected "Bearer <token>"');
  const [scheme = '', ...rest] = trimmed.split(/\s+/);
  if (scheme.toLowerCase() !== 'bearer') {
    // A bare token has no scheme; only something shaped like a scheme name is repeated back.
    const named = /^[A-Za-z][A-Za-z0-9-]{0,19}$/.test(scheme) ? `the "${scheme}" scheme` : 'no recognisable scheme';
    throw authError(`expected the Authorization header "Bearer <token>", got ${named}`);
  }
  if (rest.length === 0) throw authError('expected "Bearer <token>", got "Bearer" with no token');
  if (rest.length > 1) throw authError(`expected one token after "Bearer", got ${rest.length} space-separated values`);
  return rest[0] as string;
}

function decodeHeader(token: string): { alg: string; kid: unknown } {
  const segments = token.split('.').length;
  if (segments === 5) throw authError('encrypted tokens (JWE) are not accepted; expected a signed JWT');
  if (segments !== 3) throw authError(`expected a JWT of three base64url segments separated by dots, got ${segments} segment(s)`);
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw authError('the token header is not base64url-encoded JSON');
  }
  if (typeof header.alg !== 'string' || header.alg === '') throw authError('the token header has no "alg"');
  if (header.alg.toLowerCase() === 'none') throw authError('unsigned tokens (alg "none") are not accepted');
  return { alg: header.alg, kid: header.kid };
}

async function verifyWith(keys: VerificationKeys, token: string, options: JWTVerifyOptions): Promise<JWTPayload> {
  switch (keys.kind) {
    case 'secret':
      return (await jwtVerify(token, keys.key, options)).payload;
    case 'key-set':
      try {
        return (await jwtVerify(token, keys.getKey, options)).payload;
      } catch (error) {
        // Without a kid, several keys of the right type may match; jose hands them over to try in turn.
        if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
        for await (const key of error) {
          try {
            return (await jwtVerify(token, key, options)).payload;
          } catch (inner) {
            if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
          }
        }
        throw new errors.JWSSignatureVerificationFailed();
      }
    default: {
      const unreachable: never = keys;
      throw new Error(`Unknown key source ${JSON.stringify(unreachable)}`);
    }
  }
}

function toPrincipal(payload: JWTPayload, scopeClaims: readonly string[]): Principal {
  if (payload.sub !== undefined && typeof payload.sub !== 'string') {
    throw authError(`the "sub" claim must be a string, got ${quote(payload.sub)}`);
  }
  const scopes = extractScopes(payload, scopeClaims);
  // The principal may be served from the cache to many requests, so nothing in it may change.
  const claims = deepFreeze({ ...payload });
  return Object.freeze({
    authenticated: true,
    ...(payload.sub !== undefined ? { subject: payload.sub } : {}),
    scopes: Object.freeze(scopes),
    claims,
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
