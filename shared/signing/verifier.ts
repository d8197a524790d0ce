import { ANONYMOUS } from '../principal.js';
import { verifyEd25519, type GatewayKeySet } from './ed25519.js';
import { signedContent, type IncomingHeaders, type Verification } from './headers.js';
import { verifyHmac } from './hmac.js';
import { remoteGatewayKeys, staticGatewayKeys } from './jwks.js';
import type { GatewayJwks, SignatureCheck } from './verifier-config.js';

/** One request as a verifier sees it. */
export interface SignedRequest {
  headers: IncomingHeaders;
  method: string;
  /** The request target, e.g. `/graphql?query=…` (signed instead of the body for a GET). */
  target: string;
  rawBody: Uint8Array;
}

export type RequestVerifier = (request: SignedRequest) => Promise<Verification>;

/**
 * Builds a subgraph's verifier once, at start-up: the key set (and its cache, for a remote JWKS)
 * lives as long as the subgraph. `ownName` is the audience unless the check names another.
 */
export function createRequestVerifier(check: SignatureCheck, ownName: string): RequestVerifier {
  if (!check.verify) return async () => ({ ok: true, principal: ANONYMOUS });
  switch (check.mode) {
    case 'ed25519': {
      const keys = gatewayKeys(check.jwks);
      const audience = check.audience ?? ownName;
      return (request) =>
        verifyEd25519({
          headers: request.headers,
          rawBody: signedContent(request.method, request.target, request.rawBody),
          audience,
          keys,
          maxAgeSeconds: check.maxAgeSeconds,
        });
    }
    case 'hmac':
      return async (request) =>
        verifyHmac({
          headers: request.headers,
          rawBody: signedContent(request.method, request.target, request.rawBody),
          secret: check.secrets,
          maxAgeSeconds: check.maxAgeSeconds,
        });
    default: {
      const unreachable: never = check;
      throw new Error(`Unknown signature check mode ${JSON.stringify((unreachable as { mode: unknown }).mode)}: expected ed25519 or hmac`);
    }
  }
}

export function gatewayKeys(jwks: GatewayJwks): GatewayKeySet {
  switch (jwks.kind) {
    case 'remote':
      return remoteGatewayKeys(jwks.url, jwks);
    case 'static':
      return staticGatewayKeys(jwks.jwks, jwks.source);
    default: {
      const unreachable: never = jwks;
      throw new Error(`Unknown JWKS kind ${JSON.stringify((unreachable as { kind: unknown }).kind)}: expected remote or static`);
    }
  }
}

/** Where a check takes its keys from, for the start-up log line. */
export function describeCheck(check: SignatureCheck): string {
  if (!check.verify) return 'no signature check (tests only)';
  if (check.mode === 'hmac') return `HMAC signatures with ${check.secrets.length} shared secret(s)`;
  return `Ed25519 signatures, keys from ${check.jwks.kind === 'remote' ? `the gateway's JWKS at ${check.jwks.url}` : check.jwks.source}`;
}
