import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** Where the keys that verify tokens come from; built once, when the authenticator is created. */
export type VerificationKeys =
  | { kind: 'secret'; key: Uint8Array }
  | { kind: 'key-set'; getKey: JWTVerifyGetKey; description: string };

/** The remote key set could not be fetched (network, timeout, non-200, not JSON). */
export class KeySetUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the key set could not be fetched', { cause });
    this.name = 'KeySetUnavailableError';
  }
}

/** HS256 needs a key at least as long as the hash output (RFC 7518 section 3.2). */
export const MIN_HMAC_SECRET_BYTES = 32;

export function secretKey(secret: string): VerificationKeys {
  const key = new TextEncoder().encode(secret);
  if (key.length < MIN_HMAC_SECRET_BYTES) {
    throw new Error(`The HS256 secret must be at least ${MIN_HMAC_SECRET_BYTES} bytes (RFC 7518 section 3.2), got ${key.length} bytes`);
  }
  return { kind: 'secret', key };
}

export interface RemoteKeySetTuning {
  cooldownSeconds?: number;
  cacheMaxAgeSeconds?: number;
  timeoutMs?: number;
}

/**
 * A key set fetched from `url` by jose's `createRemoteJWKSet`. Its behaviour, read from jose 6:
 * the set is fetched on first use and reused for `cacheMaxAge` (default 600 s), after which the
 * next verification fetches again. A token whose `kid` is not in the set triggers one refetch,
 * but only when the last fetch is older than `cooldownDuration` (default 30 s); inside the
 * cooldown an unknown `kid` fails at once, so a flood of tokens with made-up key ids cannot turn
 * the gateway into a load generator against the identity provider. Concurrent verifications
 * share one in-flight fetch. When a refetch fails after `cacheMaxAge`, verification fails too
 * (jose does not serve a stale set), which this module reports as {@link KeySetUnavailableError}.
 */
export function remoteKeySet(url: string, tuning: RemoteKeySetTuning = {}): VerificationKeys {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`The JWKS URL must be an absolute http:// or https:// URL, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`The JWKS URL must start with http:// or https://, got "${parsed.protocol}//"`);
  }
  const remote = createRemoteJWKSet(parsed, {
    cooldownDuration: (tuning.cooldownSeconds ?? 30) * 1000,
    cacheMaxAge: (tuning.cacheMaxAgeSeconds ?? 600) * 1000,
    timeoutDuration: tuning.timeoutMs ?? 5000,
  });
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      // These say something about the token (or the set's content); everything else means the
      // set could not be obtained at all: fetch errors, timeouts, a non-200 answer, bad JSON.
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys ||
        error instanceof errors.JOSENotSupported ||
        error instanceof errors.JWKSInvalid
      ) {
        throw error;
      }
      throw new KeySetUnavailableError(error);
    }
  };
  return { kind: 'key-set', getKey, description: 'the key set' };
}

/** A key set read once from a file; a file that is not a public JWKS is refused with the reason. */
export function fileKeySet(path: string): VerificationKeys {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the JWKS file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`The JWKS file ${path} is not JSON: ${(error as Error).message}`);
  }
  const problem = jwksProblem(json);
  if (problem !== undefined) throw new Error(`The JWKS file ${path} is not a usable JSON Web Key Set: ${problem}`);
  try {
    return { kind: 'key-set', getKey: createLocalJWKSet(json as JSONWebKeySet), description: 'the key set file' };
  } catch (error) {
    throw new Error(`The JWKS file ${path} is not a usable JSON Web Key Set: ${(error as Error).message}`);
  }
}

// Members that only a private or symmetric key has (RFC 7518 section 6).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];

/** What is wrong with `value` as a public JWKS, or undefined when nothing is. */
export function jwksProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `expected an object {"keys": [...]}, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`;
  }
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, 'keys')) {
    return typeof record.kty === 'string'
      ? `expected a key set {"keys": [...]}, got a single JWK (kty "${record.kty}"); wrap it in {"keys": [ ... ]}`
      : `expected an object with a "keys" array, got an object with ${describeMembers(record)}`;
  }
  if (!Array.isArray(record.keys)) return `expected "keys" to be an array, got ${typeof record.keys}`;
  if (record.keys.length === 0) return 'the "keys" array is empty; a token could never be verified';
  for (const [index, key] of record.keys.entries()) {
    if (key === null || typeof key !== 'object' || Array.isArray(key)) return `keys[${index}] is not an object`;
    const jwk = key as Record<string, unknown>;
    const name = typeof jwk.kid === 'string' ? `keys[${index}] (kid "${jwk.kid}")` : `keys[${index}]`;
    if (typeof jwk.kty !== 'string') return `${name} has no "kty" member`;
    if (jwk.kty === 'oct') return `${name} is a symmetric ("oct") key; a key set holds public keys, use a shared secret (JWT_SECRET) for HMAC`;
    const secret = PRIVATE_MEMBERS.filter((member) => Object.hasOwn(jwk, member));
    if (secret.length > 0) return `${name} holds private key material (${secret.map((m) => `"${m}"`).join(', ')}); publish only the public key`;
  }
  return undefined;
}

function describeMembers(record: Record<string, unknown>): string {
  const names = Object.keys(record);
  return names.length === 0 ? 'no members' : `members ${names.slice(0, 5).map((n) => `"${n}"`).join(', ')}`;
}
