import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SubgraphDescriptor } from '../../gateway/src/supergraph/source.js';
import type { UsageEntry } from '../../gateway/src/usage/usage-reporter.js';

/**
 * The two registry endpoints the gateway calls, and nothing else, on port 0: `GET /supergraph`
 * (ETag, 304 on a matching If-None-Match, 404 before any supergraph) and `POST /graphql` answering
 * `reportUsage`. For gateway tests that must not depend on the real registry.
 */
export interface FakeRegistry {
  /** Base URL, as MESHGATE_REGISTRY_URL. */
  url: string;
  /** Serves `sdl` (with these descriptors) from now on; returns its id (sha256 of the SDL, as the registry's composition id). */
  serve(sdl: string, descriptors: readonly SubgraphDescriptor[]): string;
  /** Every usage entry reported so far, in arrival order. */
  readonly usage: UsageEntry[];
  /** Bearer tokens seen, per path. */
  readonly tokens: Map<string, Set<string>>;
  close(): Promise<void>;
}

export async function startFakeRegistry(): Promise<FakeRegistry> {
  let current: { id: string; body: string } | undefined;
  const usage: UsageEntry[] = [];
  const tokens = new Map<string, Set<string>>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const seen = tokens.get(path) ?? new Set<string>();
    seen.add(String(req.headers.authorization));
    tokens.set(path, seen);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const json = { 'content-type': 'application/json' };
      if (req.method === 'GET' && path === '/supergraph') {
        if (!current) return res.writeHead(404, json).end(JSON.stringify({ errors: [{ message: 'No accepted supergraph yet', extensions: { code: 'NOT_FOUND' } }] }));
        const etag = `"${current.id}"`;
        if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
        return res.writeHead(200, { ...json, etag }).end(current.body);
      }
      if (req.method === 'POST' && path === '/graphql') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: { entries?: UsageEntry[] } };
        if (!body.query.includes('reportUsage')) return res.writeHead(400, json).end(JSON.stringify({ errors: [{ message: 'this fake answers reportUsage only' }] }));
        const entries = body.variables?.entries ?? [];
        usage.push(...entries);
        return res.writeHead(200, json).end(JSON.stringify({ data: { reportUsage: entries.length } }));
      }
      res.writeHead(404, json).end(JSON.stringify({ errors: [{ message: `no ${req.method} ${path}`, extensions: { code: 'NOT_FOUND' } }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serve(sdl, descriptors) {
      const id = createHash('sha256').update(sdl).digest('hex');
      const subgraphs = descriptors.map(({ name, descriptor }) => ({ name, version: 1, url: descriptor.routingUrl ?? '', descriptor }));
      current = { id, body: JSON.stringify({ id, sdl, createdAt: new Date().toISOString(), subgraphs }) };
      return id;
    },
    usage,
    tokens,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
