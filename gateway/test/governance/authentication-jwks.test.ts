import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { createAuthenticator, type RemoteJwksAuthenticationOptions } from '../../src/governance/authentication.js';
import { ErrorCode, HttpError } from '../../../shared/errors.js';

const ISSUER = 'https://idp.example';
const AUDIENCE = 'meshgate';

interface SigningKey {
  kid: string | undefined;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(alg: 'RS256' | 'ES256', kid: string | undefined): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(publicKey)), alg, use: 'sig', ...(kid !== undefined ? { kid } : {}) };
  return { kid, alg, privateKey, jwk };
}

function tokenFrom(key: SigningKey, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ scope: 'finance:read', ...claims })
    .setProtectedHeader({ alg: key.alg, ...(key.kid !== undefined ? { kid: key.kid } : {}) })
    .setSubject('alice')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key.privateKey);
}

let rsa: SigningKey;
let ec: SigningKey;
let rotated: SigningKey;
let impostor: SigningKey; // claims rsa's kid, signs with another key

// What the identity provider serves, changed by tests to rotate keys; and how often it was asked.
let served: { status: number; keys: JWK[] };
let fetches = 0;
let server: Server;
let jwksUrl: string;

beforeAll(async () => {
  [rsa, ec, rotated, impostor] = await Promise.all([
    signingKey('RS256', 'rsa-1'),
    signingKey('ES256', 'ec-1'),
    signingKey('RS256', 'rsa-2'),
    signingKey('RS256', 'rsa-1'),
  ]);
  server = createServer((_req, res) => {
    fetches += 1;
    res.writeHead(served.status, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  served = { status: 200, keys: [rsa.jwk, ec.jwk] };
  fetches = 0;
});

const remote = (overrides: Partial<RemoteJwksAuthenticationOptions> = {}) =>
  createAuthenticator({ kind: 'jwks', url: jwksUrl, issuer: ISSUER, audience: AUDIENCE, ...overrides });

async function refusalMessage(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  expect(error).toMatchObject({ status: 401, code: ErrorCode.AuthError });
  return (error as HttpError).message;
}

describe('JWKS over HTTP', () => {
  it.each([
    ['RS256', () => rsa],
    ['ES256', () => ec],
  ])('accepts a valid %s token, fetching the key set once for many verifications', async (_alg, key) => {
    const auth = remote({ verifiedTokenCacheSize: 0 });
    await expect(auth.authenticate(`Bearer ${await tokenFrom(key())}`)).resolves.toMatchObject({ authenticated: true, subject: 'alice', scopes: ['finance:read'] });
    await expect(auth.authenticate(`Bearer ${await tokenFrom(key(), { scope: 'other' })}`)).resolves.toMatchObject({ scopes: ['other'] });
    expect(fetches).toBe(1);
  });

  it('refuses an HS256 token: a shared-secret algorithm is not allowed with a key set', async () => {
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' }).setExpirationTime('10m').sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await refusalMessage(remote().authenticate(`Bearer ${hs}`))).toMatch(/algorithm "HS256" is not allowed here; expected one of RS256, ES256/);
    expect(fetches).toBe(0);
  });

  it('refuses a token whose kid is known but whose signature is not from that key', async () => {
    expect(await refusalMessage(remote().authenticate(`Bearer ${await tokenFrom(impostor)}`))).toMatch(/the signature does not verify with the key set/);
  });

  it('within the cooldown (jose default 30 s), an unknown kid fails without asking the provider again', async () => {
    const auth = remote();
    await auth.authenticate(`Bearer ${await tokenFrom(rsa)}`);
    served = { status: 200, keys: [rsa.jwk, ec.jwk, rotated.jwk] };
    expect(await refusalMessage(auth.authenticate(`Bearer ${await tokenFrom(rotated)}`))).toMatch(/no key in the key set matches the token's kid "rsa-2" and algorithm "RS256"/);
    expect(fetches).toBe(1);
  });

  it('after the cooldown, an unknown kid refetches once; after the provider rotates its keys, it verifies', async () => {
    const auth = remote({ cooldownSeconds: 0 });
    const token = await tokenFrom(rotated);
    expect(await refusalMessage(auth.authenticate(`Bearer ${token}`))).toMatch(/kid "rsa-2"/);
    expect(fetches).toBe(2); // the first fetch, then exactly one refetch for the unknown kid
    served = { status: 200, keys: [ec.jwk, rotated.jwk] };
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ subject: 'alice' });
    expect(fetches).toBe(3);
  });

  it('tries each candidate key when the token has no kid and several keys could match', async () => {
    const [first, second] = await Promise.all([signingKey('RS256', undefined), signingKey('RS256', undefined)]);
    served = { status: 200, keys: [first!.jwk, second!.jwk] };
    await expect(remote().authenticate(`Bearer ${await tokenFrom(second!)}`)).resolves.toMatchObject({ subject: 'alice' });
    const stranger = await signingKey('RS256', undefined);
    expect(await refusalMessage(remote().authenticate(`Bearer ${await tokenFrom(stranger)}`))).toMatch(/the signature does not verify with the key set/);
  });

  it('says the key set could not be fetched when the provider fails, without naming its URL', async () => {
    served = { status: 500, keys: [] };
    const message = await refusalMessage(remote().authenticate(`Bearer ${await tokenFrom(rsa)}`));
    expect(message).toMatch(/the key set could not be fetched/);
    expect(message).not.toContain(jwksUrl);
  });

  it('refuses a URL that is not http(s) at creation', () => {
    expect(() => createAuthenticator({ kind: 'jwks', url: 'file:///etc/jwks.json' })).toThrow('must start with http:// or https://, got "file://"');
    expect(() => createAuthenticator({ kind: 'jwks', url: 'idp/jwks' })).toThrow('must be an absolute http:// or https:// URL');
  });
});

describe('JWKS from a file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshgate-jwks-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(content: unknown, name = `jwks-${Math.random().toString(36).slice(2)}.json`): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  it('verifies RS256 and ES256 tokens with the keys read at creation, and refuses an unknown kid', async () => {
    const auth = createAuthenticator({ kind: 'jwks-file', path: await file({ keys: [rsa.jwk, ec.jwk] }), issuer: ISSUER, audience: AUDIENCE });
    await expect(auth.authenticate(`Bearer ${await tokenFrom(rsa)}`)).resolves.toMatchObject({ subject: 'alice' });
    await expect(auth.authenticate(`Bearer ${await tokenFrom(ec)}`)).resolves.toMatchObject({ subject: 'alice' });
    expect(await refusalMessage(auth.authenticate(`Bearer ${await tokenFrom(rotated)}`))).toMatch(/no key in the key set file matches the token's kid "rsa-2"/);
  });

  it.each<[string, () => Promise<unknown>, string]>([
    ['not JSON', async () => '{"keys": [', 'is not JSON'],
    ['an array', async () => [rsa.jwk], 'expected an object {"keys": [...]}, got an array'],
    ['a single JWK', async () => rsa.jwk, 'got a single JWK (kty "RSA"); wrap it in {"keys": [ ... ]}'],
    ['an object without keys', async () => ({ key: [] }), 'expected an object with a "keys" array, got an object with members "key"'],
    ['an empty key list', async () => ({ keys: [] }), 'the "keys" array is empty'],
    ['a key without kty', async () => ({ keys: [{ kid: 'x', n: 'abc' }] }), 'keys[0] (kid "x") has no "kty" member'],
    ['a private key', async () => ({ keys: [{ ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey)), kid: 'p' }] }), 'keys[0] (kid "p") holds private key material ("d")'],
    ['a symmetric key', async () => ({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }), 'keys[0] is a symmetric ("oct") key'],
  ])('refuses a file that is %s, saying what is wrong', async (_name, content, message) => {
    const path = await file(await content());
    expect(() => createAuthenticator({ kind: 'jwks-file', path })).toThrow(message);
    expect(() => createAuthenticator({ kind: 'jwks-file', path })).toThrow(path);
  });

  it('refuses a file that does not exist, naming it', () => {
    expect(() => createAuthenticator({ kind: 'jwks-file', path: join(dir, 'missing.json') })).toThrow(`Cannot read the JWKS file ${join(dir, 'missing.json')}`);
  });
});
