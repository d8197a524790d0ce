import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { compactVerify, errors, type CompactVerifyGetKey } from 'jose';
import type { Principal } from '../principal.js';
import {
  DEFAULT_SIGNATURE_MAX_AGE_SECONDS,
  SIGNATURE_HEADERS,
  acceptSigned,
  clip,
  encodePrincipal,
  readSignatureHeaders,
  refuse,
  signingInput,
  timestampOf,
  type IncomingHeaders,
  type Verification,
} from './headers.js';

/**
 * The Ed25519 scheme (`MESHGATE_SIGNING=ed25519`, the default): the gateway signs with its
 * private key, every subgraph verifies against the gateway's public keys (its JWKS at
 * `/.well-known/jwks.json`). No subgraph holds anything that can sign, and every signature names
 * the one subgraph it is for, so a compromised subgraph can neither forge a gateway request nor
 * replay one it received to another subgraph.
 *
 * `x-meshgate-signature: v2=<protected>..<signature>` is a JWS with a detached payload (RFC 7515
 * appendix F), so any JOSE library can check it, in whatever language a subgraph is written:
 * - protected: base64url JSON `{"alg":"EdDSA","kid":<key id>,"aud":<subgraph name>,"crit":["aud"]}`;
 *   `kid` is the RFC 7638 thumbprint of the signing key, `aud` the name of the subgraph the request
 *   is for (as in the supergraph), marked critical so a verifier that ignores it refuses the JWS;
 * - payload (not sent; the verifier rebuilds it): base64url of the signing input of headers.ts,
 *   `timestamp "\n" sha256hex(content) "\n" principalToken`, from the other two headers and the request;
 * - signature: Ed25519 (RFC 8037) over `protected "." payload`, base64url.
 * A verifier checks the signature with the key `kid` names, then that `aud` is its own name, then the age.
 */

/** A public Ed25519 key as the gateway publishes it. */
export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

/** One of the gateway's keys: the private half signs, the public half is published under `kid`. */
export interface SigningKey {
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: Ed25519PublicJwk;
}

/** The key object must be an Ed25519 private key; the error says what it is instead, never its value. */
export function signingKeyFrom(privateKey: KeyObject): SigningKey {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`expected an Ed25519 private key, got ${describeKey(privateKey)}`);
  }
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  const kid = ed25519Thumbprint(x!);
  return { kid, privateKey, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: x!, kid, alg: 'EdDSA', use: 'sig' } };
}

/** A fresh key pair (the gateway's ephemeral key outside production, tests). */
export function generateSigningKey(): SigningKey {
  return signingKeyFrom(generateKeyPairSync('ed25519').privateKey);
}

/**
 * RFC 7638 thumbprint of an Ed25519 public key: sha256 of the JSON of its required members in
 * lexicographic order, base64url. Computed here, synchronously, because configuration loads
 * synchronously; the tests check it against jose's `calculateJwkThumbprint`.
 */
export function ed25519Thumbprint(x: string): string {
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
}

/** The JWK Set the gateway publishes: every key's public half, the signing key first. */
export function publicJwks(keys: readonly SigningKey[]): { keys: Ed25519PublicJwk[] } {
  return { keys: keys.map((key) => ({ ...key.publicJwk })) };
}

export interface Ed25519SignOptions {
  /** The exact bytes that will be sent (see `signedContent`). */
  body: string | Uint8Array;
  principal: Principal;
  /** The name of the subgraph the request is for. */
  audience: string;
  key: SigningKey;
  /** Clock in milliseconds since the epoch. Default `Date.now()`. */
  now?: number;
}

/**
 * The headers to add to one subgraph request. Signed with node:crypto rather than jose: jose signs
 * through WebCrypto, which is asynchronous, and the gateway's request hook is synchronous (an
 * Ed25519 signature takes microseconds; it does not need a trip through the thread pool).
 */
export function signEd25519(options: Ed25519SignOptions): Record<string, string> {
  const timestamp = timestampOf(options.now ?? Date.now());
  const principalToken = encodePrincipal(options.principal);
  const header = base64url(JSON.stringify({ alg: 'EdDSA', kid: options.key.kid, aud: options.audience, crit: ['aud'] }));
  const payload = base64url(signingInput(timestamp, options.body, principalToken));
  const signature = sign(null, Buffer.from(`${header}.${payload}`), options.key.privateKey).toString('base64url');
  return {
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.principal]: principalToken,
    [SIGNATURE_HEADERS.signature]: `v2=${header}..${signature}`,
  };
}

/** Where a verifier finds the gateway's public keys (jwks.ts builds these). */
export interface GatewayKeySet {
  /** Resolves the key a JWS header names; throws jose's JWKSNoMatchingKey for an unknown `kid`. */
  getKey: CompactVerifyGetKey;
  /** For refusals: "the gateway's JWKS at http://…" or "the JWKS file …". */
  source: string;
}

export interface Ed25519VerifyOptions {
  headers: IncomingHeaders;
  /** The exact bytes received (see `signedContent`). */
  rawBody: string | Uint8Array;
  /** The verifier's own name: a signature for any other subgraph is refused. */
  audience: string;
  keys: GatewayKeySet;
  /** Clock in milliseconds since the epoch. Default `Date.now()`. */
  now?: number;
  /** Largest accepted distance between the signature's timestamp and `now`. Default 60. */
  maxAgeSeconds?: number;
}

const SIGNATURE = /^v2=([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]+)$/;

/** Checks one incoming request's signature; a refusal says what was expected and what arrived. */
export async function verifyEd25519(options: Ed25519VerifyOptions): Promise<Verification> {
  const read = readSignatureHeaders(options.headers);
  if (!read.ok) return read;
  const { values } = read;
  const presented = SIGNATURE.exec(values.signature);
  if (!presented) {
    if (values.signature.startsWith('v1=')) {
      return refuse(`${SIGNATURE_HEADERS.signature} is an HMAC signature (v1=, MESHGATE_SIGNING=hmac) but this subgraph verifies Ed25519 (v2=): give the gateway and the subgraphs the same MESHGATE_SIGNING`);
    }
    return refuse(`malformed ${SIGNATURE_HEADERS.signature} "${clip(values.signature)}": expected "v2=" and a JWS with a detached payload (<protected>..<signature>)`);
  }
  const [, header, signature] = presented;
  const payload = base64url(signingInput(values.timestamp, options.rawBody, values.principal));
  let audience: unknown;
  try {
    const verified = await compactVerify(`${header}.${payload}.${signature}`, options.keys.getKey, { algorithms: ['EdDSA'], crit: { aud: true } });
    audience = verified.protectedHeader.aud;
  } catch (error) {
    return refuse(refusalOf(error, header, options.keys));
  }
  // The header is authentic now: a signature for another subgraph is a replay, not a forgery.
  if (typeof audience !== 'string') return refuse(`signature names no subgraph ("aud" in its protected header): expected "${options.audience}"`);
  if (audience !== options.audience) {
    return refuse(`signature is for subgraph ${JSON.stringify(audience)}, not for this one ("${options.audience}"): a request signed for one subgraph cannot be replayed to another`);
  }
  return acceptSigned(values, options.now ?? Date.now(), options.maxAgeSeconds ?? DEFAULT_SIGNATURE_MAX_AGE_SECONDS);
}

/** The gateway's JWKS could not be obtained (network, timeout, non-200, not a key set). */
export class GatewayKeysUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatewayKeysUnavailableError';
  }
}

function refusalOf(error: unknown, header: string, keys: GatewayKeySet): string {
  if (error instanceof GatewayKeysUnavailableError) return error.message;
  if (error instanceof errors.JWKSNoMatchingKey) {
    return `signed with key ${JSON.stringify(clip(String(protectedHeader(header)?.kid ?? '(no kid)'), 64))}, which is not among the gateway keys this subgraph trusts (${keys.source}): signed by another gateway, or with a key retired since`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'signature does not match the request: body, principal, timestamp or audience changed, or signed with another key';
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return `signature algorithm ${JSON.stringify(clip(String(protectedHeader(header)?.alg)))} is not accepted: expected EdDSA (Ed25519)`;
  }
  if (error instanceof errors.JOSEError) return `malformed ${SIGNATURE_HEADERS.signature}: ${error.message}`;
  // Anything else is a bug in this process, not in the request: say so rather than blame the caller.
  throw error;
}

function protectedHeader(header: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** "an RSA private key", "an Ed25519 public key", "a secret key": what a key is, never what it holds. */
export function describeKey(key: KeyObject): string {
  if (key.type === 'secret') return 'a secret (symmetric) key';
  const names: Record<string, string> = { ed25519: 'Ed25519', ed448: 'Ed448', x25519: 'X25519', x448: 'X448', 'rsa-pss': 'RSA-PSS' };
  const type = key.asymmetricKeyType ?? 'unknown';
  const kind = names[type] ?? type.toUpperCase();
  // Read out loud, RSA, EC, Ed… and X… begin with a vowel sound.
  return `${/^[AEIORX]/.test(kind) ? 'an' : 'a'} ${kind} ${key.type} key`;
}
