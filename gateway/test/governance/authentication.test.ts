import { CompactSign, SignJWT, base64url } from 'jose';
import { createAuthenticator, type Authenticator, type SecretAuthenticationOptions } from '../../src/governance/authentication.js';
import { DEVELOPMENT_SECRET } from '../../src/governance/authentication-config.js';
import { mintToken } from '../../src/governance/dev-token.js';
import { ErrorCode, HttpError } from '../../../shared/errors.js';
import { ANONYMOUS } from '../../../shared/principal.js';

// A fixed clock, so expiry cases do not depend on when the test runs.
const NOW = 1_800_000_000;
const OTHER_SECRET = 'another-secret-that-is-long-enough-for-hs256';

function authenticator(overrides: Partial<SecretAuthenticationOptions> = {}, clock = () => NOW * 1000): Authenticator {
  return createAuthenticator({ kind: 'hs256', secret: DEVELOPMENT_SECRET, issuer: 'meshgate-dev', audience: 'meshgate', clock, ...overrides });
}

const mint = (extra: Partial<Parameters<typeof mintToken>[0]> = {}) => mintToken({ subject: 'alice', issuedAt: NOW - 60, ...extra });
const unsigned = (payload: object) =>
  `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(payload))}.`;

/** The refusal of `header`, asserted to be a 401 AUTH_ERROR that does not repeat the credential. */
async function refusal(auth: Authenticator, header: string): Promise<HttpError> {
  const error = await auth.authenticate(header).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  const http = error as HttpError;
  expect(http).toMatchObject({ status: 401, code: ErrorCode.AuthError });
  expect(http.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token", error_description="[\x20-\x21\x23-\x5b\x5d-\x7e]+"$/);
  const credential = header.replace(/^\S+\s+/, '');
  if (credential.length > 8) {
    expect(http.message).not.toContain(credential);
    expect(http.headers['www-authenticate']).not.toContain(credential);
  }
  return http;
}

describe('HS256 authentication', () => {
  it('answers ANONYMOUS when there is no Authorization header', async () => {
    await expect(authenticator().authenticate(undefined)).resolves.toBe(ANONYMOUS);
  });

  it('turns a valid token into a frozen principal: subject, deduplicated scopes, claims', async () => {
    const token = await mint({ scopes: 'finance:read support:read finance:read', roles: ['pii-reader'], claims: { tenant: 'acme' } });
    const principal = await authenticator({ scopeClaims: ['scope', 'roles'] }).authenticate(`Bearer ${token}`);
    expect(principal).toEqual({
      authenticated: true,
      subject: 'alice',
      scopes: ['finance:read', 'support:read', 'pii-reader'],
      claims: expect.objectContaining({ sub: 'alice', iss: 'meshgate-dev', aud: 'meshgate', tenant: 'acme', roles: ['pii-reader'] }),
    });
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal.claims.roles)).toBe(true);
  });

  it.each<[string, () => Promise<string>]>([
    ['a lower-case scheme', async () => `bearer ${await mint()}`],
    ['an expiry within the clock skew', async () => `Bearer ${await mint({ issuedAt: NOW - 3610, ttlSeconds: 3600 })}`],
    ['a not-before within the clock skew', async () => `Bearer ${await mint({ notBefore: NOW + 20 })}`],
    ['an audience among several', async () => `Bearer ${await sign({ aud: ['other', 'meshgate'] })}`],
  ])('accepts %s', async (_name, header) => {
    await expect(authenticator().authenticate(await header())).resolves.toMatchObject({ authenticated: true, subject: 'alice' });
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['alg "none"', async () => `Bearer ${unsigned({ sub: 'alice', iss: 'meshgate-dev', aud: 'meshgate', exp: NOW + 60 })}`, /unsigned tokens \(alg "none"\) are not accepted/],
    ['a signature made with another secret', async () => `Bearer ${await mint({ secret: OTHER_SECRET })}`, /the signature does not verify with the configured secret/],
    ['a payload changed after signing', async () => `Bearer ${tamper(await mint(), { sub: 'mallory' })}`, /the signature does not verify/],
    ['an expiry beyond the clock skew', async () => `Bearer ${await mint({ issuedAt: NOW - 7200, ttlSeconds: 3600 })}`, /the token expired at 2027-01-15T07:00:00.000Z, beyond the allowed clock skew of 30 s/],
    ['a not-before beyond the clock skew', async () => `Bearer ${await mint({ notBefore: NOW + 120 })}`, /the token is not valid before 2027-01-15T08:02:00.000Z/],
    ['a wrong issuer', async () => `Bearer ${await mint({ issuer: 'evil-idp' })}`, /expected issuer "meshgate-dev", got "evil-idp"/],
    ['a wrong audience', async () => `Bearer ${await mint({ audience: 'someone-else' })}`, /expected audience "meshgate", got "someone-else"/],
    ['no expiry at all', async () => `Bearer ${await sign({ exp: undefined })}`, /the token has no "exp" claim/],
    ['an HS384 token where only HS256 is allowed', async () => `Bearer ${await mint({ algorithm: 'HS384' })}`, /algorithm "HS384" is not allowed here; expected one of HS256/],
    ['a non-string subject', async () => `Bearer ${await sign({ sub: 42 })}`, /the "sub" claim must be a string, got 42/],
    ['a scope claim of the wrong shape', async () => `Bearer ${await sign({ scope: 7 })}`, /the "scope" claim must be a space-separated string or an array of strings/],
    ['the Basic scheme', async () => 'Basic YWxpY2U6c2VjcmV0', /expected the Authorization header "Bearer <token>", got the "Basic" scheme/],
    ['a bare token with no scheme', async () => await mint(), /got no recognisable scheme/],
    ['"Bearer" with no token', async () => 'Bearer   ', /got "Bearer" with no token/],
    ['an empty header', async () => '', /the Authorization header is empty/],
    ['two values after Bearer', async () => `Bearer ${await mint()} extra`, /expected one token after "Bearer", got 2 space-separated values/],
    ['one segment', async () => 'Bearer not-a-jwt-at-all', /expected a JWT of three base64url segments separated by dots, got 1 segment/],
    ['an encrypted token (five segments)', async () => 'Bearer a.b.c.d.e', /encrypted tokens \(JWE\) are not accepted/],
    ['a header that is not JSON', async () => 'Bearer bm90IGpzb24.e30.c2ln', /the token header is not base64url-encoded JSON/],
    ['a signed payload that is not JSON', async () => `Bearer ${await signBytes('not json')}`, /the token is malformed: JWT Claims Set must be a top-level JSON object/],
  ])('refuses %s with 401 AUTH_ERROR saying so', async (_name, header, message) => {
    const error = await refusal(authenticator(), await header());
    expect(error.message).toMatch(message);
  });

  it('refuses at creation what could never verify a token', () => {
    expect(() => createAuthenticator({ kind: 'hs256', secret: 'short' })).toThrow('at least 32 bytes');
    expect(() => createAuthenticator({ kind: 'hs256', secret: DEVELOPMENT_SECRET, algorithms: [] })).toThrow('at least one algorithm');
    // A JavaScript caller is not stopped by the types; an RSA algorithm with a secret is the alg-confusion mistake.
    const confused = { kind: 'hs256', secret: DEVELOPMENT_SECRET, algorithms: ['RS256'] } as unknown as SecretAuthenticationOptions;
    expect(() => createAuthenticator(confused)).toThrow('must be among HS256, HS384, HS512, got RS256');
    expect(() => createAuthenticator({ kind: 'hs256', secret: DEVELOPMENT_SECRET, scopeClaims: [] })).toThrow('at least one claim');
  });
});

describe('verified-token cache in the authenticator', () => {
  it('serves the same principal for the same token until exp, then verifies again, then refuses', async () => {
    let now = NOW;
    const auth = authenticator({}, () => now * 1000);
    const token = await mint({ issuedAt: NOW, ttlSeconds: 60 });
    const first = await auth.authenticate(`Bearer ${token}`);
    expect(await auth.authenticate(`Bearer ${token}`)).toBe(first);
    now = NOW + 61; // past exp, inside the skew: verified afresh, not served from the cache
    const second = await auth.authenticate(`Bearer ${token}`);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    now = NOW + 91;
    expect((await refusal(auth, `Bearer ${token}`)).message).toMatch(/expired/);
  });

  it('verifies every time when the cache is off', async () => {
    const auth = authenticator({ verifiedTokenCacheSize: 0 });
    const token = await mint();
    expect(await auth.authenticate(`Bearer ${token}`)).not.toBe(await auth.authenticate(`Bearer ${token}`));
  });
});

/** A token with the standard valid claims, then `overrides` (undefined removes a claim). */
function sign(overrides: Record<string, unknown>): Promise<string> {
  const claims: Record<string, unknown> = { sub: 'alice', iss: 'meshgate-dev', aud: 'meshgate', iat: NOW - 60, exp: NOW + 3600, ...overrides };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(DEVELOPMENT_SECRET));
}

function signBytes(payload: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(DEVELOPMENT_SECRET));
}

function tamper(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
  return `${header}.${base64url.encode(JSON.stringify({ ...claims, ...changes }))}.${signature}`;
}
