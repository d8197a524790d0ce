import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '../principal.js';

/**
 * Request signing between the gateway and its subgraphs: what every scheme shares. The gateway
 * signs every subgraph request; a subgraph refuses anything unsigned, so it cannot be used to get
 * around the gateway's authorization, and the caller's identity reaches it in a form a client
 * cannot forge (the principal travels in a header covered by the signature).
 *
 * Every scheme signs the same three facts, `timestamp "\n" sha256hex(content) "\n" principalToken`:
 * the content is a POST's raw body or, for any other method, the request target (`signedContent`),
 * and principalToken is the base64url JSON of the Principal as sent. The schemes differ in how
 * that is signed and for whom:
 * - `v2=` Ed25519, the default (ed25519.ts): signed with the gateway's private key, for one
 *   subgraph (the audience), verified against the gateway's published keys.
 * - `v1=` HMAC-SHA256 with a shared secret (hmac.ts), kept as an option.
 */
export const SIGNATURE_HEADERS = {
  /** Whole seconds since the epoch when the gateway signed. */
  timestamp: 'x-meshgate-timestamp',
  /** base64url JSON of the Principal. */
  principal: 'x-meshgate-principal',
  /** `v2=<detached JWS>` (Ed25519) or `v1=<64 hex digits>` (HMAC). */
  signature: 'x-meshgate-signature',
} as const;

/** How far a signature's timestamp may lie from the verifier's clock, either way. */
export const DEFAULT_SIGNATURE_MAX_AGE_SECONDS = 60;

export type Verification = { ok: true; principal: Principal } | { ok: false; reason: string };

/** Request headers, as node:http gives them (lower-case names). */
export type IncomingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * What a signature covers. A POST carries its operation in the body; a GET carries it in the
 * URL, so for every other method the request target (`/graphql?query=…`) is signed instead —
 * otherwise a signature over an empty body would vouch for any GET query.
 */
export function signedContent(method: string, target: string, rawBody: string | Uint8Array): string | Uint8Array {
  return method.toUpperCase() === 'POST' ? rawBody : target;
}

/** The text every scheme signs (see the module comment). */
export function signingInput(timestamp: string, content: string | Uint8Array, principalToken: string): string {
  const contentHash = createHash('sha256').update(content).digest('hex');
  return `${timestamp}\n${contentHash}\n${principalToken}`;
}

/** Whole seconds since the epoch, as the timestamp header carries them. */
export function timestampOf(now: number): string {
  return String(Math.floor(now / 1000));
}

export function encodePrincipal(principal: Principal): string {
  return Buffer.from(JSON.stringify(principal), 'utf8').toString('base64url');
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

export type SignatureHeaderValues = Record<keyof typeof SIGNATURE_HEADERS, string>;

const TIMESTAMP = /^\d{1,15}$/;

/** The three signature headers, each present exactly once, with a well-formed timestamp; or why not. */
export function readSignatureHeaders(headers: IncomingHeaders): { ok: true; values: SignatureHeaderValues } | { ok: false; reason: string } {
  const values: Partial<SignatureHeaderValues> = {};
  for (const [key, name] of Object.entries(SIGNATURE_HEADERS) as [keyof typeof SIGNATURE_HEADERS, string][]) {
    const value = headers[name];
    if (value === undefined || value === '') return refuse(`missing header ${name}: every request must be signed by the gateway`);
    if (typeof value !== 'string') return refuse(`header ${name} was sent ${value.length} times: expected exactly one`);
    values[key] = value;
  }
  const complete = values as SignatureHeaderValues;
  if (!TIMESTAMP.test(complete.timestamp)) return refuse(`malformed ${SIGNATURE_HEADERS.timestamp} "${clip(complete.timestamp)}": expected whole seconds since the epoch`);
  return { ok: true, values: complete };
}

/** Whether any signature header was sent at all (an unsigned request is not a badly signed one). */
export function carriesSignature(headers: IncomingHeaders): boolean {
  return Object.values(SIGNATURE_HEADERS).some((name) => headers[name] !== undefined);
}

/**
 * Judges an authentic request's age and principal. Only an authentic timestamp is judged, so
 * "too old" means a genuine request replayed late.
 */
export function acceptSigned(values: SignatureHeaderValues, now: number, maxAgeSeconds: number): Verification {
  const skew = Math.floor(now / 1000) - Number(values.timestamp);
  if (skew > maxAgeSeconds) return refuse(`signature is ${skew} s old; the limit is ${maxAgeSeconds} s`);
  if (-skew > maxAgeSeconds) return refuse(`signature is dated ${-skew} s in the future; the limit is ${maxAgeSeconds} s`);
  const principal = decodePrincipal(values.principal);
  if (!principal) return refuse(`${SIGNATURE_HEADERS.principal} is not base64url JSON of a Principal ({ authenticated, subject?, scopes, claims })`);
  return { ok: true, principal };
}

export function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** A value quoted in a refusal, cut short: it came from whoever sent the request. */
export function clip(value: string, max = 40): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
