import { createDevelopmentTokens, PERSONAS } from '../../src/catalog-api/development-tokens.js';
import { createAuthenticator, type AuthenticationOptions } from '../../src/governance/authentication.js';
import { DEVELOPMENT_SECRET, loadAuthenticationConfig } from '../../src/governance/authentication-config.js';

describe('development tokens', () => {
  it('are tokens the gateway accepts, one per persona, with its scopes and roles, on the development secret', async () => {
    const options = loadAuthenticationConfig({});
    const tokens = await createDevelopmentTokens(options).list();
    expect(tokens.map((t) => t.name)).toEqual(PERSONAS.map((p) => p.name));
    const authenticator = createAuthenticator(options);
    for (const token of tokens) {
      const principal = await authenticator.authenticate(`Bearer ${token.token}`);
      expect({ subject: principal.subject, scopes: principal.scopes, roles: principal.claims.roles ?? [] }).toEqual({ subject: token.name, scopes: token.scopes, roles: token.roles });
    }
    expect(tokens.find((t) => t.name === 'finance')?.scopes).toEqual(['finance:read']);
    expect(tokens.find((t) => t.name === 'support')).toMatchObject({ scopes: ['support:read'], roles: ['pii-reader'] });
  });

  it('are minted once and again only when close to expiry', async () => {
    let now = Date.UTC(2025, 0, 1);
    const tokens = createDevelopmentTokens(loadAuthenticationConfig({}), () => now);
    const first = await tokens.list();
    now += 3600_000;
    expect(await tokens.list()).toBe(first);
    now += 10.5 * 3600_000;
    expect(await tokens.list()).not.toBe(first);
  });

  it.each<[string, AuthenticationOptions]>([
    ['another secret', { kind: 'hs256', secret: 'x'.repeat(32) }],
    ['a key set', { kind: 'jwks', url: 'https://idp.example/jwks.json', issuer: 'i', audience: 'a' }],
    ['a key file', { kind: 'jwks-file', path: '/nonexistent/jwks.json' }],
  ])('are none with %s', async (_name, options) => {
    expect(await createDevelopmentTokens(options).list()).toEqual([]);
  });

  it('are none in production, where the development secret is refused at start-up', () => {
    expect(() => loadAuthenticationConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: not set while NODE_ENV=production/);
    expect(() => loadAuthenticationConfig({ NODE_ENV: 'production', JWT_SECRET: DEVELOPMENT_SECRET })).toThrow(/is a secret printed in this repository/);
  });
});
