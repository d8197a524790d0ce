import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, envVar, parseEnvInto } from './config/env.js';
import { isPublicSecret } from './config/public-secrets.js';
import type { Principal } from './principal.js';

/**
 * Request signing between the gateway and its subgraphs. The gateway signs every subgraph
 * request with a shared secret; a subgraph refuses anything unsigned, so it cannot be used to
 * get around the gateway's authorization, and the caller's identity reaches it in a form a
 * client cannot forge (the principal travels in a header covered by the signature).
 *
 * Signature: `v1=` + hex HMAC-SHA256 over `timestamp "\n" sha256hex(content) "\n" principalToken`,
 * where the content is a POST's raw body or, for any other method, the request target (see
 * `signedContent`), and principalToken is the base64url JSON of the Principal as sent.
 */
export const SIGNATURE_HEADERS = {
  /** Whole seconds since the epoch when the gateway signed. */
  timestamp: 'x-meshgate-timestamp',
  /** base64url JSON of the Principal. */
  principal: 'x-meshgate-principal',
  /** `v1=<64 hex digits>`. */
  signature: 'x-meshgate-signature',
} as const;

/** How far a signature's timestamp may lie from the verifier's clock, either way. */
export const DEFAULT_SIGNATURE_MAX_AGE_SECONDS = 60;

/** One secret, or several for rotation: the first signs, any of them verifies. */
export type SigningSecrets = string | readonly string[];

export type Verification = { ok: true; principal: Principal } | { ok: false; reason: string };

export interface SignOptions {
  /** The exact bytes that will be sent (see `signedContent`). */
  body: string | Uint8Array;
  principal: Principal;
  secret: SigningSecrets;
  /** Clock in milliseconds since the epoch. Default `Date.now()`. */
  now?: number;
}

export interface VerifyOptions {
  /** Request headers, as node:http gives them (lower-case names). */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The exact bytes received (see `signedContent`). */
  rawBody: string | Uint8Array;
  secret: SigningSecrets;
  /** Clock in milliseconds since the epoch. Default `Date.now()`. */
  now?: number;
  /** Largest accepted distance between the signature's timestamp and `now`. Default 60. */
  maxAgeSeconds?: number;
}

/**
 * What a signature covers. A POST carries its operation in the body; a GET carries it in the
 * URL, so for every other method the request target (`/graphql?query=…`) is signed instead —
 * otherwise a signature over an empty body would vouch for any GET query.
 */
export function signedContent(method: string, target: string, rawBody: string | Uint8Array): string | Uint8Array {
  return method.toUpperCase() === 'POST' ? rawBody : target;
}

/** The headers to add to one subgraph request. */
export function signSubgraphRequest(options: SignOptions): Record<string, string> {
  const [signingSecret] = secretList(options.secret);
  const timestamp = String(Math.floor((options.now ?? Date.now()) / 1000));
  const principalToken = Buffer.from(JSON.stringify(options.principal), 'utf8').toString('base64url');
  return {
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.principal]: principalToken,
    [SIGNATURE_HEADERS.signature]: `v1=${hmac(signingSecret, timestamp, options.body, principalToken).toString('hex')}`,
  };
}

const TIMESTAMP = /^\d{1,15}$/;
const SIGNATURE = /^v1=([0-9a-f]{64})$/;

/** Checks one incoming request's signature; a refusal says what was expected and what arrived. */
export function verifySubgraphRequest(options: VerifyOptions): Verification {
  const secrets = secretList(options.secret);
  const maxAge = options.maxAgeSeconds ?? DEFAULT_SIGNATURE_MAX_AGE_SECONDS;
  const values: Partial<Record<keyof typeof SIGNATURE_HEADERS, string>> = {};
  for (const [key, name] of Object.entries(SIGNATURE_HEADERS) as [keyof typeof SIGNATURE_HEADERS, string][]) {
    const value = options.headers[name];
    if (value === undefined || value === '') return refuse(`missing header ${name}: every request must be signed by the gateway`);
    if (typeof value !== 'string') return refuse(`header ${name} was sent ${value.length} times: expected exactly one`);
    values[key] = value;
  }
  const { timestamp, principal: principalToken, signature } = values as Record<keyof typeof SIGNATURE_HEADERS, string>;
  if (!TIMESTAMP.test(timestamp)) return refuse(`malformed ${SIGNATURE_HEADERS.timestamp} "${clip(timestamp)}": expected whole seconds since the epoch`);
  const presented = SIGNATURE.exec(signature);
  if (!presented) return refuse(`malformed ${SIGNATURE_HEADERS.signature} "${clip(signature)}": expected "v1=" and 64 hex digits`);

  const presentedBytes = Buffer.from(presented[1], 'hex');
  // Every secret is tried, without stopping at the first match, so timing reveals nothing about which one matched.
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(hmac(secret, timestamp, options.rawBody, principalToken), presentedBytes)) matched = true;
  }
  if (!matched) return refuse('signature does not match the request: body, principal or timestamp changed, or signed with another secret');

  // Only an authentic timestamp is judged, so "too old" means a genuine request replayed late.
  const skew = Math.floor((options.now ?? Date.now()) / 1000) - Number(timestamp);
  if (skew > maxAge) return refuse(`signature is ${skew} s old; the limit is ${maxAge} s`);
  if (-skew > maxAge) return refuse(`signature is dated ${-skew} s in the future; the limit is ${maxAge} s`);

  const principal = decodePrincipal(principalToken);
  if (!principal) return refuse(`${SIGNATURE_HEADERS.principal} is not base64url JSON of a Principal ({ authenticated, subject?, scopes, claims })`);
  return { ok: true, principal };
}

const principalSchema = z.object({
  authenticated: z.boolean(),
  subject: z.string().optional(),
  scopes: z.array(z.string()),
  claims: z.record(z.string(), z.unknown()),
});

/** The Principal in a token, or undefined when it is not one. */
export function decodePrincipal(token: string): Principal | undefined {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = principalSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

function hmac(secret: string, timestamp: string, content: string | Uint8Array, principalToken: string): Buffer {
  const contentHash = createHash('sha256').update(content).digest('hex');
  return createHmac('sha256', secret).update(`${timestamp}\n${contentHash}\n${principalToken}`).digest();
}

function secretList(secret: SigningSecrets): readonly string[] {
  const list = typeof secret === 'string' ? [secret] : secret;
  if (list.length === 0 || list.some((s) => s.length === 0)) {
    throw new Error(`Request signing needs at least one non-empty secret, got ${list.length === 0 ? 'an empty list' : 'an empty secret'}`);
  }
  return list;
}

function refuse(reason: string): Verification {
  return { ok: false, reason };
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

// ---- Configuration shared by the gateway (signs) and the subgraphs (verify) ----

/** Known to everyone who reads this repository: fine on a laptop, refused in production. */
export const DEVELOPMENT_SUBGRAPH_SECRET = 'meshgate-development-subgraph-secret';
const MIN_SECRET_LENGTH = 32;

export interface SigningConfig {
  /** The first signs, all verify. */
  secrets: readonly string[];
  /** See `VerifyOptions.maxAgeSeconds`. */
  maxAgeSeconds: number;
  /** True when `MESHGATE_SUBGRAPH_SECRET` was unset and the development secret is used: log a warning. */
  development: boolean;
}

/**
 * Reads `MESHGATE_SUBGRAPH_SECRET` (comma-separated, first signs; default the development
 * secret, refused when `NODE_ENV=production`) and `MESHGATE_SIGNATURE_MAX_AGE_SECONDS` (default 60).
 */
export function loadSigningConfig(env: Record<string, string | undefined> = process.env): SigningConfig {
  const problems: string[] = [];
  const parsed = parseEnvInto(z.object({ MESHGATE_SIGNATURE_MAX_AGE_SECONDS: envVar.positiveInt(DEFAULT_SIGNATURE_MAX_AGE_SECONDS) }), env, problems);
  // Checked here rather than by a schema: parseEnv quotes a refused value, and a secret must not reach the logs.
  const raw = env.MESHGATE_SUBGRAPH_SECRET?.trim();
  const secrets = raw ? raw.split(',').map((s) => s.trim()) : undefined;
  const production = env.NODE_ENV?.trim() === 'production';
  const short = (secrets ?? []).flatMap((s, i) => (s.length < MIN_SECRET_LENGTH ? [`#${i + 1} has ${s.length}`] : []));
  if (short.length > 0) {
    problems.push(`MESHGATE_SUBGRAPH_SECRET: expected a comma-separated list of secrets of at least ${MIN_SECRET_LENGTH} characters each (${short.join(', ')}; value not shown)`);
  }
  if (!secrets && production) {
    problems.push('MESHGATE_SUBGRAPH_SECRET: expected the secret(s) the gateway signs subgraph requests with; the development default is refused when NODE_ENV=production (not set)');
  }
  const published = (secrets ?? []).flatMap((s, i) => (isPublicSecret(s) ? [`#${i + 1}`] : []));
  if (production && published.length > 0) {
    problems.push(`MESHGATE_SUBGRAPH_SECRET: ${published.join(', ')} is a secret printed in this repository (README, docker-compose.yml or code), which is refused when NODE_ENV=production; generate your own, e.g. openssl rand -base64 32`);
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    secrets: secrets ?? [DEVELOPMENT_SUBGRAPH_SECRET],
    // Set whenever there was no problem (parseEnvInto reported it otherwise).
    maxAgeSeconds: parsed!.MESHGATE_SIGNATURE_MAX_AGE_SECONDS,
    development: !secrets,
  };
}
