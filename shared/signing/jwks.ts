import { createLocalJWKSet, createRemoteJWKSet, errors, type CompactVerifyGetKey, type JSONWebKeySet } from 'jose';
import { GatewayKeysUnavailableError, type GatewayKeySet } from './ed25519.js';

/**
 * Where a subgraph finds the gateway's public keys: a JWKS given as data (a file read at start-up,
 * tests), or fetched from the gateway's `/.well-known/jwks.json`.
 */

/** A key set given as data; anything but public Ed25519 keys is refused with the reason. */
export function staticGatewayKeys(jwks: unknown, source: string): GatewayKeySet {
  const problem = publicJwksProblem(jwks);
  if (problem) throw new Error(`${source} is not a JWK Set of the gateway's public Ed25519 keys: ${problem}`);
  return { getKey: createLocalJWKSet(jwks as JSONWebKeySet), source };
}

export interface RemoteJwksTuning {
  /** Least time between two fetches triggered by a key id the cached set does not have. Default 5000 ms. */
  cooldownMs?: number;
  /** How long a fetched set is used before it is fetched again. Default 300000 ms (the gateway's `max-age`). */
  cacheMaxAgeMs?: number;
  /** Deadline of one fetch. Default 5000 ms. */
  timeoutMs?: number;
  /** After a failed fetch, how long requests are answered without trying again. Default 1000 ms. */
  retryAfterFailureMs?: number;
}

/**
 * The gateway's key set fetched from `url` with jose's `createRemoteJWKSet`: fetched on first use
 * (so a subgraph may start before the gateway), kept `cacheMaxAgeMs`, fetched again at once for a
 * key id it does not know (a rotated gateway key) but at most once per `cooldownMs`, so made-up key
 * ids cannot turn the subgraph into a load generator against the gateway.
 *
 * Around jose, two rules for when the gateway cannot be reached:
 * - a failed fetch answers the request 401 with the reason (GatewayKeysUnavailableError), and for
 *   `retryAfterFailureMs` further requests fail at once instead of each trying again;
 * - keys fetched before keep verifying while a refetch fails (jose alone would drop the whole set
 *   once it is older than `cacheMaxAgeMs`): an unreachable key endpoint must not stop a mesh whose
 *   keys have not changed. A key stops verifying when a successful fetch no longer lists it.
 */
export function remoteGatewayKeys(url: string, tuning: RemoteJwksTuning = {}): GatewayKeySet {
  const parsed = new URL(url);
  const source = `the gateway's JWKS at ${parsed.href}`;
  const remote = createRemoteJWKSet(parsed, {
    cooldownDuration: tuning.cooldownMs ?? 5_000,
    cacheMaxAge: tuning.cacheMaxAgeMs ?? 300_000,
    timeoutDuration: tuning.timeoutMs ?? 5_000,
  });
  const retryAfterFailureMs = tuning.retryAfterFailureMs ?? 1_000;
  let failure: { at: number; reason: string } | undefined;
  let stale: { json: string; getKey: CompactVerifyGetKey } | undefined;

  // The last set fetched successfully, as a local set (rebuilt only when it changed).
  const lastGood = (): CompactVerifyGetKey | undefined => {
    const jwks = remote.jwks();
    if (!jwks) return undefined;
    const json = JSON.stringify(jwks);
    if (stale?.json !== json) stale = { json, getKey: createLocalJWKSet(jwks) };
    return stale.getKey;
  };

  const getKey: CompactVerifyGetKey = async (header, token) => {
    if (failure && Date.now() - failure.at < retryAfterFailureMs) {
      const known = lastGood();
      if (known) return known(header, token);
      throw new GatewayKeysUnavailableError(failure.reason);
    }
    try {
      const key = await remote(header, token);
      failure = undefined;
      return key;
    } catch (error) {
      // These say something about the request's key id, not about reaching the gateway.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) throw error;
      failure = { at: Date.now(), reason: `cannot get ${source}: ${fetchProblem(error)}` };
      const known = lastGood();
      if (known) return known(header, token);
      throw new GatewayKeysUnavailableError(failure.reason, { cause: error });
    }
  };
  return { getKey, source };
}

/** Why a fetch failed, in words an operator can act on. */
function fetchProblem(error: unknown): string {
  if (error instanceof errors.JWKSTimeout) return 'no answer in time (is the gateway up?)';
  if (error instanceof errors.JWKSInvalid) return 'the answer is not a JWK Set';
  if (error instanceof errors.JOSEError) return error.message;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return `${cause.code} (is the gateway up, and is MESHGATE_GATEWAY_JWKS_URL its address?)`;
  return error instanceof Error ? error.message : String(error);
}

// Members only a private key has (RFC 7518 section 6, RFC 8037).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** What is wrong with `value` as the gateway's public key set, or undefined when nothing is. */
export function publicJwksProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `expected an object {"keys": [...]}, got ${Array.isArray(value) ? 'an array' : String(value === null ? null : typeof value)}`;
  const keys = (value as Record<string, unknown>).keys;
  if (!Array.isArray(keys)) return 'expected a "keys" array';
  if (keys.length === 0) return 'the "keys" array is empty: no gateway request could be verified';
  for (const [index, entry] of keys.entries()) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `keys[${index}] is not an object`;
    const jwk = entry as Record<string, unknown>;
    const secret = PRIVATE_MEMBERS.filter((member) => Object.hasOwn(jwk, member));
    if (secret.length) return `keys[${index}] holds private key material (${secret.map((m) => `"${m}"`).join(', ')}): give subgraphs only the public keys (the gateway's /.well-known/jwks.json)`;
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') return `keys[${index}] is not an Ed25519 public key (expected kty "OKP", crv "Ed25519" and "x")`;
    if (typeof jwk.kid !== 'string') return `keys[${index}] has no "kid": the gateway names each key by its thumbprint`;
  }
  return undefined;
}
