import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSigningKey, publicJwks, signEd25519, verifyEd25519, type GatewayKeySet, type SigningKey } from './ed25519.js';
import { ANONYMOUS } from '../principal.js';
import { remoteGatewayKeys } from './jwks.js';

/**
 * The remote key set against a real HTTP server on port 0 that plays the gateway's
 * /.well-known/jwks.json: down, slow, broken, rotating. Tuned to milliseconds so the test waits little.
 */

const BODY = '{"query":"{ products { id } }"}';
const OLD = generateSigningKey();
const NEW = generateSigningKey();
const TUNING = { cooldownMs: 500, retryAfterFailureMs: 500, cacheMaxAgeMs: 700, timeoutMs: 300 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Answer = { status: number; body?: string } | 'hang';
let answer: Answer;
let fetches = 0;
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    fetches++;
    if (answer === 'hang') return; // never answers: the fetch times out
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const publish = (...keys: SigningKey[]) => {
  answer = { status: 200, body: JSON.stringify(publicJwks(keys)) };
};
beforeEach(() => {
  fetches = 0;
  publish(OLD);
});

const verify = (keys: GatewayKeySet, key: SigningKey = OLD) =>
  verifyEd25519({ headers: signEd25519({ body: BODY, principal: ANONYMOUS, audience: 'inventory', key }), rawBody: BODY, audience: 'inventory', keys });
const OK = { ok: true, principal: ANONYMOUS };

describe('remoteGatewayKeys', () => {
  it('works for a subgraph started before the gateway, once the gateway is up; failing fast while it is down', async () => {
    const keys = remoteGatewayKeys(url, TUNING);
    answer = { status: 503, body: 'starting' };
    expect(await verify(keys)).toEqual({ ok: false, reason: `cannot get the gateway's JWKS at ${url}: Expected 200 OK from the JSON Web Key Set HTTP response` });
    // Inside the retry pause, refused at once: the gateway is not asked again for every request.
    expect(await verify(keys)).toEqual({ ok: false, reason: expect.stringContaining('cannot get the gateway') });
    expect(fetches).toBe(1);
    publish(OLD);
    await sleep(TUNING.retryAfterFailureMs + 20);
    expect(await verify(keys)).toEqual(OK);
    expect(await verify(keys)).toEqual(OK);
    expect(fetches).toBe(2);
  });

  it('says the gateway cannot be reached when nothing listens at the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/.well-known/jwks.json`;
    await new Promise((resolve) => closed.close(resolve));
    expect(await verify(remoteGatewayKeys(deadUrl, TUNING))).toEqual({
      ok: false,
      reason: `cannot get the gateway's JWKS at ${deadUrl}: ECONNREFUSED (is the gateway up, and is MESHGATE_GATEWAY_JWKS_URL its address?)`,
    });
  });

  it.each<[string, Answer, string]>([
    ['an answer that is not JSON', { status: 200, body: '<html>' }, 'Failed to parse the JSON Web Key Set HTTP response as JSON'],
    ['JSON that is not a key set', { status: 200, body: '{"keys": "none"}' }, 'the answer is not a JWK Set'],
    ['no answer in time', 'hang', 'no answer in time (is the gateway up?)'],
  ])('refuses with the reason on %s, never crashing', async (_name, given, reason) => {
    answer = given;
    expect(await verify(remoteGatewayKeys(url, TUNING))).toEqual({ ok: false, reason: `cannot get the gateway's JWKS at ${url}: ${reason}` });
  });

  it('fetches again at once for a key it does not know (rotation), but at most once per cooldown', async () => {
    const keys = remoteGatewayKeys(url, TUNING);
    expect(await verify(keys, OLD)).toEqual(OK);
    await sleep(TUNING.cooldownMs + 20);
    publish(NEW, OLD);
    expect(await verify(keys, NEW)).toEqual(OK);
    expect(fetches).toBe(2);
    // Made-up key ids inside the cooldown cost the gateway nothing.
    const stranger = generateSigningKey();
    for (let i = 0; i < 5; i++) expect(await verify(keys, stranger)).toMatchObject({ ok: false, reason: expect.stringMatching(/^signed with key .* not among the gateway keys this subgraph trusts \(the gateway's JWKS at /) });
    expect(fetches).toBe(2);
  });

  it('keeps verifying with the keys it has while the gateway cannot be reached, and drops a key once a fetch no longer lists it', async () => {
    const keys = remoteGatewayKeys(url, TUNING);
    expect(await verify(keys, OLD)).toEqual(OK);
    answer = { status: 502, body: 'down' };
    await sleep(TUNING.cacheMaxAgeMs + 20);
    expect(await verify(keys, OLD)).toEqual(OK);
    expect(fetches).toBe(2);
    publish(NEW);
    await sleep(TUNING.retryAfterFailureMs + 20);
    expect(await verify(keys, OLD)).toMatchObject({ ok: false, reason: expect.stringMatching(new RegExp(`^signed with key "${OLD.kid}", which is not among`)) });
    expect(await verify(keys, NEW)).toEqual(OK);
  });
});
