import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayDependencies, RunningGateway } from '../../gateway/src/server.js';
import { loadDataProducts } from './data-products.js';
import { startTestGateway } from './stack.js';
import { startTestSubgraph, type TestSubgraph } from './subgraphs.js';

/**
 * A pass-through in front of a subgraph, for tests that check what the gateway sends: it records
 * the headers of every request it forwards, can hold each answer `delayMs`, and answers a request
 * whose x-request-id starts with "fail-" with a 502 that is not GraphQL (a subgraph failure the
 * test chose by its id).
 */
export interface RecordingProxy {
  /** The GraphQL URL to route the subgraph to. */
  readonly url: string;
  readonly server: Server;
  /** Headers of every request received, in order; tests empty it between cases. */
  readonly received: IncomingHttpHeaders[];
  delayMs: number;
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const received: IncomingHttpHeaders[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    received.push(req.headers);
    if (proxy.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, proxy.delayMs));
    if (String(req.headers['x-request-id']).startsWith('fail-')) {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) headers[name] = value;
    const answer = await fetch(target, { method: req.method, headers, body: Buffer.concat(chunks) });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: RecordingProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    server,
    received,
    delayMs: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return proxy;
}

export interface ProxiedMesh {
  readonly subgraphs: readonly TestSubgraph[];
  /** By subgraph name: the proxy the gateway reaches that subgraph through. */
  readonly proxies: Readonly<Record<string, RecordingProxy>>;
  readonly gateway: RunningGateway;
  /** Stops the gateway, then the proxies, then the subgraphs. */
  stop(): Promise<void>;
}

/** The demo data products, each behind a recording proxy, and a test gateway routed through the proxies. */
export async function startProxiedMesh(deps: GatewayDependencies = {}): Promise<ProxiedMesh> {
  const subgraphs = await Promise.all((await loadDataProducts()).map((product) => startTestSubgraph(product)));
  const proxies = Object.fromEntries(await Promise.all(subgraphs.map(async (s) => [s.subgraph.name, await startRecordingProxy(s.subgraph.url)] as const)));
  const gateway = await startTestGateway(
    Object.fromEntries(subgraphs.map((s) => [s.subgraph.name, s])),
    { subgraphUrls: Object.fromEntries(Object.entries(proxies).map(([name, proxy]) => [name, proxy.url])) },
    deps,
  );
  return {
    subgraphs,
    proxies,
    gateway,
    stop: async () => {
      await gateway.stop();
      await Promise.all(Object.values(proxies).map((p) => p.close()));
      await Promise.all(subgraphs.map((s) => s.stop()));
    },
  };
}
