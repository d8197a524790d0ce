import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ANONYMOUS, type Principal } from '../../../shared/principal.js';
import { signSubgraphRequest, type SigningSecrets } from '../../../shared/signing.js';
import type { SubgraphClientOptions } from './subgraph-client.js';

export type RequestDecorator = NonNullable<SubgraphClientOptions['decorate']>;

/**
 * The `decorate` hook of `SubgraphClient` that signs every outgoing subgraph request, so
 * subgraphs answer only the gateway and learn the caller in a form a client cannot forge.
 *
 * The principal is the incoming operation's (`context.principal`); requests the gateway makes
 * on its own behalf (health checks, schema loading) are signed as ANONYMOUS. An operation whose
 * context carries no principal (no authenticator configured) is ANONYMOUS too: the least a caller
 * can be, never more.
 *
 * @param secrets the first signs (rotation: subgraphs accept any in their list).
 * @param clock milliseconds since the epoch. Default `Date.now`.
 */
export function signingDecorator(secrets: SigningSecrets, clock: () => number = Date.now): RequestDecorator {
  return (body, headers, options) => {
    const principal = 'incomingRequestContext' in options ? principalOf(options.context) : ANONYMOUS;
    Object.assign(headers, signSubgraphRequest({ body, principal, secret: secrets, now: clock() }));
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
