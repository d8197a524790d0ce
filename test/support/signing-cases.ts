import type { Principal } from '../../shared/principal.js';
import { SIGNATURE_HEADERS, type IncomingHeaders } from '../../shared/signing/headers.js';

/**
 * Test rows every signing scheme must pass alike (the headers, the clock, the body's bytes), for
 * hmac.test.ts and ed25519.test.ts: each scheme's own table adds what only it checks.
 * `signed(principal?)` signs the shared body for the scheme under test.
 */
export type SchemeCase<Options> = [name: string, change: Partial<Options>, expected: { principal: Principal } | { reason: RegExp }];

export const SCHEME_NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
export const SCHEME_BODY = '{"query":"{ products { id } }"}';
export const SCHEME_ANALYST: Principal = { authenticated: true, subject: 'ana', scopes: ['read:inventory'], claims: { sub: 'ana', scope: 'read:inventory' } };

export function commonSchemeCases<Options extends { headers: IncomingHeaders; now?: number; rawBody: string | Uint8Array }>(
  signed: (principal?: Principal) => Record<string, string>,
  anonymous: Principal,
): SchemeCase<Options>[] {
  return [
    ['a request signed now', {}, { principal: SCHEME_ANALYST }],
    ['an anonymous request', { headers: signed(anonymous) } as Partial<Options>, { principal: anonymous }],
    ['a signature 60 s old (the limit)', { now: SCHEME_NOW + 60_000 } as Partial<Options>, { principal: SCHEME_ANALYST }],
    ['a Uint8Array body with the same bytes', { rawBody: Buffer.from(SCHEME_BODY) as Uint8Array } as Partial<Options>, { principal: SCHEME_ANALYST }],
    ['no headers at all', { headers: {} } as Partial<Options>, { reason: /^missing header x-meshgate-timestamp/ }],
    ...Object.values(SIGNATURE_HEADERS).map(
      (name): SchemeCase<Options> => [
        `no ${name}`,
        { headers: { ...signed(), [name]: undefined } } as Partial<Options>,
        { reason: new RegExp(`^missing header ${name}: every request must be signed by the gateway$`) },
      ],
    ),
  ];
}
