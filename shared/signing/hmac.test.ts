import { createHash, createHmac } from 'node:crypto';
import { ConfigError } from '../config/env.js';
import { PUBLIC_SECRETS } from '../config/public-secrets.js';
import { commonSchemeCases, SCHEME_ANALYST, SCHEME_BODY, SCHEME_NOW, type SchemeCase } from '../../test/support/signing-cases.js';
import { ANONYMOUS, type Principal } from '../principal.js';
import { SIGNATURE_HEADERS, signedContent } from './headers.js';
import { DEVELOPMENT_SUBGRAPH_SECRET, signHmac, verifyHmac, type HmacVerifyOptions } from './hmac.js';
import { loadSigningConfig } from './signer-config.js';
import { loadSignatureCheck } from './verifier-config.js';

const SECRET = 'first-secret-of-at-least-32-characters';
const OTHER = 'other-secret-of-at-least-32-characters';
const NOW = SCHEME_NOW;
const BODY = SCHEME_BODY;
const ANALYST: Principal = SCHEME_ANALYST;

const signed = (over: { body?: string; principal?: Principal; secret?: string | string[]; now?: number } = {}) =>
  signHmac({ body: over.body ?? BODY, principal: over.principal ?? ANALYST, secret: over.secret ?? SECRET, now: over.now ?? NOW });

const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifyHmac', () => {
  type Case = SchemeCase<HmacVerifyOptions>;
  const cases: Case[] = [
    ...commonSchemeCases<HmacVerifyOptions>((principal) => signed({ principal }), ANONYMOUS),
    ['a header sent twice', { headers: { ...signed(), [SIGNATURE_HEADERS.signature]: ['v1=00', 'v1=11'] } }, { reason: /sent 2 times: expected exactly one/ }],
    ['a tampered body', { rawBody: BODY.replace('id', 'sku') }, { reason: /^signature does not match the request/ }],
    ['a tampered principal', { headers: { ...signed(), [SIGNATURE_HEADERS.principal]: token({ ...ANALYST, scopes: ['admin'] }) } }, { reason: /^signature does not match/ }],
    ['a tampered timestamp', { headers: { ...signed(), [SIGNATURE_HEADERS.timestamp]: String(NOW / 1000 + 1) } }, { reason: /^signature does not match/ }],
    ['a wrong secret', { secret: OTHER }, { reason: /^signature does not match.*another secret$/ }],
    ['a signature 61 s old', { now: NOW + 61_000 }, { reason: /^signature is 61 s old; the limit is 60 s$/ }],
    ['a signature dated 61 s in the future', { now: NOW - 61_000 }, { reason: /^signature is dated 61 s in the future; the limit is 60 s$/ }],
    ['a stricter max age', { now: NOW + 11_000, maxAgeSeconds: 10 }, { reason: /^signature is 11 s old; the limit is 10 s$/ }],
    ['a malformed timestamp', { headers: { ...signed(), [SIGNATURE_HEADERS.timestamp]: 'yesterday' } }, { reason: /malformed x-meshgate-timestamp "yesterday": expected whole seconds/ }],
    ['an unversioned signature', { headers: { ...signed(), [SIGNATURE_HEADERS.signature]: signed()[SIGNATURE_HEADERS.signature].slice(3) } }, { reason: /expected "v1=" and 64 hex digits \(MESHGATE_SIGNING=hmac\)/ }],
    ['rotation: signed with the old secret, verified with new and old', { secret: [OTHER, SECRET] }, { principal: ANALYST }],
    ['rotation: signed with the new secret (the first of the list)', { headers: signed({ secret: [OTHER, SECRET] }), secret: [OTHER] }, { principal: ANALYST }],
    ['rotation: the old secret retired', { headers: signed({ secret: [OTHER, SECRET] }), secret: [SECRET] }, { reason: /^signature does not match/ }],
  ];

  it.each(cases)('%s', (_name, change, expected) => {
    const verdict = verifyHmac({ headers: signed(), rawBody: BODY, secret: SECRET, now: NOW, ...change });
    if ('principal' in expected) expect(verdict).toEqual({ ok: true, principal: expected.principal });
    else expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(expected.reason) });
  });

  // The scheme as documented, written out independently, so a change to it cannot go unnoticed.
  const signByHand = (principalToken: string) => {
    const timestamp = String(NOW / 1000);
    const bodyHash = createHash('sha256').update(BODY).digest('hex');
    const mac = createHmac('sha256', SECRET).update(`${timestamp}\n${bodyHash}\n${principalToken}`).digest('hex');
    return { [SIGNATURE_HEADERS.timestamp]: timestamp, [SIGNATURE_HEADERS.principal]: principalToken, [SIGNATURE_HEADERS.signature]: `v1=${mac}` };
  };

  it('signs exactly the documented scheme', () => {
    expect(signed()).toEqual(signByHand(token(ANALYST)));
  });

  it.each([
    ['a principal of the wrong shape', token({ authenticated: 'yes', scopes: [], claims: {} })],
    ['a principal that is not JSON', Buffer.from('not json').toString('base64url')],
  ])('refuses %s even when correctly signed', (_name, principalToken) => {
    expect(verifyHmac({ headers: signByHand(principalToken), rawBody: BODY, secret: SECRET, now: NOW })).toEqual({
      ok: false,
      reason: 'x-meshgate-principal is not base64url JSON of a Principal ({ authenticated, subject?, scopes, claims })',
    });
  });

  it('refuses to sign or verify without a secret', () => {
    expect(() => signed({ secret: [] })).toThrow('at least one non-empty secret, got an empty list');
    expect(() => verifyHmac({ headers: signed(), rawBody: BODY, secret: [''] })).toThrow('got an empty secret');
  });
});

describe('signedContent', () => {
  it.each([
    ['POST', '/graphql', BODY, BODY],
    ['post', '/graphql', BODY, BODY],
    ['GET', '/graphql?query=%7B+a+%7D', '', '/graphql?query=%7B+a+%7D'],
    ['HEAD', '/graphql?query=x', '', '/graphql?query=x'],
  ])('%s %s', (method, target, body, expected) => {
    expect(signedContent(method, target, body)).toBe(expected);
  });
});

// The same variables configure both sides: the gateway signs with the first secret, subgraphs verify with all.
const HMAC = { MESHGATE_SIGNING: 'hmac' };

describe('HMAC configuration: loadSigningConfig (gateway) and loadSignatureCheck (subgraphs)', () => {
  it.each([
    ['nothing set: the development secret', {}, { secrets: [DEVELOPMENT_SUBGRAPH_SECRET], maxAgeSeconds: 60, development: true }],
    ['one secret', { MESHGATE_SUBGRAPH_SECRET: SECRET }, { secrets: [SECRET], maxAgeSeconds: 60, development: false }],
    ['a rotation list, trimmed', { MESHGATE_SUBGRAPH_SECRET: ` ${OTHER} , ${SECRET}` }, { secrets: [OTHER, SECRET], maxAgeSeconds: 60, development: false }],
    ['a max age', { MESHGATE_SIGNATURE_MAX_AGE_SECONDS: '15' }, { secrets: [DEVELOPMENT_SUBGRAPH_SECRET], maxAgeSeconds: 15, development: true }],
    ['production with a secret', { NODE_ENV: 'production', MESHGATE_SUBGRAPH_SECRET: SECRET }, { secrets: [SECRET], maxAgeSeconds: 60, development: false }],
  ])('%s', (_name, env, expected) => {
    const { maxAgeSeconds, ...signer } = expected;
    expect(loadSigningConfig({ ...HMAC, ...env })).toEqual({ mode: 'hmac', ...signer });
    expect(loadSignatureCheck({ ...HMAC, ...env })).toEqual({ verify: true, mode: 'hmac', maxAgeSeconds, ...signer });
  });

  it.each([
    ['production without a secret', { NODE_ENV: 'production' }, /MESHGATE_SUBGRAPH_SECRET: expected the secret\(s\).*refused when NODE_ENV=production/],
    ['a short secret, not echoed', { MESHGATE_SUBGRAPH_SECRET: `${SECRET},short-secret` }, /at least 32 characters each \(#2 has 12; value not shown\)/],
    ...[...PUBLIC_SECRETS].map((secret): [string, Record<string, string>, RegExp] => [
      `production with the public secret ${secret} in the rotation list`,
      { NODE_ENV: 'production', MESHGATE_SUBGRAPH_SECRET: `${SECRET},${secret}` },
      /MESHGATE_SUBGRAPH_SECRET: #2 is a secret printed in this repository/,
    ]),
  ])('both refuse %s', (_name, env, message) => {
    for (const load of [() => loadSigningConfig({ ...HMAC, ...env }), () => loadSignatureCheck({ ...HMAC, ...env })]) {
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(message);
      expect(load).not.toThrow('short-secret');
    }
  });

  it.each([
    ['a zero max age', { MESHGATE_SIGNATURE_MAX_AGE_SECONDS: '0' }, /MESHGATE_SIGNATURE_MAX_AGE_SECONDS: expected a positive whole number/],
    ['a wrong max age and a short secret, both at once', { MESHGATE_SIGNATURE_MAX_AGE_SECONDS: 'x', MESHGATE_SUBGRAPH_SECRET: 'short-secret' }, /MAX_AGE_SECONDS: expected a positive whole number[\s\S]*at least 32 characters each/],
    ['a JWKS URL, which HMAC does not use', { MESHGATE_GATEWAY_JWKS_URL: 'http://gateway:4000/.well-known/jwks.json' }, /MESHGATE_GATEWAY_JWKS_URL: is set, but MESHGATE_SIGNING=hmac/],
  ])('a subgraph refuses %s', (_name, env, message) => {
    const load = () => loadSignatureCheck({ ...HMAC, ...env });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
    expect(load).not.toThrow('short-secret');
  });

  it('the gateway refuses a signing key next to MESHGATE_SIGNING=hmac', () => {
    expect(() => loadSigningConfig({ ...HMAC, MESHGATE_SIGNING_KEY_FILE: '/run/secrets/key' })).toThrow(/MESHGATE_SIGNING_KEY_FILE: is set, but MESHGATE_SIGNING=hmac/);
  });
});
