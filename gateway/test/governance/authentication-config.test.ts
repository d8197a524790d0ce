import { PUBLIC_SECRETS } from '../../../shared/config/public-secrets.js';
import { ConfigError } from '../../../shared/config/env.js';
import { DEVELOPMENT_SECRET, loadAuthenticationConfig } from '../../src/governance/authentication-config.js';

const SECRET = 'a-production-secret-of-at-least-32-bytes';

describe('authentication configuration from the environment', () => {
  it.each<[string, Record<string, string>, object]>([
    [
      'nothing set: the development secret with its issuer and audience',
      {},
      { kind: 'hs256', secret: DEVELOPMENT_SECRET, issuer: 'meshgate-dev', audience: 'meshgate', clockSkewSeconds: 30 },
    ],
    [
      'an own secret, issuer, audience, skew, algorithms and scope claims',
      { JWT_SECRET: SECRET, JWT_ISSUER: 'corp', JWT_AUDIENCE: 'api', JWT_CLOCK_SKEW_SECONDS: '0', JWT_ALGORITHMS: 'HS256, HS512', JWT_SCOPE_CLAIMS: 'scope,realm_access.roles' },
      { kind: 'hs256', secret: SECRET, issuer: 'corp', audience: 'api', clockSkewSeconds: 0, algorithms: ['HS256', 'HS512'], scopeClaims: ['scope', 'realm_access.roles'] },
    ],
    [
      'a JWKS URL with its issuer and audience',
      { JWT_JWKS_URL: 'https://idp.example/jwks.json', JWT_ALGORITHMS: 'ES256', JWT_ISSUER: 'https://idp.example/', JWT_AUDIENCE: 'meshgate' },
      { kind: 'jwks', url: 'https://idp.example/jwks.json', issuer: 'https://idp.example/', audience: 'meshgate', algorithms: ['ES256'] },
    ],
    [
      'a JWKS file, also accepted in production',
      { JWT_JWKS_FILE: '/etc/meshgate/jwks.json', NODE_ENV: 'production', JWT_ISSUER: 'corp', JWT_AUDIENCE: 'api' },
      { kind: 'jwks-file', path: '/etc/meshgate/jwks.json' },
    ],
    ['an own secret in production', { JWT_SECRET: SECRET, NODE_ENV: 'production' }, { kind: 'hs256', secret: SECRET }],
  ])('reads %s', (_name, env, expected) => {
    expect(loadAuthenticationConfig(env)).toMatchObject(expected);
  });

  it.each<[string, Record<string, string>, string]>([
    ['a secret and a JWKS URL', { JWT_SECRET: SECRET, JWT_JWKS_URL: 'https://idp.example/jwks.json' }, 'JWT_SECRET and JWT_JWKS_URL are both set: set only one of'],
    ['a JWKS URL and a JWKS file', { JWT_JWKS_URL: 'https://idp.example/jwks.json', JWT_JWKS_FILE: 'jwks.json' }, 'JWT_JWKS_URL and JWT_JWKS_FILE are both set'],
    ['all three sources', { JWT_SECRET: SECRET, JWT_JWKS_URL: 'https://idp.example/j', JWT_JWKS_FILE: 'j.json' }, 'JWT_SECRET and JWT_JWKS_URL and JWT_JWKS_FILE are all set'],
    ['production without a secret', { NODE_ENV: 'production' }, 'JWT_SECRET: not set while NODE_ENV=production; the development secret is public'],
    ['production with the development secret spelled out', { NODE_ENV: 'production', JWT_SECRET: DEVELOPMENT_SECRET }, 'JWT_SECRET: is a secret printed in this repository'],
    ...[...PUBLIC_SECRETS].map((secret): [string, Record<string, string>, string] => [
      `production with the public secret ${secret}`, { NODE_ENV: 'production', JWT_SECRET: ` ${secret} ` }, 'JWT_SECRET: is a secret printed in this repository',
    ]),
    ['a short secret', { JWT_SECRET: 'hunter2' }, 'JWT_SECRET: expected at least 32 bytes for HS256 (RFC 7518 section 3.2), got 7 (value not shown)'],
    ['a JWKS URL that is not http(s)', { JWT_JWKS_URL: 'ftp://idp/jwks' }, 'JWT_JWKS_URL: expected a URL starting with http:// or https:// (got "ftp://idp/jwks")'],
    ['a JWKS URL without issuer and audience', { JWT_JWKS_URL: 'https://idp.example/j' }, 'JWT_ISSUER: required with JWT_JWKS_URL, so tokens issued for other applications are refused (not set)'],
    ['a JWKS file without audience', { JWT_JWKS_FILE: 'j.json', JWT_ISSUER: 'corp' }, 'JWT_AUDIENCE: required with JWT_JWKS_FILE'],
    ['a negative clock skew', { JWT_CLOCK_SKEW_SECONDS: '-1' }, 'JWT_CLOCK_SKEW_SECONDS: expected a whole number of seconds, 0 or more (got "-1")'],
    ['an RSA algorithm with a secret', { JWT_ALGORITHMS: 'RS256' }, 'JWT_ALGORITHMS: expected a comma list of HS256, HS384, HS512 with the development secret, got "RS256"'],
    ['an HMAC algorithm with a key set', { JWT_JWKS_URL: 'https://idp.example/j', JWT_ALGORITHMS: 'RS256,HS256' }, 'JWT_ALGORITHMS: expected a comma list of RS256'],
    ['an empty scope claim list', { JWT_SCOPE_CLAIMS: ' , ' }, 'JWT_SCOPE_CLAIMS: expected a comma-separated list of claim names'],
  ])('refuses %s, naming the variables', (_name, env, message) => {
    expect(() => loadAuthenticationConfig(env)).toThrow(ConfigError);
    expect(() => loadAuthenticationConfig(env)).toThrow(message);
  });

  it('reports a wrong value beside the problems across variables, all at once', () => {
    const attempt = () => loadAuthenticationConfig({ JWT_CLOCK_SKEW_SECONDS: 'soon', JWT_SECRET: 'tiny-secret', NODE_ENV: 'production', JWT_ALGORITHMS: 'RS256' });
    expect(attempt).toThrow(/JWT_CLOCK_SKEW_SECONDS: expected a whole number[\s\S]*JWT_SECRET: expected at least 32 bytes[\s\S]*JWT_ALGORITHMS: expected a comma list/);
  });

  it('lists every cross-variable problem at once and never prints the secret', () => {
    const short = 'tiny-secret';
    const attempt = () => loadAuthenticationConfig({ JWT_SECRET: short, JWT_JWKS_URL: 'https://idp.example/j' });
    expect(attempt).toThrow(/JWT_SECRET and JWT_JWKS_URL are both set[\s\S]*\n  - JWT_SECRET: expected at least 32 bytes/);
    expect(attempt).not.toThrow(short);
  });
});
