import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ConfigError } from '../../../shared/config/env.js';
import { createGraphQLHttpHandler, listen, type Listening } from '../../../shared/http/graphql-http.js';
import { createLogger } from '../../../shared/logging.js';
import { loadGatewayConfig } from '../../src/config.js';
import { CATALOG_PREFIX, CONTENT_SECURITY_POLICY, createWebApp, MAX_PATH_LENGTH } from '../../src/http/web-app.js';

// The web front ends over the real HTTP front on port 0, from a small bundle written here: the
// redirects, the app and its client routes, cache and security headers, the IDE at a browser's
// GET /graphql, the refusals (traversal, huge paths, bundle missing) and GATEWAY_CATALOG=false.

const ASSET = '/assets/catalog-Ab12Cd34.js';
const SCRIPT = 'console.log("catalog");'.repeat(50);
let dir: string;
let servers: Listening[] = [];

function writeBundle(target: string): void {
  mkdirSync(join(target, 'assets'), { recursive: true });
  writeFileSync(join(target, 'index.html'), '<!doctype html><title>catalog</title><div id="root"></div>');
  writeFileSync(join(target, 'graphiql.html'), '<!doctype html><title>graphiql</title><div id="graphiql"></div>');
  writeFileSync(join(target, ASSET), SCRIPT);
  writeFileSync(join(target, `${ASSET}.br`), brotliCompressSync(SCRIPT));
  writeFileSync(join(target, '.build.json'), '{"hash":"secret"}');
}

async function serve(webDir: string, enabled = true): Promise<number> {
  const apollo = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } }, plugins: [ApolloServerPluginLandingPageDisabled()] });
  await apollo.start();
  const web = createWebApp({ enabled, dir: webDir });
  const handler = createGraphQLHttpHandler({
    apollo,
    logger: createLogger('test', 'silent'),
    prepare: () => ({ context: {} }),
    browserPage: web.ide,
    prefixRoutes: { [CATALOG_PREFIX]: web.catalog },
    routes: { '/': web.root },
  });
  const listening = await listen(handler, 0, { drainMs: 100 });
  servers.push(listening);
  return listening.port;
}

/** A GET with the path sent exactly as given (URL classes would resolve `..` before it leaves). */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer; json?: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

let port: number;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'meshgate-web-'));
  writeBundle(dir);
  port = await serve(dir);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  rmSync(dir, { recursive: true, force: true });
});

describe('the catalog', () => {
  it('redirects / and /catalog to /catalog/', async () => {
    expect(await get(port, '/')).toMatchObject({ status: 302, headers: { location: '/catalog/' } });
    expect(await get(port, '/catalog?q=stock')).toMatchObject({ status: 302, headers: { location: '/catalog/?q=stock' } });
  });

  it('serves the app with a strict CSP, nosniff, no framing and no-cache', async () => {
    const page = await get(port, '/catalog/', BROWSER);
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<div id="root">');
    expect(page.headers).toMatchObject({
      'content-type': 'text/html;charset=utf-8',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cache-control': 'no-cache',
    });
    // Only this origin: no CDN, no inline script, no framing by another site.
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*/);
    expect(page.headers.etag).toBeDefined();
    expect((await get(port, '/catalog/', { ...BROWSER, 'if-none-match': String(page.headers.etag) })).status).toBe(304);
  });

  it('answers client routes with the app, so a reload or a shared link works', async () => {
    for (const path of ['/catalog/products/inventory', '/catalog/products/inventory?x=1', '/catalog/anything/else']) {
      const page = await get(port, path, BROWSER);
      expect({ path, status: page.status, body: page.body.toString() }).toMatchObject({ status: 200, body: expect.stringContaining('<div id="root">') });
      expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('serves hashed assets immutable, precompressed when the browser accepts it', async () => {
    const plain = await get(port, `/catalog${ASSET}`);
    expect(plain).toMatchObject({ status: 200, headers: { 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' } });
    expect(plain.headers['content-type']).toMatch(/^text\/javascript/);
    expect(plain.body.toString()).toBe(SCRIPT);
    const compressed = await get(port, `/catalog${ASSET}`, { 'accept-encoding': 'br, gzip' });
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(compressed.body).toString()).toBe(SCRIPT);
    expect(compressed.headers['content-security-policy']).toBeUndefined();
  });

  it('answers a missing asset 404, not with the app', async () => {
    const missing = await get(port, '/catalog/assets/catalog-Old00000.js');
    expect(missing.status).toBe(404);
    expect(missing.json.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('never serves the build record or anything outside the bundle', async () => {
    // Dot files are not part of the bundle sirv serves: the path is a client route like any other.
    expect((await get(port, '/catalog/.build.json')).body.toString()).not.toContain('secret');
    for (const path of [
      '/catalog/../package.json',
      '/catalog/assets/../../../package.json',
      '/catalog/%2e%2e/%2e%2e/package.json',
      '/catalog/..%2f..%2fpackage.json',
      '/catalog/assets/..%5c..%5cpackage.json',
      '/catalog/./index.html',
      '/catalog/index.html%00.js',
    ]) {
      const refused = await get(port, path);
      expect({ path, status: refused.status, code: refused.json?.errors?.[0]?.extensions?.code }).toEqual({ path, status: 400, code: 'BAD_REQUEST' });
    }
    const malformed = await get(port, '/catalog/%E0%A4%A');
    expect(malformed).toMatchObject({ status: 400, json: { errors: [{ message: 'The path is not valid percent-encoded UTF-8' }] } });
  });

  it('refuses a huge path with 414 and the limit', async () => {
    const refused = await get(port, `/catalog/${'a'.repeat(MAX_PATH_LENGTH)}`);
    expect(refused.status).toBe(414);
    expect(refused.json.errors[0].extensions).toEqual({ code: 'URI_TOO_LONG', limit: MAX_PATH_LENGTH });
    expect((await get(port, `/catalog/${'a'.repeat(MAX_PATH_LENGTH - 20)}`)).status).toBe(200);
  });

  it('answers HEAD like GET, without a body', async () => {
    const head = await get(port, '/catalog/', BROWSER, 'HEAD');
    expect(head).toMatchObject({ status: 200, headers: { 'content-security-policy': CONTENT_SECURITY_POLICY } });
    expect(head.body.length).toBe(0);
  });

  it('does not claim paths that only start like it', async () => {
    expect((await get(port, '/catalogue', BROWSER)).status).toBe(404);
  });
});

describe('the IDE at /graphql', () => {
  it('serves the bundled GraphiQL to a browser, with or without an operation in the address', async () => {
    for (const path of ['/graphql', `/graphql?query=${encodeURIComponent('{ hello }')}`]) {
      const page = await get(port, path, BROWSER);
      expect(page.status).toBe(200);
      expect(page.body.toString()).toContain('<div id="graphiql">');
      expect(page.headers).toMatchObject({ 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache', vary: 'Accept, Accept-Encoding' });
    }
  });

  it('leaves GraphQL clients as they were: GET needs the CSRF header, and answers JSON', async () => {
    const query = `/graphql?query=${encodeURIComponent('{ hello }')}`;
    expect((await get(port, query, { accept: 'application/json' })).json.errors[0].extensions.code).toBe('CSRF_PREVENTION');
    expect((await get(port, query, { accept: '*/*', 'apollo-require-preflight': 'true' })).json).toEqual({ data: { hello: 'world' } });
    // A client naming JSON beside HTML still gets JSON.
    expect((await get(port, query, { accept: 'text/html, application/json', 'apollo-require-preflight': 'true' })).json).toEqual({ data: { hello: 'world' } });
  });
});

describe('without a bundle', () => {
  it('answers 503 CATALOG_NOT_BUILT saying how to build it, and serves it once built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'meshgate-web-empty-'));
    try {
      const emptyPort = await serve(empty);
      for (const path of ['/catalog/', '/catalog/products/inventory', '/graphql']) {
        const refused = await get(emptyPort, path, BROWSER);
        expect({ path, status: refused.status, code: refused.json?.errors?.[0]?.extensions?.code }).toEqual({ path, status: 503, code: 'CATALOG_NOT_BUILT' });
        expect(refused.json.errors[0].message).toContain('npm run build:web');
      }
      writeBundle(empty);
      expect((await get(emptyPort, '/catalog/', BROWSER)).status).toBe(200);
      // A rebuild while the gateway runs is picked up by the next page, with its new assets.
      writeFileSync(join(empty, 'assets', 'catalog-New00000.js'), SCRIPT);
      writeFileSync(join(empty, 'index.html'), '<!doctype html><title>rebuilt</title><div id="root"></div>');
      utimesSync(join(empty, 'index.html'), new Date(), new Date(Date.now() + 5000));
      expect((await get(emptyPort, '/catalog/', BROWSER)).body.toString()).toContain('rebuilt');
      expect((await get(emptyPort, '/catalog/assets/catalog-New00000.js')).status).toBe(200);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('GATEWAY_CATALOG=false', () => {
  it('turns the catalog and the IDE off with a 404 that says so', async () => {
    const offPort = await serve(dir, false);
    for (const path of ['/', '/catalog/', '/graphql']) {
      const refused = await get(offPort, path, BROWSER);
      expect({ path, status: refused.status }).toEqual({ path, status: 404 });
      expect(refused.json.errors[0].message).toContain('GATEWAY_CATALOG=false');
    }
  });

  it('is validated with the rest of the configuration', () => {
    expect(loadGatewayConfig({}).webApp.enabled).toBe(true);
    expect(loadGatewayConfig({ GATEWAY_CATALOG: 'false' }).webApp.enabled).toBe(false);
    expect(() => loadGatewayConfig({ GATEWAY_CATALOG: 'maybe' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ GATEWAY_CATALOG: 'maybe' })).toThrow('GATEWAY_CATALOG: expected true or false (got "maybe")');
  });
});
