import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/env.js';
import { generateSigningKey, publicJwks } from './ed25519.js';
import { DEFAULT_GATEWAY_JWKS_URL, loadSignatureCheck } from './verifier-config.js';

const dir = mkdtempSync(join(tmpdir(), 'meshgate-verifier-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (text: string) => {
  const path = join(dir, `jwks-${++files}.json`);
  writeFileSync(path, text);
  return path;
};

const GATEWAY = generateSigningKey();
const JWKS = publicJwks([GATEWAY]);

describe('loadSignatureCheck: Ed25519 (the default)', () => {
  it('fetches the gateway\'s keys from its default address when nothing is set, in production too (nothing secret is needed)', () => {
    const expected = { verify: true, mode: 'ed25519', jwks: { kind: 'remote', url: DEFAULT_GATEWAY_JWKS_URL }, maxAgeSeconds: 60 };
    expect(DEFAULT_GATEWAY_JWKS_URL).toBe('http://127.0.0.1:4000/.well-known/jwks.json');
    expect(loadSignatureCheck({})).toEqual(expected);
    expect(loadSignatureCheck({ NODE_ENV: 'production' })).toEqual(expected);
  });

  it('fetches them from MESHGATE_GATEWAY_JWKS_URL', () => {
    expect(loadSignatureCheck({ MESHGATE_GATEWAY_JWKS_URL: 'http://gateway:4000/.well-known/jwks.json', MESHGATE_SIGNATURE_MAX_AGE_SECONDS: '30' })).toEqual({
      verify: true,
      mode: 'ed25519',
      jwks: { kind: 'remote', url: 'http://gateway:4000/.well-known/jwks.json' },
      maxAgeSeconds: 30,
    });
  });

  it('reads them from MESHGATE_GATEWAY_JWKS_FILE at start-up', () => {
    const path = file(JSON.stringify(JWKS));
    expect(loadSignatureCheck({ MESHGATE_GATEWAY_JWKS_FILE: path })).toEqual({
      verify: true,
      mode: 'ed25519',
      jwks: { kind: 'static', jwks: JWKS, source: `the JWKS file ${path}` },
      maxAgeSeconds: 60,
    });
  });

  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  it.each<[string, () => Record<string, string>, RegExp]>([
    ['a URL and a file', () => ({ MESHGATE_GATEWAY_JWKS_URL: 'http://gateway:4000/.well-known/jwks.json', MESHGATE_GATEWAY_JWKS_FILE: file(JSON.stringify(JWKS)) }), /^MESHGATE_GATEWAY_JWKS_FILE: cannot be combined with MESHGATE_GATEWAY_JWKS_URL/],
    ['a URL that is not http(s)', () => ({ MESHGATE_GATEWAY_JWKS_URL: 'gateway:4000/jwks' }), /^MESHGATE_GATEWAY_JWKS_URL: expected a URL starting with http:\/\/ or https:\/\/ \(got "gateway:4000\/jwks"\)$/],
    ['a file that does not exist', () => ({ MESHGATE_GATEWAY_JWKS_FILE: join(dir, 'missing.json') }), /^MESHGATE_GATEWAY_JWKS_FILE: cannot read a JWK Set from .*missing\.json \(ENOENT\)/],
    ['a file that is not JSON', () => ({ MESHGATE_GATEWAY_JWKS_FILE: file('keys: []') }), /\(not JSON\): expected the JSON the gateway serves at \/\.well-known\/jwks\.json$/],
    ['a file with an empty set', () => ({ MESHGATE_GATEWAY_JWKS_FILE: file('{"keys": []}') }), /the "keys" array is empty/],
    ['a file with the gateway\'s private key', () => ({ MESHGATE_GATEWAY_JWKS_FILE: file(JSON.stringify({ keys: [{ ...GATEWAY.privateKey.export({ format: 'jwk' }), kid: GATEWAY.kid }] })) }), /keys\[0\] holds private key material \("d"\): give subgraphs only the public keys/],
    ['a file with an RSA key', () => ({ MESHGATE_GATEWAY_JWKS_FILE: file(JSON.stringify({ keys: [{ ...rsa, kid: 'r' }] })) }), /keys\[0\] is not an Ed25519 public key/],
    ['a file with a key without kid', () => ({ MESHGATE_GATEWAY_JWKS_FILE: file(JSON.stringify({ keys: [{ ...JWKS.keys[0], kid: undefined }] })) }), /keys\[0\] has no "kid"/],
    ['a shared secret next to the default', () => ({ MESHGATE_SUBGRAPH_SECRET: 'an-operator-secret-of-at-least-32-chars' }), /^MESHGATE_SUBGRAPH_SECRET: is set, but MESHGATE_SIGNING is ed25519 \(the default\).*\(value not shown\)$/],
    ['an unknown scheme', () => ({ MESHGATE_SIGNING: 'none' }), /^MESHGATE_SIGNING: expected ed25519 .* or hmac .*\(got "none"\)$/],
  ])('refuses %s, naming the variable', (_name, env, message) => {
    let error: unknown;
    try {
      loadSignatureCheck(env());
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toContainEqual(expect.stringMatching(message));
    expect((error as Error).message).not.toContain('an-operator-secret');
  });
});
