import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { SubgraphClient } from '../../src/execution/subgraph-client.js';

// A real subgraph stand-in on port 0 that holds every answer until the test releases it, so
// requests are really in flight at the same time.
let server: Server;
let url: string;
let received: { body: string; caller: string | undefined }[];
let held: (() => void)[];
beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const n = received.push({ body, caller: req.headers['x-caller'] as string | undefined });
    held.push(() => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { echo: JSON.parse(body).variables ?? null, caller: req.headers['x-caller'] ?? null, n } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  received = [];
  held = [];
});

function client(deduplicate: boolean) {
  return new SubgraphClient({
    name: 'stand-in',
    url,
    timeoutMs: 5_000,
    connections: 8,
    deduplicate,
    // The caller travels in a header, as the signed principal does; the nonce changes per request.
    decorate: (_body, headers, options) => {
      const caller = (options.context as { caller?: string }).caller;
      if (caller) headers['x-caller'] = caller;
      headers['x-nonce'] = String(Math.random());
    },
    volatileHeaders: ['x-nonce'],
  });
}

function ask(query: string, caller?: string, variables?: Record<string, unknown>): GraphQLDataSourceProcessOptions {
  const context = { caller };
  return {
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION (a CommonJS enum jest's ESM loader cannot import by name).
    kind: 'incoming operation' as GraphQLDataSourceProcessOptions['kind'],
    request: { query, variables },
    context,
    incomingRequestContext: { context } as never,
  };
}

/** Waits until the stand-in has received `n` requests, then answers all of them. */
async function answerAfter(n: number) {
  while (received.length < n) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 20)); // would a duplicate still arrive?
  for (const release of held.splice(0)) release();
}

describe('SubgraphClient: identical queries in flight share one request', () => {
  it('sends one request for five identical queries and gives each caller its own copy', async () => {
    const sg = client(true);
    const answers = Promise.all(Array.from({ length: 5 }, () => sg.process(ask('{ a }', 'alice', { id: 1 }))));
    await answerAfter(1);
    const results = await answers;
    expect(received).toHaveLength(1);
    expect(results.map((r) => r.data)).toEqual(Array(5).fill({ echo: { id: 1 }, caller: 'alice', n: 1 }));
    // The planner writes into what it receives: one caller's copy must not be another's.
    (results[0].data as Record<string, unknown>).echo = 'changed';
    expect(results[1].data).toEqual({ echo: { id: 1 }, caller: 'alice', n: 1 });
    expect(sg.stats).toEqual({ sent: 1, shared: 4 });
    await sg.close();
  });

  it.each([
    ['different callers', [ask('{ a }', 'alice'), ask('{ a }', 'bob')]],
    ['different variables', [ask('{ a }', 'alice', { id: 1 }), ask('{ a }', 'alice', { id: 2 })]],
    ['different queries', [ask('{ a }', 'alice'), ask('{ b }', 'alice')]],
    ['mutations, even identical ones', [ask('mutation { m }', 'alice'), ask('mutation { m }', 'alice')]],
  ])('never shares between %s', async (_label, requests) => {
    const sg = client(true);
    const answers = Promise.all(requests.map((r) => sg.process(r)));
    await answerAfter(2);
    const results = await answers;
    expect(received).toHaveLength(2);
    expect(new Set(results.map((r) => (r.data as { n: number }).n)).size).toBe(2);
    await sg.close();
  });

  it('asks again once the first answer has come back (nothing is cached)', async () => {
    const sg = client(true);
    const first = sg.process(ask('{ a }', 'alice'));
    await answerAfter(1);
    await first;
    const second = sg.process(ask('{ a }', 'alice'));
    await answerAfter(2);
    expect(((await second).data as { n: number }).n).toBe(2);
    await sg.close();
  });

  it('sends every request when deduplication is off', async () => {
    const sg = client(false);
    const answers = Promise.all([sg.process(ask('{ a }', 'alice')), sg.process(ask('{ a }', 'alice'))]);
    await answerAfter(2);
    await answers;
    expect(received).toHaveLength(2);
    await sg.close();
  });

  it('gives every waiting caller the unavailability error of a shared request that failed', async () => {
    const sg = new SubgraphClient({ name: 'gone', url: 'http://127.0.0.1:1/graphql', timeoutMs: 1_000, connections: 1, deduplicate: true });
    const results = await Promise.all([sg.process(ask('{ a }')), sg.process(ask('{ a }'))]);
    for (const r of results) expect(r.errors?.[0]).toMatchObject({ message: 'Subgraph "gone" is unavailable: connection refused', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
    expect(sg.stats).toEqual({ sent: 1, shared: 1 });
    await sg.close();
  });
});
