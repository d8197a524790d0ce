import { createHmac, timingSafeEqual } from 'node:crypto';
import { isPublicSecret } from '../config/public-secrets.js';
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
 * The HMAC scheme (`MESHGATE_SIGNING=hmac`): the gateway and every subgraph share a secret.
 * Kept as an option for meshes that already run on it; it cannot tell subgraphs apart, so any
 * holder of the secret can forge gateway requests to every other subgraph (ed25519.ts cannot).
 *
 * Signature: `v1=` + hex HMAC-SHA256 over the signing input of headers.ts.
 */

/** One secret, or several for rotation: the first signs, any of them verifies. */
export type SigningSecrets = string | readonly string[];

export interface HmacSignOptions {
  /** The exact bytes that will be sent (see `signedContent`). */
  body: string | Uint8Array;
  principal: Principal;
  secret: SigningSecrets;
  /** Clock in milliseconds since the epoch. Default `Date.now()`. */
  now?: number;
}

export interface HmacVerifyOptions {
  headers: IncomingHeaders;
  /** The exact bytes received (see `signedContent`). */
  rawBody: string | Uint8Array;
  secret: SigningSecrets;
  /** Clock in milliseconds since the epoch. Default `Date.now()`. */
  now?: number;
  /** Largest accepted distance between the signature's timestamp and `now`. Default 60. */
  maxAgeSeconds?: number;
}

/** The headers to add to one subgraph request. */
export function signHmac(options: HmacSignOptions): Record<string, string> {
  const [signingSecret] = secretList(options.secret);
  const timestamp = timestampOf(options.now ?? Date.now());
  const principalToken = encodePrincipal(options.principal);
  return {
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.principal]: principalToken,
    [SIGNATURE_HEADERS.signature]: `v1=${hmac(signingSecret, timestamp, options.body, principalToken).toString('hex')}`,
  };
}

const SIGNATURE = /^v1=([0-9a-f]{64})$/;

/** Checks one incoming request's signature; a refusal says what was expected and what arrived. */
export function verifyHmac(options: HmacVerifyOptions): Verification {
  const secrets = secretList(options.secret);
  const read = readSignatureHeaders(options.headers);
  if (!read.ok) return read;
  const { values } = read;
  const presented = SIGNATURE.exec(values.signature);
  if (!presented) return refuse(`malformed ${SIGNATURE_HEADERS.signature} "${clip(values.signature)}": expected "v1=" and 64 hex digits (MESHGATE_SIGNING=hmac)`);

  const presentedBytes = Buffer.from(presented[1], 'hex');
  // Every secret is tried, without stopping at the first match, so timing reveals nothing about which one matched.
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(hmac(secret, values.timestamp, options.rawBody, values.principal), presentedBytes)) matched = true;
  }
  if (!matched) return refuse('signature does not match the request: body, principal or timestamp changed, or signed with another secret');
  return acceptSigned(values, options.now ?? Date.now(), options.maxAgeSeconds ?? DEFAULT_SIGNATURE_MAX_AGE_SECONDS);
}

function hmac(secret: string, timestamp: string, content: string | Uint8Array, principalToken: string): Buffer {
  return createHmac('sha256', secret).update(signingInput(timestamp, content, principalToken)).digest();
}

function secretList(secret: SigningSecrets): readonly string[] {
  const list = typeof secret === 'string' ? [secret] : secret;
  if (list.length === 0 || list.some((s) => s.length === 0)) {
    throw new Error(`Request signing needs at least one non-empty secret, got ${list.length === 0 ? 'an empty list' : 'an empty secret'}`);
  }
  return list;
}

// ---- The secrets, as the gateway (signs) and the subgraphs (verify) read them ----

/** Known to everyone who reads this repository: fine on a laptop, refused in production. */
export const DEVELOPMENT_SUBGRAPH_SECRET = 'meshgate-development-subgraph-secret';
const MIN_SECRET_LENGTH = 32;

export interface HmacSecrets {
  /** The first signs, all verify. */
  secrets: readonly string[];
  /** True when `MESHGATE_SUBGRAPH_SECRET` was unset and the development secret is used: log a warning. */
  development: boolean;
}

/**
 * Reads `MESHGATE_SUBGRAPH_SECRET` (comma-separated, first signs; default the development
 * secret, refused when `NODE_ENV=production`), adding what is wrong to `problems`.
 */
export function readHmacSecrets(env: Record<string, string | undefined>, problems: string[]): HmacSecrets {
  // Checked here rather than by a schema: parseEnv quotes a refused value, and a secret must not reach the logs.
  const raw = env.MESHGATE_SUBGRAPH_SECRET?.trim();
  const secrets = raw ? raw.split(',').map((s) => s.trim()) : undefined;
  const production = env.NODE_ENV?.trim() === 'production';
  const short = (secrets ?? []).flatMap((s, i) => (s.length < MIN_SECRET_LENGTH ? [`#${i + 1} has ${s.length}`] : []));
  if (short.length > 0) {
    problems.push(`MESHGATE_SUBGRAPH_SECRET: expected a comma-separated list of secrets of at least ${MIN_SECRET_LENGTH} characters each (${short.join(', ')}; value not shown)`);
  }
  if (!secrets && production) {
    problems.push('MESHGATE_SUBGRAPH_SECRET: expected the secret(s) the gateway signs subgraph requests with (MESHGATE_SIGNING=hmac); the development default is refused when NODE_ENV=production (not set)');
  }
  const published = (secrets ?? []).flatMap((s, i) => (isPublicSecret(s) ? [`#${i + 1}`] : []));
  if (production && published.length > 0) {
    problems.push(`MESHGATE_SUBGRAPH_SECRET: ${published.join(', ')} is a secret printed in this repository (README, docker-compose.yml or code), which is refused when NODE_ENV=production; generate your own, e.g. openssl rand -base64 32`);
  }
  return { secrets: secrets ?? [DEVELOPMENT_SUBGRAPH_SECRET], development: !secrets };
}
