import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { ANONYMOUS, type Principal } from '../../../shared/principal.js';
import { generateSigningKey, publicJwks, verifyEd25519 } from '../../../shared/signing/ed25519.js';
import { verifyHmac } from '../../../shared/signing/hmac.js';
import { staticGatewayKeys } from '../../../shared/signing/jwks.js';
import type { SigningConfig } from '../../../shared/signing/signer-config.js';
import { JWKS_PATH, jwksRoute, signingDecorator } from '../../src/execution/request-signing.js';

const ANALYST: Principal = { authenticated: true, subject: 'ana', scopes: ['read:inventory'], claims: { sub: 'ana' } };
const BODY = '{"query":"{ products { id } }"}';
const CURRENT = generateSigningKey();
const PREVIOUS = generateSigningKey();
const ED25519: SigningConfig = { mode: 'ed25519', keys: [CURRENT, PREVIOUS], ephemeral: false };
const SECRET = 'a-secret-of-at-least-32-characters-long';
const HMAC: SigningConfig = { mode: 'hmac', secrets: [SECRET, 'an-older-secret-still-accepted-by-some'], development: false };

type Kind<K> = Extract<GraphQLDataSourceProcessOptions, { kind: K }>['kind'];
const incoming = (context: Record<string, unknown>): GraphQLDataSourceProcessOptions => ({
  kind: 'incoming operation' as Kind<'incoming operation'>,
  request: { query: '{ products { id } }' },
  // The decorator only tests for its presence; a full request context is the gateway's to build.
  incomingRequestContext: {} as GatewayGraphQLRequestContext,
  context,
});
const healthCheck: GraphQLDataSourceProcessOptions = { kind: 'health check' as Kind<'health check'>, request: { query: '{ __typename }' }, context: { principal: ANALYST } };

const decorated = (signing: SigningConfig, name: string, options: GraphQLDataSourceProcessOptions) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  signingDecorator(signing, name)(BODY, headers, options);
  return headers;
};
const keys = staticGatewayKeys(publicJwks([CURRENT]), 'the test key set');

describe('signingDecorator(config.signing, subgraphName)', () => {
  it.each<[string, GraphQLDataSourceProcessOptions, Principal]>([
    ['an operation as its caller', incoming({ principal: ANALYST }), ANALYST],
    ['an operation without a principal as ANONYMOUS', incoming({}), ANONYMOUS],
    ['a health check as ANONYMOUS, whatever its context says', healthCheck, ANONYMOUS],
  ])('Ed25519: signs %s with the first key, for that subgraph only', async (_name, options, principal) => {
    const headers = decorated(ED25519, 'customer-service', options);
    expect(headers['content-type']).toBe('application/json');
    expect(await verifyEd25519({ headers, rawBody: BODY, audience: 'customer-service', keys })).toEqual({ ok: true, principal });
    expect(await verifyEd25519({ headers, rawBody: BODY, audience: 'inventory', keys })).toEqual({ ok: false, reason: expect.stringMatching(/^signature is for subgraph "customer-service", not for this one \("inventory"\)/) });
  });

  it('HMAC: signs with the first secret', () => {
    const headers = decorated(HMAC, 'inventory', incoming({ principal: ANALYST }));
    expect(verifyHmac({ headers, rawBody: BODY, secret: [SECRET] })).toEqual({ ok: true, principal: ANALYST });
  });

  it('refuses to vouch for a context principal of the wrong shape', () => {
    expect(() => decorated(ED25519, 'inventory', incoming({ principal: { subject: 'ana' } }))).toThrow(
      'expected context.principal to be a Principal ({ authenticated, scopes, claims }), got {"subject":"ana"}',
    );
  });

  it('refuses a configuration without a key', () => {
    expect(() => signingDecorator({ mode: 'ed25519', keys: [], ephemeral: false }, 'inventory')).toThrow('expected at least one Ed25519 key');
  });
});

describe(`jwksRoute(config.signing) at ${JWKS_PATH}`, () => {
  let servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    servers = [];
  });
  const serve = async (signing: SigningConfig) => {
    const server = createServer(jwksRoute(signing));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}${JWKS_PATH}`;
  };

  it('publishes every key\'s public half, the signing key first, cacheable for 5 minutes', async () => {
    const response = await fetch(await serve(ED25519));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jwk-set+json');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      keys: [CURRENT, PREVIOUS].map((k) => ({ kty: 'OKP', crv: 'Ed25519', x: k.publicJwk.x, kid: k.kid, alg: 'EdDSA', use: 'sig' })),
    });
    expect(text).not.toContain('"d"');
  });

  it('answers HEAD without a body', async () => {
    const response = await fetch(await serve(ED25519), { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('is 404 with HMAC: there are no public keys', async () => {
    const response = await fetch(await serve(HMAC));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errors: [{ message: expect.stringContaining('MESHGATE_SIGNING=hmac'), extensions: { code: 'NOT_FOUND' } }] });
  });
});
