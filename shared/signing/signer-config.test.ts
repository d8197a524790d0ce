import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/env.js';
import { generateSigningKey, type SigningKey } from './ed25519.js';
import { pkcs8Pem } from './private-keys.js';
import { loadSigningConfig, signingWarnings, workerSigningEnv, type SigningConfig } from './signer-config.js';

const dir = mkdtempSync(join(tmpdir(), 'meshgate-signer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (text: string) => {
  const path = join(dir, `key-${++files}`);
  writeFileSync(path, text);
  return path;
};

const FIRST = generateSigningKey();
const SECOND = generateSigningKey();
const privateJwk = (key: SigningKey) => key.privateKey.export({ format: 'jwk' });
const d = (key: SigningKey) => privateJwk(key).d!;
const kids = (config: SigningConfig) => (config.mode === 'ed25519' ? config.keys.map((k) => k.kid) : []);
const rsaPem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
const ecSec1Pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'sec1' }) as string;
const publicPem = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }) as string;
const encryptedPem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;

describe('loadSigningConfig: Ed25519 (the default)', () => {
  it('generates a key at start-up when none is configured, outside production, and says so', () => {
    const config = loadSigningConfig({});
    expect(config).toMatchObject({ mode: 'ed25519', ephemeral: true });
    expect(kids(config)).toHaveLength(1);
    expect(kids(loadSigningConfig({}))).not.toEqual(kids(config));
    expect(signingWarnings(config)).toEqual([expect.stringMatching(/^MESHGATE_SIGNING_KEY_FILE is not set: signing subgraph requests with a key generated at start-up/)]);
  });

  it.each<[string, () => Record<string, string>, SigningKey[]]>([
    ['one PEM key inline', () => ({ MESHGATE_SIGNING_KEY: pkcs8Pem([FIRST]) }), [FIRST]],
    ['an inline PEM whose line breaks are written \\n', () => ({ MESHGATE_SIGNING_KEY: pkcs8Pem([FIRST]).replaceAll('\n', '\\n') }), [FIRST]],
    ['a PEM file of two keys, in order (the first signs)', () => ({ MESHGATE_SIGNING_KEY_FILE: file(pkcs8Pem([SECOND, FIRST])) }), [SECOND, FIRST]],
    ['a JWK Set file of private keys', () => ({ MESHGATE_SIGNING_KEY_FILE: file(JSON.stringify({ keys: [privateJwk(FIRST), { ...privateJwk(SECOND), kid: SECOND.kid }] })) }), [FIRST, SECOND]],
    ['a single private JWK inline', () => ({ MESHGATE_SIGNING_KEY: JSON.stringify(privateJwk(FIRST)) }), [FIRST]],
    ['production with a key file', () => ({ NODE_ENV: 'production', MESHGATE_SIGNING_KEY_FILE: file(pkcs8Pem([FIRST])) }), [FIRST]],
    ['MESHGATE_SIGNING=ed25519 said out loud', () => ({ MESHGATE_SIGNING: 'ed25519', MESHGATE_SIGNING_KEY: pkcs8Pem([FIRST]) }), [FIRST]],
  ])('reads %s', (_name, env, expected) => {
    const config = loadSigningConfig(env());
    expect(config).toMatchObject({ mode: 'ed25519', ephemeral: false });
    expect(kids(config)).toEqual(expected.map((k) => k.kid));
    expect(signingWarnings(config)).toEqual([]);
  });

  it.each<[string, () => Record<string, string>, RegExp]>([
    ['production without a key', () => ({ NODE_ENV: 'production' }), /^MESHGATE_SIGNING_KEY_FILE: expected the gateway's Ed25519 private key .* refused when NODE_ENV=production \(not set\)$/],
    ['both variables', () => ({ MESHGATE_SIGNING_KEY: pkcs8Pem([FIRST]), MESHGATE_SIGNING_KEY_FILE: file(pkcs8Pem([FIRST])) }), /^MESHGATE_SIGNING_KEY: cannot be combined with MESHGATE_SIGNING_KEY_FILE/],
    ['a file that does not exist', () => ({ MESHGATE_SIGNING_KEY_FILE: join(dir, 'missing.pem') }), /missing\.pem cannot be read \(ENOENT\): expected a file with the gateway's Ed25519 private key/],
    ['an empty file', () => ({ MESHGATE_SIGNING_KEY_FILE: file('\n') }), /is empty: expected PEM/],
    ['text that is no key', () => ({ MESHGATE_SIGNING_KEY: 'hunter2-but-longer' }), /^MESHGATE_SIGNING_KEY: is neither PEM .* nor a JWK Set JSON .*\(value not shown\)$/],
    ['an RSA key', () => ({ MESHGATE_SIGNING_KEY_FILE: file(rsaPem) }), /PEM block #1 is an RSA private key: expected an Ed25519 private key/],
    ['an EC key (SEC1)', () => ({ MESHGATE_SIGNING_KEY_FILE: file(ecSec1Pem) }), /PEM block #1 is an EC private key: expected an Ed25519 private key/],
    ['a public key', () => ({ MESHGATE_SIGNING_KEY_FILE: file(publicPem) }), /PEM block #1 is a public key: expected the private key/],
    ['an encrypted key', () => ({ MESHGATE_SIGNING_KEY_FILE: file(encryptedPem) }), /PEM block #1 is an encrypted private key: expected an unencrypted PKCS#8 key/],
    ['the second of two blocks broken', () => ({ MESHGATE_SIGNING_KEY_FILE: file(pkcs8Pem([FIRST]) + '-----BEGIN PRIVATE KEY-----\nnot-base64\n-----END PRIVATE KEY-----\n') }), /PEM block #2 is not a readable PKCS#8 private key/],
    ['a PEM cut short', () => ({ MESHGATE_SIGNING_KEY: pkcs8Pem([FIRST]).split('-----END')[0] }), /"-----BEGIN" line without its matching "-----END" line/],
    ['the same key twice', () => ({ MESHGATE_SIGNING_KEY_FILE: file(pkcs8Pem([FIRST, FIRST])) }), /lists the same key twice \(#1 and #2/],
    ['a JWK Set of public keys', () => ({ MESHGATE_SIGNING_KEY: JSON.stringify({ keys: [FIRST.publicJwk] }) }), /keys\[0\] is a public key \(no "d"\): expected the private key/],
    ['a JWK Set with an RSA key', () => ({ MESHGATE_SIGNING_KEY: JSON.stringify({ keys: [privateJwk(FIRST), { kty: 'RSA', n: 'x', e: 'AQAB', d: 'y' }] }) }), /keys\[1\] has kty "RSA": expected an Ed25519 key \(kty "OKP", crv "Ed25519"\)/],
    ['a JWK whose kid is not its thumbprint', () => ({ MESHGATE_SIGNING_KEY: JSON.stringify({ keys: [{ ...privateJwk(FIRST), kid: 'key-1' }] }) }), /keys\[0\] has kid "key-1": expected no kid or its RFC 7638 thumbprint/],
    ['a JWK whose x is another key\'s', () => ({ MESHGATE_SIGNING_KEY: JSON.stringify({ keys: [{ ...privateJwk(FIRST), x: SECOND.publicJwk.x }] }) }), /keys\[0\] has an "x" that is not the public half of its "d"/],
    ['JSON that is not valid', () => ({ MESHGATE_SIGNING_KEY: `{"keys": [{"d": "${d(FIRST)}"` }), /starts with "\{" but is not valid JSON/],
    ['JSON without keys', () => ({ MESHGATE_SIGNING_KEY: '{"key": 1}' }), /is JSON without a "keys" array/],
    ['a shared secret next to the default', () => ({ MESHGATE_SUBGRAPH_SECRET: 'an-operator-secret-of-at-least-32-chars' }), /^MESHGATE_SUBGRAPH_SECRET: is set, but MESHGATE_SIGNING is ed25519 \(the default\).*set MESHGATE_SIGNING=hmac/],
    ['an unknown scheme', () => ({ MESHGATE_SIGNING: 'rsa' }), /^MESHGATE_SIGNING: expected ed25519 .* or hmac/],
  ])('refuses %s, naming the variable and never the key', (_name, env, message) => {
    const given = env();
    let error: unknown;
    try {
      loadSigningConfig(given);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toContainEqual(expect.stringMatching(message));
    // Not a byte of any key: neither the PEM body nor a JWK's private part.
    const text = (error as Error).message;
    for (const secret of [d(FIRST), d(SECOND), ...pkcs8Pem([FIRST, SECOND]).split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('hunter2');
  });
});

describe('a key generated at start-up, in multi-process mode', () => {
  it('is handed to every worker by the primary, so they all sign with and publish the same key', () => {
    const primary = loadSigningConfig({});
    const env = workerSigningEnv(primary);
    expect(Object.keys(env)).toEqual(['MESHGATE_SIGNING_KEY']);
    const workers = [loadSigningConfig(env), loadSigningConfig(env)];
    for (const worker of workers) expect(kids(worker)).toEqual(kids(primary));
    // The workers were given a key: they do not warn again, the primary did.
    expect(workers.map(signingWarnings)).toEqual([[], []]);
  });

  it('is not needed when a key is configured: each worker reads it itself', () => {
    expect(workerSigningEnv(loadSigningConfig({ MESHGATE_SIGNING_KEY_FILE: file(pkcs8Pem([FIRST])) }))).toEqual({});
    expect(workerSigningEnv(loadSigningConfig({ MESHGATE_SIGNING: 'hmac' }))).toEqual({});
  });
});
