import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ErrorCode, HttpError } from '../../../shared/errors.js';
import type { Route } from '../../../shared/http/graphql-http.js';
import { ANONYMOUS, type Principal } from '../../../shared/principal.js';
import { publicJwks, signEd25519 } from '../../../shared/signing/ed25519.js';
import { signHmac } from '../../../shared/signing/hmac.js';
import type { SigningConfig } from '../../../shared/signing/signer-config.js';
import type { SubgraphClientOptions } from './subgraph-client.js';

export type RequestDecorator = NonNullable<SubgraphClientOptions['decorate']>;

/** Where the gateway publishes its public keys (the route `jwksRoute` serves). */
export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * The `decorate` hook of one subgraph's `SubgraphClient`: signs every outgoing request, so
 * subgraphs answer only the gateway and learn the caller in a form a client cannot forge. With
 * Ed25519 the signature is for `subgraphName` alone: that subgraph cannot replay it to another.
 *
 * The principal is the incoming operation's (`context.principal`); requests the gateway makes
 * on its own behalf (health checks, schema loading) are signed as ANONYMOUS. An operation whose
 * context carries no principal (no authenticator configured) is ANONYMOUS too: the least a caller
 * can be, never more.
 *
 * @param signing `GatewayConfig.signing`: the first key (or secret) signs.
 * @param subgraphName the subgraph's name in the supergraph: the signature's audience.
 * @param clock milliseconds since the epoch. Default `Date.now`.
 */
export function signingDecorator(signing: SigningConfig, subgraphName: string, clock: () => number = Date.now): RequestDecorator {
  const sign = signerOf(signing, subgraphName);
  return (body, headers, options) => {
    const principal = 'incomingRequestContext' in options ? principalOf(options.context) : ANONYMOUS;
    Object.assign(headers, sign(body, principal, clock()));
  };
}

function signerOf(signing: SigningConfig, audience: string): (body: string, principal: Principal, now: number) => Record<string, string> {
  switch (signing.mode) {
    case 'ed25519': {
      const [key] = signing.keys;
      if (!key) throw new Error('Cannot sign subgraph requests: expected at least one Ed25519 key in the signing configuration, got none');
      return (body, principal, now) => signEd25519({ body, principal, audience, key, now });
    }
    case 'hmac':
      return (body, principal, now) => signHmac({ body, principal, secret: signing.secrets, now });
    default: {
      const unreachable: never = signing;
      throw new Error(`Unknown signing mode ${JSON.stringify((unreachable as { mode: unknown }).mode)}: expected ed25519 or hmac`);
    }
  }
}

/**
 * The route `/.well-known/jwks.json`: the gateway's public keys as a JWK Set, every configured key
 * (the signing one first), so subgraphs verify with keys they fetch rather than a secret they hold.
 * Cacheable for 5 minutes, the time subgraphs keep a fetched set (a key added for rotation is
 * fetched at once when a signature names it). With HMAC there are no public keys: 404.
 */
export function jwksRoute(signing: SigningConfig): Route {
  if (signing.mode !== 'ed25519') {
    const notFound = new HttpError(404, ErrorCode.NotFound, `No key set: the gateway signs subgraph requests with a shared secret (MESHGATE_SIGNING=hmac), not with keys`);
    return (_req, res) => {
      res.writeHead(notFound.status, { 'content-type': 'application/json; charset=utf-8' }).end(notFound.toBody());
    };
  }
  // Built once: the keys never change while the gateway runs.
  const body = JSON.stringify(publicJwks(signing.keys));
  return (req, res) => {
    res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=300' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

function principalOf(context: GraphQLDataSourceProcessOptions['context']): Principal {
  const principal: unknown = context.principal;
  if (principal === undefined) return ANONYMOUS;
  if (!isPrincipal(principal)) {
    // A wrong shape is a wiring bug in the gateway: refuse to vouch for it rather than guess.
    throw new Error(
      `Cannot sign the subgraph request: expected context.principal to be a Principal ({ authenticated, scopes, claims }), got ${JSON.stringify(principal)?.slice(0, 100)}`,
    );
  }
  return principal;
}

function isPrincipal(value: unknown): value is Principal {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.authenticated === 'boolean' &&
    (p.subject === undefined || typeof p.subject === 'string') &&
    Array.isArray(p.scopes) &&
    p.scopes.every((s) => typeof s === 'string') &&
    typeof p.claims === 'object' &&
    p.claims !== null
  );
}
