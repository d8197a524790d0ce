import { createHash, sign } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { commonSchemeCases, SCHEME_ANALYST, SCHEME_BODY, SCHEME_NOW, type SchemeCase } from '../../test/support/signing-cases.js';
import { ANONYMOUS, type Principal } from '../principal.js';
import { generateSigningKey, publicJwks, signEd25519, verifyEd25519, type Ed25519VerifyOptions, type SigningKey } from './ed25519.js';
import { SIGNATURE_HEADERS } from './headers.js';
import { signHmac } from './hmac.js';
import { staticGatewayKeys } from './jwks.js';

const NOW = SCHEME_NOW;
const BODY = SCHEME_BODY;
const ANALYST: Principal = SCHEME_ANALYST;
const GATEWAY = generateSigningKey();
/** A second gateway key pair: a key no subgraph here has been given. */
const STRANGER = generateSigningKey();
/** The key a rotation moves to. */
const NEXT = generateSigningKey();

const keySet = (...keys: SigningKey[]) => staticGatewayKeys(publicJwks(keys), 'the test key set');
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

const signed = (over: { body?: string; principal?: Principal; key?: SigningKey; audience?: string; now?: number } = {}) =>
  signEd25519({ body: over.body ?? BODY, principal: over.principal ?? ANALYST, audience: over.audience ?? 'inventory', key: over.key ?? GATEWAY, now: over.now ?? NOW });

/** A v2 signature over the documented input with any protected header, signed by `key`: what a forger controls. */
const handSigned = (header: Record<string, unknown>, key: SigningKey = GATEWAY, headers = signed()) => {
  const contentHash = createHash('sha256').update(BODY).digest('hex');
  const input = `${b64(header)}.${b64(`${headers[SIGNATURE_HEADERS.timestamp]}\n${contentHash}\n${headers[SIGNATURE_HEADERS.principal]}`)}`;
  return { ...headers, [SIGNATURE_HEADERS.signature]: `v2=${b64(header)}..${sign(null, Buffer.from(input), key.privateKey).toString('base64url')}` };
};

describe('verifyEd25519', () => {
  type Case = SchemeCase<Ed25519VerifyOptions>;
  const cases: Case[] = [
    ...commonSchemeCases<Ed25519VerifyOptions>((principal) => signed({ principal }), ANONYMOUS),
    ['a wrong key (another gateway key pair, not in the key set)', { headers: signed({ key: STRANGER }) }, { reason: new RegExp(`^signed with key "${STRANGER.kid}", which is not among the gateway keys this subgraph trusts \\(the test key set\\)`) }],
    ['a wrong key claiming the gateway key id', { headers: handSigned({ alg: 'EdDSA', kid: GATEWAY.kid, aud: 'inventory', crit: ['aud'] }, STRANGER) }, { reason: /^signature does not match the request/ }],
    ['an unknown kid', { headers: handSigned({ alg: 'EdDSA', kid: 'made-up', aud: 'inventory', crit: ['aud'] }) }, { reason: /^signed with key "made-up", which is not among the gateway keys/ }],
    ['a wrong audience (signed for marketing, replayed to inventory)', { headers: signed({ audience: 'marketing' }) }, { reason: /^signature is for subgraph "marketing", not for this one \("inventory"\): a request signed for one subgraph cannot be replayed to another$/ }],
    ['a signature naming no audience', { headers: handSigned({ alg: 'EdDSA', kid: GATEWAY.kid }) }, { reason: /^signature names no subgraph \("aud" in its protected header\): expected "inventory"$/ }],
    ['an unknown critical header', { headers: handSigned({ alg: 'EdDSA', kid: GATEWAY.kid, aud: 'inventory', crit: ['aud', 'exp'] }) }, { reason: /^malformed x-meshgate-signature: .*"exp"/ }],
    ['another algorithm', { headers: handSigned({ alg: 'ES256', kid: GATEWAY.kid, aud: 'inventory' }) }, { reason: /^signature algorithm "ES256" is not accepted: expected EdDSA/ }],
    ['a tampered body', { rawBody: BODY.replace('id', 'sku') }, { reason: /^signature does not match the request: body, principal, timestamp or audience changed/ }],
    ['a tampered principal', { headers: { ...signed(), [SIGNATURE_HEADERS.principal]: b64({ ...ANALYST, scopes: ['admin'] }) } }, { reason: /^signature does not match/ }],
    ['a tampered timestamp', { headers: { ...signed(), [SIGNATURE_HEADERS.timestamp]: String(NOW / 1000 + 1) } }, { reason: /^signature does not match/ }],
    ['an expired signature (61 s old)', { now: NOW + 61_000 }, { reason: /^signature is 61 s old; the limit is 60 s$/ }],
    ['a signature dated 61 s in the future', { now: NOW - 61_000 }, { reason: /^signature is dated 61 s in the future; the limit is 60 s$/ }],
    ['a stricter max age', { now: NOW + 11_000, maxAgeSeconds: 10 }, { reason: /^signature is 11 s old; the limit is 10 s$/ }],
    ['a malformed signature', { headers: { ...signed(), [SIGNATURE_HEADERS.signature]: 'v2=abc' } }, { reason: /^malformed x-meshgate-signature "v2=abc": expected "v2=" and a JWS with a detached payload/ }],
    ['an HMAC signature', { headers: signHmac({ body: BODY, principal: ANALYST, secret: 'a-secret-of-at-least-32-characters!!', now: NOW }) }, { reason: /is an HMAC signature \(v1=, MESHGATE_SIGNING=hmac\) but this subgraph verifies Ed25519/ }],
    ['a principal of the wrong shape, correctly signed', { headers: handSigned({ alg: 'EdDSA', kid: GATEWAY.kid, aud: 'inventory', crit: ['aud'] }, GATEWAY, { ...signed(), [SIGNATURE_HEADERS.principal]: b64({ authenticated: 'yes' }) }) }, { reason: /^x-meshgate-principal is not base64url JSON of a Principal/ }],
    ['rotation: signed with the old key while it is still published', { headers: signed({ key: GATEWAY }), keys: keySet(NEXT, GATEWAY) }, { principal: ANALYST }],
    ['rotation: signed with the new key', { headers: signed({ key: NEXT }), keys: keySet(NEXT, GATEWAY) }, { principal: ANALYST }],
    ['rotation: the old key removed from the key set', { headers: signed({ key: GATEWAY }), keys: keySet(NEXT) }, { reason: new RegExp(`^signed with key "${GATEWAY.kid}", which is not among`) }],
  ];

  it.each(cases)('%s', async (_name, change, expected) => {
    const verdict = await verifyEd25519({ headers: signed(), rawBody: BODY, audience: 'inventory', keys: keySet(GATEWAY), now: NOW, ...change });
    if ('principal' in expected) expect(verdict).toEqual({ ok: true, principal: expected.principal });
    else expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(expected.reason) });
  });
});

describe('the documented scheme', () => {
  it('is a detached JWS any JOSE library verifies with the published key', async () => {
    const headers = signed();
    const [, header, signature] = /^v2=([^.]+)\.\.([^.]+)$/.exec(headers[SIGNATURE_HEADERS.signature])!;
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'EdDSA', kid: GATEWAY.kid, aud: 'inventory', crit: ['aud'] });
    const contentHash = createHash('sha256').update(BODY).digest('hex');
    const payload = `${headers[SIGNATURE_HEADERS.timestamp]}\n${contentHash}\n${headers[SIGNATURE_HEADERS.principal]}`;
    const { payload: verified } = await compactVerify(`${header}.${b64(payload)}.${signature}`, await importJWK(GATEWAY.publicJwk, 'EdDSA'), { crit: { aud: true } });
    expect(Buffer.from(verified).toString()).toBe(payload);
    expect(headers[SIGNATURE_HEADERS.timestamp]).toBe(String(NOW / 1000));
    expect(JSON.parse(Buffer.from(headers[SIGNATURE_HEADERS.principal], 'base64url').toString())).toEqual(ANALYST);
  });

  it('names each key by its RFC 7638 thumbprint and publishes only public halves', async () => {
    expect(GATEWAY.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: GATEWAY.publicJwk.x }));
    expect(publicJwks([NEXT, GATEWAY])).toEqual({
      keys: [NEXT, GATEWAY].map((k) => ({ kty: 'OKP', crv: 'Ed25519', x: k.publicJwk.x, kid: k.kid, alg: 'EdDSA', use: 'sig' })),
    });
    expect(JSON.stringify(publicJwks([GATEWAY]))).not.toContain('"d"');
  });
});
