import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { describeKey, signingKeyFrom, type SigningKey } from './ed25519.js';

/**
 * Reads the gateway's private keys from the text of `MESHGATE_SIGNING_KEY` or of the file
 * `MESHGATE_SIGNING_KEY_FILE`: PEM with one or more PKCS#8 Ed25519 private keys
 * (`openssl genpkey -algorithm ed25519`), or a JWK Set JSON of Ed25519 private keys (a single JWK
 * is taken as a set of one). Order matters: the first key signs, every one is published (rotation).
 *
 * A refusal names the key by its place ("PEM block #2", "keys[1]") and says what it is and what
 * was expected, never a byte of it.
 */
export function parseSigningKeys(text: string): SigningKey[] {
  const trimmed = unescapeNewlines(text.trim());
  if (trimmed === '') throw new Error('is empty: expected PEM (-----BEGIN PRIVATE KEY-----) or a JWK Set JSON ({"keys": [...]})');
  const keys = trimmed.startsWith('{') ? fromJwkSet(trimmed) : trimmed.includes('-----BEGIN ') ? fromPem(trimmed) : undefined;
  if (!keys) {
    throw new Error('is neither PEM (-----BEGIN PRIVATE KEY-----, PKCS#8, e.g. openssl genpkey -algorithm ed25519) nor a JWK Set JSON ({"keys": [...]})');
  }
  if (keys.length === 0) throw new Error('holds no key: expected at least one Ed25519 private key');
  const seen = new Map<string, number>();
  keys.forEach((key, index) => {
    const first = seen.get(key.kid);
    if (first !== undefined) throw new Error(`lists the same key twice (#${first + 1} and #${index + 1}, kid "${key.kid}")`);
    seen.set(key.kid, index);
  });
  return keys;
}

/** A PEM written into one environment variable often has its line breaks as the two characters `\n`. */
function unescapeNewlines(text: string): string {
  return !text.includes('\n') && text.includes('\\n') ? text.replaceAll('\\n', '\n') : text;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function fromPem(text: string): SigningKey[] {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) throw new Error('has a "-----BEGIN" line without its matching "-----END" line: expected complete PEM blocks');
  return blocks.map(([block, label], index) => {
    const name = `PEM block #${index + 1}`;
    const wrongLabel = PEM_LABELS[label];
    if (wrongLabel) throw new Error(`${name} is ${wrongLabel}`);
    if (label !== 'PRIVATE KEY') throw new Error(`${name} is a "${label}": expected "PRIVATE KEY" (PKCS#8, e.g. openssl genpkey -algorithm ed25519)`);
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: block, format: 'pem' });
    } catch {
      throw new Error(`${name} is not a readable PKCS#8 private key`);
    }
    return asSigningKey(key, name);
  });
}

// Labels of things that are not a PKCS#8 private key, and what to do instead.
const PEM_LABELS: Record<string, string> = {
  'ENCRYPTED PRIVATE KEY': 'an encrypted private key: expected an unencrypted PKCS#8 key ("PRIVATE KEY"); protect the file, not the key',
  'PUBLIC KEY': 'a public key: expected the private key (the gateway publishes its public half itself)',
  'RSA PRIVATE KEY': 'an RSA private key: expected an Ed25519 private key (openssl genpkey -algorithm ed25519)',
  'EC PRIVATE KEY': 'an EC private key: expected an Ed25519 private key (openssl genpkey -algorithm ed25519)',
  'OPENSSH PRIVATE KEY': 'an OpenSSH private key: expected PKCS#8 (convert it with ssh-keygen -p -m PKCS8 -f <file>, or openssl genpkey -algorithm ed25519)',
  CERTIFICATE: 'a certificate: expected the private key (PKCS#8 "PRIVATE KEY")',
};

function fromJwkSet(text: string): SigningKey[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text around the error: not for a secret.
    throw new Error('starts with "{" but is not valid JSON: expected a JWK Set ({"keys": [...]})');
  }
  const record = json as Record<string, unknown>;
  const list: unknown[] | undefined = Array.isArray(record.keys) ? record.keys : typeof record.kty === 'string' ? [record] : undefined;
  if (!list) throw new Error('is JSON without a "keys" array: expected a JWK Set ({"keys": [...]}) of Ed25519 private keys');
  return list.map((entry, index) => {
    const name = `keys[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${name} is not an object: expected a JWK`);
    const jwk = entry as Record<string, unknown>;
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') {
      throw new Error(`${name} has kty ${JSON.stringify(jwk.kty)}${jwk.crv === undefined ? '' : ` and crv ${JSON.stringify(jwk.crv)}`}: expected an Ed25519 key (kty "OKP", crv "Ed25519")`);
    }
    if (typeof jwk.d !== 'string') throw new Error(`${name} is a public key (no "d"): expected the private key (the gateway publishes its public half itself)`);
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: jwk.d, x: typeof jwk.x === 'string' ? jwk.x : undefined } as JsonWebKey, format: 'jwk' });
    } catch {
      throw new Error(`${name} is not a readable Ed25519 private key ("d" must be 32 bytes, base64url)`);
    }
    const signing = asSigningKey(key, name);
    // node derives the public key from "d" alone; a different "x" would mean the file does not say what it publishes.
    if (jwk.x !== undefined && jwk.x !== signing.publicJwk.x) throw new Error(`${name} has an "x" that is not the public half of its "d"`);
    if (jwk.kid !== undefined && jwk.kid !== signing.kid) {
      throw new Error(`${name} has kid ${JSON.stringify(jwk.kid)}: expected no kid or its RFC 7638 thumbprint "${signing.kid}" (Meshgate names keys by thumbprint)`);
    }
    return signing;
  });
}

function asSigningKey(key: KeyObject, name: string): SigningKey {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${name} is ${describeKey(key)}: expected an Ed25519 private key (openssl genpkey -algorithm ed25519)`);
  return signingKeyFrom(key);
}

/** A key as PKCS#8 PEM: what the cluster primary hands its workers (signer-config.ts). */
export function pkcs8Pem(keys: readonly SigningKey[]): string {
  return keys.map((key) => key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string).join('');
}
