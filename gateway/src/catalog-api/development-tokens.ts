/**
 * Ready-made tokens for trying the catalog and the IDE as different callers, only while the
 * gateway verifies tokens with the public development secret: anyone can mint those anyway
 * (`npm run token`), so handing them out reveals nothing. With any other secret or a key set
 * (every production setup: the development secret is refused when NODE_ENV=production) the list
 * is empty, because the gateway could not mint a token it would accept.
 */
import type { AuthenticationOptions } from '../governance/authentication.js';
import { DEVELOPMENT_SECRET } from '../governance/authentication-config.js';
import { mintToken } from '../governance/dev-token.js';

export interface DevelopmentToken {
  readonly name: string;
  readonly description: string;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  readonly token: string;
}

/** Callers the demo's requirements tell apart (the anonymous caller is the one without a token). */
export const PERSONAS: readonly Omit<DevelopmentToken, 'token'>[] = [
  {
    name: 'analyst',
    description: 'Signed in, no scopes: customers without their contact details; no tickets, costs or budgets',
    scopes: [],
    roles: [],
  },
  {
    name: 'finance',
    description: 'finance:read: what products cost us and campaign budgets',
    scopes: ['finance:read'],
    roles: [],
  },
  {
    name: 'support',
    description: 'support:read and the pii-reader role: support tickets and customers\' e-mail and phone',
    scopes: ['support:read'],
    roles: ['pii-reader'],
  },
];

const TTL_SECONDS = 12 * 3600;
/** A token is minted again when it has less than this left, so one picked in the catalog lasts a working session. */
const RENEW_BEFORE_SECONDS = 3600;

export interface DevelopmentTokens {
  list(): Promise<readonly DevelopmentToken[]>;
}

export function createDevelopmentTokens(authentication: AuthenticationOptions, clock: () => number = Date.now): DevelopmentTokens {
  if (authentication.kind !== 'hs256' || authentication.secret !== DEVELOPMENT_SECRET) return { list: async () => [] };
  const { issuer, audience } = authentication;
  let minted: { expiresAt: number; tokens: Promise<DevelopmentToken[]> } | undefined;
  return {
    list() {
      const now = Math.floor(clock() / 1000);
      if (!minted || minted.expiresAt - now < RENEW_BEFORE_SECONDS) {
        const tokens = Promise.all(
          PERSONAS.map(async (persona) => ({
            ...persona,
            token: await mintToken({ subject: persona.name, scopes: persona.scopes, roles: persona.roles, issuedAt: now, ttlSeconds: TTL_SECONDS, issuer, audience }),
          })),
        );
        minted = { expiresAt: now + TTL_SECONDS, tokens };
      }
      return minted.tokens;
    },
  };
}
