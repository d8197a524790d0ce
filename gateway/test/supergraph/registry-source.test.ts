import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureLogs } from '../../../test/support/logs.js';
import { supergraphFromRegistry } from '../../src/supergraph/registry-source.js';
import type { SupergraphSubscription, SupergraphUpdate } from '../../src/supergraph/source.js';

/** A stand-in for the registry's `GET /supergraph`: ETag, 304 on a matching If-None-Match, 404 before any. */
interface FakeRegistry {
  url: string;
  /** What `/supergraph` serves now; undefined answers 404. */
  current?: { id: string; sdl: string };
  /** Answer this status (and nothing else) to every request, e.g. 503 or 401. */
  failWith?: number;
  requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

async function startFakeRegistry(): Promise<FakeRegistry> {
  const registry: Partial<FakeRegistry> = { requests: [] };
  const server: Server = createServer((req, res) => {
    registry.requests!.push(req.headers);
    if (req.url !== '/supergraph') return res.writeHead(404).end();
    if (registry.failWith) return res.writeHead(registry.failWith, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'no', extensions: { code: registry.failWith === 401 ? 'UNAUTHENTICATED' : 'UNAVAILABLE' } }] }));
    const current = registry.current;
    if (!current) {
      return res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'No accepted supergraph yet', extensions: { code: 'NOT_FOUND' } }] }));
    }
    const etag = `"${current.id}"`;
    if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
    const body = { id: current.id, sdl: current.sdl, createdAt: '2024-05-01T00:00:00Z', subgraphs: [{ name: 'inventory', version: 3, url: 'http://127.0.0.1:4001/graphql', descriptor: { name: 'inventory', classification: [] } }] };
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  registry.close = () => new Promise((resolve) => server.close(() => resolve()));
  return registry as FakeRegistry;
}

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('the registry supergraph source', () => {
  let registry: FakeRegistry;
  let subscription: SupergraphSubscription | undefined;
  const logs = captureLogs('debug');
  const received: SupergraphUpdate[] = [];
  const subscribe = (options: { startupTimeoutMs?: number; onUpdate?: (update: SupergraphUpdate) => Promise<void> } = {}) => {
    subscription = supergraphFromRegistry({ url: registry.url, token: 'reader-token', pollIntervalMs: 20, startupTimeoutMs: options.startupTimeoutMs ?? 2000, logger: logs.logger }).subscribe(
      options.onUpdate ??
        (async (update) => {
          received.push(update);
        }),
    );
    return subscription;
  };

  beforeEach(async () => {
    registry = await startFakeRegistry();
    received.length = 0;
    logs.lines.length = 0;
  });
  afterEach(async () => {
    await subscription?.stop();
    subscription = undefined;
    await registry.close();
  });

  it('waits at start-up until the registry has a supergraph, then hands it over with its descriptors', async () => {
    const { initial } = subscribe();
    await waitFor(() => registry.requests.length >= 3, 'three polls answered 404');
    expect(received).toEqual([]);
    registry.current = { id: 'one', sdl: 'SDL one' };
    await initial;
    expect(received).toEqual([{ sdl: 'SDL one', descriptors: [{ name: 'inventory', descriptor: { name: 'inventory', classification: [] } }] }]);
    expect(registry.requests[0]).toMatchObject({ authorization: 'Bearer reader-token' });
    expect(logs.lines.filter((l) => l.msg === "waiting for the registry's first supergraph")).toHaveLength(1);
  });

  it('asks with If-None-Match: a 304 changes nothing, a new ETag hands the new supergraph over', async () => {
    registry.current = { id: 'one', sdl: 'SDL one' };
    await subscribe().initial;
    const before = registry.requests.length;
    await waitFor(() => registry.requests.length >= before + 3, 'three more polls');
    expect(registry.requests.slice(before).every((h) => h['if-none-match'] === '"one"')).toBe(true);
    expect(received).toHaveLength(1);
    registry.current = { id: 'two', sdl: 'SDL two' };
    await waitFor(() => received.length === 2, 'the second supergraph');
    expect(received[1].sdl).toBe('SDL two');
  });

  it('does not ask again for a supergraph the gateway refused, and goes on polling for the next', async () => {
    registry.current = { id: 'one', sdl: 'SDL one' };
    const refused: string[] = [];
    await subscribe({
      onUpdate: async (update) => {
        if (update.sdl === 'SDL bad') {
          refused.push(update.sdl);
          throw new Error('refused');
        }
        received.push(update);
      },
    }).initial;
    registry.current = { id: 'bad', sdl: 'SDL bad' };
    await waitFor(() => refused.length === 1, 'the refusal');
    const before = registry.requests.length;
    await waitFor(() => registry.requests.length >= before + 3, 'three more polls');
    expect(refused).toHaveLength(1);
    registry.current = { id: 'three', sdl: 'SDL three' };
    await waitFor(() => received.length === 2, 'the next supergraph');
  });

  it('keeps the current supergraph while the registry is unreachable, logging once per outage', async () => {
    registry.current = { id: 'one', sdl: 'SDL one' };
    await subscribe().initial;
    registry.failWith = 503;
    const before = registry.requests.length;
    await waitFor(() => registry.requests.length >= before + 5, 'five failed polls');
    expect(logs.lines.filter((l) => l.msg === 'registry unreachable: the current supergraph keeps serving')).toEqual([expect.objectContaining({ reason: 'HTTP 503 UNAVAILABLE' })]);
    registry.failWith = undefined;
    registry.current = { id: 'two', sdl: 'SDL two' };
    await waitFor(() => received.length === 2, 'the supergraph after the outage');
    expect(logs.lines.filter((l) => l.msg === 'registry reachable again')).toHaveLength(1);
    // A second outage is a second line.
    registry.failWith = 503;
    await waitFor(() => logs.lines.filter((l) => l.msg === 'registry unreachable: the current supergraph keeps serving').length === 2, 'the second outage line');
  });

  it('gives up at start-up after SUPERGRAPH_STARTUP_TIMEOUT_MS, saying why', async () => {
    await expect(subscribe({ startupTimeoutMs: 150 }).initial).rejects.toThrow(
      /No supergraph from the registry at http:\/\/127\.0\.0\.1:\d+ within 150 ms \(SUPERGRAPH_STARTUP_TIMEOUT_MS\): the registry has no accepted supergraph yet \(HTTP 404\)/,
    );
  });

  it('stops at once at start-up when the registry refuses the token (retrying cannot help)', async () => {
    registry.failWith = 401;
    const started = Date.now();
    await expect(subscribe().initial).rejects.toThrow(/refused the gateway's token: HTTP 401 UNAUTHENTICATED/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('gives up at start-up when the registry cannot be reached at all', async () => {
    await registry.close();
    registry = { ...registry, close: async () => undefined };
    await expect(subscribe({ startupTimeoutMs: 100 }).initial).rejects.toThrow(/within 100 ms .*: transport error \(ECONNREFUSED\)/);
  });

  it('polls no more once stopped', async () => {
    registry.current = { id: 'one', sdl: 'SDL one' };
    await subscribe().initial;
    await subscription!.stop();
    const after = registry.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(registry.requests.length).toBe(after);
  });

  it('refuses an unexpected payload as a failed poll, not as a supergraph', async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json', etag: '"x"' }).end('{"id": 1}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      subscription = supergraphFromRegistry({ url, token: 't', pollIntervalMs: 20, startupTimeoutMs: 100, logger: logs.logger }).subscribe(async () => undefined);
      await expect(subscription.initial).rejects.toThrow(/answered an unexpected payload: expected \{ id, sdl, subgraphs \}/);
    } finally {
      await subscription?.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
