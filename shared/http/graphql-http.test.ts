import { connect, type Socket } from 'node:net';
import { flood, raw } from '../../test/support/raw-http.js';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { ApolloServer } from '@apollo/server';
import { request } from 'undici';
import { createLogger } from '../logging.js';
import { createGraphQLHttpHandler, listen, type HttpGraphQLRequest, type Listening } from './graphql-http.js';

// The HTTP front over a real Apollo Server on port 0: every refusal a hostile client can provoke
// before GraphQL runs, and the requests that must still pass.

const LIMIT = 2048;
let listening: Listening;
let base: string;
const seen: HttpGraphQLRequest[] = [];
let holdNext: ((request: HttpGraphQLRequest) => Promise<void>) | undefined;

beforeAll(async () => {
  const apollo = new ApolloServer({ typeDefs: 'type Query { hello(name: String): String }', resolvers: { Query: { hello: (_: unknown, { name }: { name?: string }) => `hello ${name ?? 'world'}` } } });
  await apollo.start();
  const handler = createGraphQLHttpHandler({
    apollo,
    logger: createLogger('test', 'silent'),
    limits: { maxBodyBytes: LIMIT, maxHeaders: 20 },
    cors: { origin: ['https://app.example'], methods: ['GET', 'POST'] },
    prepare: async (req) => {
      seen.push(req);
      const hold = holdNext;
      holdNext = undefined;
      await hold?.(req);
      return { context: {} };
    },
    routes: { '/health': (_req, res) => void res.writeHead(200).end('ok') },
  });
  listening = await listen(handler, 0, { drainMs: 300 });
  base = `http://127.0.0.1:${listening.port}`;
});
afterAll(() => listening?.close());

const QUERY = JSON.stringify({ query: '{ hello }' });

async function post(body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await request(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const CHUNKED_HEAD = 'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n';

/** One complete chunked body of about `size` bytes. */
function chunked(size: number) {
  const body = `{"query":"{ hello }","variables":{"pad":"${'x'.repeat(size)}"}}`;
  return (socket: Socket) => socket.write(`${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`);
}

describe('the HTTP front: bodies', () => {
  it('serves a plain JSON request', async () => {
    expect(await post(QUERY)).toMatchObject({ status: 200, body: { data: { hello: 'hello world' } } });
  });

  it.each<[string, string, (b: Buffer) => Buffer]>([
    ['gzip', 'gzip', gzipSync],
    ['x-gzip', 'x-gzip', gzipSync],
    ['deflate', 'deflate', deflateSync],
    ['br', 'br', brotliCompressSync],
  ])('serves a %s body, decompressed', async (_name, encoding, compress) => {
    const response = await post(compress(Buffer.from(QUERY)), { 'content-encoding': encoding });
    expect(response).toMatchObject({ status: 200, body: { data: { hello: 'hello world' } } });
  });

  it('refuses a declared length over the limit with 413 before reading it', async () => {
    const response = await post(Buffer.alloc(LIMIT + 1, 0x20), {});
    expect(response).toMatchObject({ status: 413, body: { errors: [{ message: `Request body exceeds the limit of ${LIMIT} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE', limit: LIMIT } }] } });
  });

  it('answers a chunked body over the limit with 413, not a reset', async () => {
    const answer = await raw(listening.port, CHUNKED_HEAD, chunked(LIMIT * 2));
    expect(answer.status).toBe(413);
    expect(answer.json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a client that streams a chunked body forever with 413, without waiting for its end', async () => {
    const answer = await raw(listening.port, CHUNKED_HEAD, (socket) => flood(socket, `400\r\n${'x'.repeat(1024)}\r\n`));
    expect(answer.status).toBe(413);
  });

  it('reads what such a client goes on sending for a bounded while only, then cuts the connection', async () => {
    const socket = connect(listening.port, '127.0.0.1');
    let received = '';
    socket.on('data', (data) => (received += data));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(CHUNKED_HEAD);
    flood(socket, `400\r\n${'x'.repeat(1024)}\r\n`);
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('applies the limit to the decompressed bytes: a small gzip bomb is 413 (GHSA-cgqf-3cq5-wvcj)', async () => {
    const bomb = gzipSync(Buffer.from(`{"query":"{ hello }","variables":{"pad":"${'a'.repeat(10 * 1024 * 1024)}"}}`));
    expect(bomb.length).toBeLessThan(LIMIT * 8);
    const response = await post(bomb, { 'content-encoding': 'gzip' });
    expect(response).toMatchObject({ status: 413, body: { errors: [{ message: `Request body exceeds the limit of ${LIMIT} bytes once decompressed`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] } });
  });

  it.each([
    ['an encoding it does not decompress', { 'content-encoding': 'compress' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content-encoding "compress"'],
    ['two encodings', { 'content-encoding': 'gzip, br' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content-encoding'],
    ['a body that says gzip but is not', { 'content-encoding': 'gzip' }, 400, 'BAD_REQUEST', 'Request body is not valid gzip data'],
    ['text/plain (a simple request a page can send cross-site)', { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content-type "text/plain": expected application/json'],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'expected application/json'],
    ['a malformed content type', { 'content-type': 'application/json; charset' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Malformed content-type'],
    ['UTF-16 (GHSA-mp6q-xf9x-fwf7)', { 'content-type': 'application/json; charset=utf-16' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset "utf-16": expected utf-8'],
    ['UTF-7', { 'content-type': 'application/json; charset=utf-7' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset "utf-7"'],
    ['ISO-8859-1', { 'content-type': 'application/json; charset=ISO-8859-1' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset "iso-8859-1"'],
  ])('refuses %s', async (_name, headers, status, code, message) => {
    const response = await post(QUERY, headers);
    expect(response.status).toBe(status);
    expect(response.body.errors[0].extensions.code).toBe(code);
    expect(response.body.errors[0].message).toContain(message);
  });

  it('accepts charset=utf-8 in any case', async () => {
    expect((await post(QUERY, { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(200);
  });

  it.each([
    ['a batch', '[{"query":"{ hello }"},{"query":"{ hello }"}]', 'Batched requests are not supported: expected one JSON object per request, got an array of 2'],
    ['a query that is not a string', '{"query":{"a":1}}', '"query" must be a string, got an object'],
    ['variables that are a list', '{"query":"{ hello }","variables":[1]}', '"variables" must be an object or null, got an array'],
    ['an operation name that is a number', '{"query":"{ hello }","operationName":7}', '"operationName" must be a string or null, got number 7'],
    ['a JSON string', '"{ hello }"', 'Expected the body to be a JSON object'],
    ['an empty body', '', 'Empty request body'],
  ])('refuses %s with 400 INVALID_GRAPHQL_REQUEST', async (_name, body, message) => {
    const response = await post(body);
    expect(response).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'INVALID_GRAPHQL_REQUEST' } }] } });
    expect(response.body.errors[0].message).toContain(message);
  });

  it('refuses JSON that does not parse with 400, naming where', async () => {
    expect(await post('{"query": ')).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] } });
  });

  it('keeps "__proto__" keys as data: nothing reaches Object.prototype', async () => {
    const response = await post('{"query":"query($n: String) { hello(name: $n) }","variables":{"n":"x","__proto__":{"polluted":true}},"extensions":{"__proto__":{"polluted":true}}}');
    expect(response.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the HTTP front: headers, methods, CSRF, CORS', () => {
  it('answers more headers than the limit with 431', async () => {
    const headers = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`x-h${i}`, 'v']));
    const response = await post(QUERY, headers);
    expect(response).toMatchObject({ status: 431, body: { errors: [{ extensions: { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE', limit: 20 } }] } });
  });

  it('serves a GET with a preflight header, and refuses one without (CSRF)', async () => {
    const ok = await request(`${base}/graphql?query=${encodeURIComponent('{ hello }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.json()).toEqual({ data: { hello: 'hello world' } });
    const refused = await request(`${base}/graphql?query=${encodeURIComponent('{ hello }')}`);
    expect(refused.statusCode).toBe(400);
    expect(((await refused.body.json()) as any).errors[0].extensions.code).toBe('CSRF_PREVENTION');
  });

  it('refuses a GET with a content type other than JSON, even preflighted (GHSA-9q82-xgwf-vj6h)', async () => {
    const refused = await request(`${base}/graphql?query=${encodeURIComponent('{ hello }')}`, { headers: { 'apollo-require-preflight': 'true', 'content-type': 'text/plain' } });
    expect(refused.statusCode).toBe(415);
    await refused.body.dump();
  });

  it('refuses repeated GET parameters and variables that are not JSON', async () => {
    for (const search of ['query=%7Bhello%7D&query=%7Bhello%7D', 'query=%7Bhello%7D&variables=%7B']) {
      const refused = await request(`${base}/graphql?${search}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(refused.statusCode).toBe(400);
      expect(((await refused.body.json()) as any).errors[0].extensions.code).toBe('INVALID_GRAPHQL_REQUEST');
    }
  });

  it('answers other methods 405 with Allow, and other paths 404', async () => {
    const put = await request(`${base}/graphql`, { method: 'PUT', body: QUERY, headers: { 'content-type': 'application/json' } });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, POST');
    await put.body.dump();
    const missing = await request(`${base}/nowhere`);
    expect(missing.statusCode).toBe(404);
    expect(((await missing.body.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('sends CORS headers to the configured origin only', async () => {
    const allowed = await request(`${base}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    await allowed.body.dump();
    const other = await request(`${base}/graphql`, { method: 'POST', body: QUERY, headers: { 'content-type': 'application/json', origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    await other.body.dump();
  });
});

describe('the HTTP front: lifecycle', () => {
  it('tells prepare when the client goes away before its answer', async () => {
    let aborted: Promise<boolean> | undefined;
    holdNext = (req) => {
      aborted = new Promise((resolve) => req.signal.addEventListener('abort', () => resolve(true)));
      return aborted.then(() => undefined);
    };
    const controller = new AbortController();
    const sent = request(`${base}/graphql`, { method: 'POST', body: QUERY, headers: { 'content-type': 'application/json' }, signal: controller.signal });
    while (!aborted) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(sent).rejects.toThrow();
    await expect(aborted).resolves.toBe(true);
  });
});

describe('graceful shutdown', () => {
  /** A server of its own (the shared one must outlive these tests), whose prepare hook the test controls. */
  async function ownServer(prepare: () => Promise<{ context: object }>, drainMs: number) {
    const apollo = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'hi' } } });
    await apollo.start();
    const own = await listen(createGraphQLHttpHandler({ apollo, logger: createLogger('test', 'silent'), prepare }), 0, { drainMs });
    const post = () => request(`http://127.0.0.1:${own.port}/graphql`, { method: 'POST', body: QUERY, headers: { 'content-type': 'application/json' } });
    return { own, post, stop: () => apollo.stop() };
  }

  it('lets an in-flight request finish, says the connection closes, then stops listening', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const { own, post, stop } = await ownServer(async () => {
      arrived();
      await held;
      return { context: {} };
    }, 5000);
    try {
      const inFlight = post();
      await arrival;
      const closed = own.close();
      release();
      const answer = await inFlight;
      expect(answer.statusCode).toBe(200);
      expect(answer.headers.connection).toBe('close');
      expect(await answer.body.json()).toEqual({ data: { hello: 'hi' } });
      await closed;
      await expect(request(`http://127.0.0.1:${own.port}/health`)).rejects.toThrow();
    } finally {
      release();
      await own.close();
      await stop();
    }
  });

  it('cuts requests still running after the drain time', async () => {
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const { own, post, stop } = await ownServer(() => {
      arrived();
      return new Promise<never>(() => undefined);
    }, 100);
    try {
      const stuck = post();
      await arrival;
      await own.close();
      await expect(stuck).rejects.toThrow();
    } finally {
      await stop();
    }
  });
});
