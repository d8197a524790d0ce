import type { ServerResponse } from 'node:http';
import { SubgraphClient, type SubgraphClientOptions } from '../../src/execution/subgraph-client.js';
import { captureLogs } from '../../../test/support/logs.js';
import { behaviours, closedPortUrl, until, type Behaviour } from '../../../test/support/hostile-server.js';
import { incomingOperation, useClientFixtures } from './client-fixtures.js';

const QUERY = '{ products { id } }';
const MUTATION = 'mutation { adjustStock(delta: 1) { id } }';

const { hostile, track } = useClientFixtures();

/** A client with short limits, no pause before a retry, and (unless a test wants them) no retries or breaker. */
function client(url: string, options: Partial<SubgraphClientOptions> = {}): SubgraphClient {
  const c = new SubgraphClient({ name: 'hostile', url, timeoutMs: 200, connections: 4, retries: 0, retryDelayMs: { min: 0, max: 0 }, circuitBreaker: false, ...options });
  track(c);
  return c;
}

function unavailable(reason: string) {
  return [{ message: `Subgraph "hostile" is unavailable: ${reason}`, extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'hostile' } }];
}

const warnings = (lines: Record<string, unknown>[]) => lines.filter((l) => l.level === 40);

describe('SubgraphClient: a subgraph that misbehaves gives one SUBGRAPH_UNAVAILABLE error, logged once', () => {
  const MiB = 1024 * 1024;
  it.each<[string, Behaviour | 'closed port', Partial<SubgraphClientOptions>, string, { cutOff: boolean }]>([
    ['down (a closed port)', 'closed port', {}, 'connection refused', { cutOff: false }],
    ['slow (never answers)', behaviours.hang(), {}, 'no answer within 200 ms', { cutOff: true }],
    ['trickling (1 byte every 300 ms)', behaviours.trickle(300), {}, 'no complete answer within 200 ms', { cutOff: true }],
    ['an HTML page', behaviours.html(200), {}, 'answered HTTP 200 without a GraphQL response', { cutOff: false }],
    ['JSON that is not GraphQL', behaviours.jsonNotGraphQL(), {}, 'answered HTTP 200 without a GraphQL response', { cutOff: false }],
    ['HTTP 500 without a GraphQL body', behaviours.status(500), {}, 'answered HTTP 500 without a GraphQL response', { cutOff: false }],
    ['a connection reset mid-body', behaviours.resetMidBody(), {}, 'connection closed by the subgraph before the answer was complete', { cutOff: false }],
    ['an oversized body (chunked)', behaviours.oversized(8 * MiB), { maxResponseBytes: MiB, timeoutMs: 10_000 }, `answered more than ${MiB} bytes`, { cutOff: true }],
    ['an oversized body (declared length)', behaviours.oversized(8 * MiB, true), { maxResponseBytes: MiB, timeoutMs: 10_000 }, `answered more than ${MiB} bytes`, { cutOff: true }],
  ])('%s', async (_label, behaviour, options, reason, { cutOff }) => {
    const server = behaviour === 'closed port' ? undefined : await hostile(behaviour);
    const { logger, lines } = captureLogs('warn');
    const sg = client(server?.url ?? (await closedPortUrl()), { logger, ...options });
    const result = await sg.process(incomingOperation(QUERY));
    expect(result).toEqual({ errors: unavailable(reason) });
    expect(warnings(lines)).toEqual([expect.objectContaining({ subgraph: 'hostile', reason })]);
    if (cutOff && server) {
      // Cut off means the connection is closed, not handed back to the pool with an answer still on the wire.
      await until(() => server.closedConnections === 1, 'the subgraph to see its connection closed');
      expect(server.abandoned).toBe(1);
    }
  });

  it('names no host when the subgraph\'s host does not resolve, and logs the detail for the operator', async () => {
    const { logger, lines } = captureLogs('debug');
    const answer = await client('http://meshgate-no-such-subgraph.invalid/graphql', { logger }).process(incomingOperation(QUERY));
    expect(answer).toEqual({ errors: unavailable('host not found') });
    expect(JSON.stringify(answer)).not.toContain('meshgate-no-such-subgraph');
    expect(warnings(lines)).toEqual([expect.objectContaining({ reason: 'host not found', detail: expect.stringContaining('meshgate-no-such-subgraph.invalid') })]);
  });

  it('leaves the connection of a complete answer in the pool', async () => {
    const server = await hostile(behaviours.ok());
    const sg = client(server.url);
    for (let i = 0; i < 3; i++) expect((await sg.process(incomingOperation(QUERY))).data).toEqual({ ok: true, hit: i + 1 });
    expect(server.closedConnections).toBe(0);
  });

  it('passes on the GraphQL body of an HTTP 500, and logs it as a failure', async () => {
    const body = { data: null, errors: [{ message: 'resolver crashed' }] };
    const server = await hostile(behaviours.status(500, body));
    const { logger, lines } = captureLogs('warn');
    expect(await client(server.url, { logger }).process(incomingOperation(QUERY))).toEqual(body);
    expect(warnings(lines)).toEqual([expect.objectContaining({ subgraph: 'hostile', reason: 'answered HTTP 500' })]);
  });

  it('logs one line for a failed fetch that several callers shared', async () => {
    const server = await hostile(behaviours.status(500));
    const { logger, lines } = captureLogs('warn');
    const sg = client(server.url, { logger, deduplicate: true });
    const results = await Promise.all([1, 2, 3].map(() => sg.process(incomingOperation(QUERY))));
    expect(results).toEqual(Array(3).fill({ errors: unavailable('answered HTTP 500 without a GraphQL response') }));
    expect(server.hits).toBe(1);
    expect(warnings(lines)).toHaveLength(1);
  });
});

describe('SubgraphClient: a caller that goes away', () => {
  /** Holds every response until the test answers it. */
  function holding(): { behaviour: Behaviour; answer: () => void } {
    const held: ServerResponse[] = [];
    return {
      behaviour: (_req, res) => void held.push(res),
      answer: () => {
        for (const res of held.splice(0)) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ data: { answered: true } }));
        }
      },
    };
  }

  // A 5 s test limit against a 60 s deadline: passing at all shows the answer came back at once.
  it('aborts the subgraph request: the subgraph sees its connection closed, the caller an error at once', async () => {
    const server = await hostile(behaviours.hang());
    const { logger, lines } = captureLogs('debug');
    const sg = client(server.url, { timeoutMs: 60_000, logger, retries: 1, circuitBreaker: { failures: 1, resetMs: 1000 } });
    const caller = new AbortController();
    const pending = sg.process(incomingOperation(QUERY, caller.signal));
    await until(() => server.hits === 1, 'the request to arrive');
    caller.abort();
    expect(await pending).toEqual({ errors: unavailable('the caller went away') });
    await until(() => server.closedConnections === 1, 'the subgraph to see its connection closed');
    expect(server.abandoned).toBe(1);
    // Going away says nothing about the subgraph: no warning, no retry, the circuit stays closed.
    expect(warnings(lines)).toEqual([]);
    expect(lines.filter((l) => l.msg === 'subgraph fetch retried')).toEqual([]);
    expect(sg.circuitState).toBe('closed');
  }, 5_000);

  it('sends nothing for a caller that had already gone', async () => {
    const server = await hostile(behaviours.ok());
    const caller = new AbortController();
    caller.abort();
    expect(await client(server.url).process(incomingOperation(QUERY, caller.signal))).toEqual({ errors: unavailable('the caller went away') });
    expect(server.hits).toBe(0);
  });

  it('keeps a shared request going while one of its callers is still waiting', async () => {
    const { behaviour, answer } = holding();
    const server = await hostile(behaviour);
    const sg = client(server.url, { deduplicate: true, timeoutMs: 60_000 });
    const leaving = new AbortController();
    const staying = new AbortController();
    const left = sg.process(incomingOperation(QUERY, leaving.signal));
    const stays = sg.process(incomingOperation(QUERY, staying.signal));
    await until(() => server.hits === 1, 'the shared request to arrive');
    leaving.abort();
    expect(await left).toEqual({ errors: unavailable('the caller went away') });
    answer();
    expect(await stays).toEqual({ data: { answered: true } });
    expect(server.abandoned).toBe(0);
    expect(sg.stats).toEqual({ sent: 1, shared: 1 });
  }, 5_000);

  it('aborts a shared request once every one of its callers has gone', async () => {
    const server = await hostile(behaviours.hang());
    const sg = client(server.url, { deduplicate: true, timeoutMs: 60_000 });
    const callers = [new AbortController(), new AbortController()];
    const pending = callers.map((c) => sg.process(incomingOperation(QUERY, c.signal)));
    await until(() => server.hits === 1, 'the shared request to arrive');
    callers[0].abort();
    callers[1].abort();
    expect(await Promise.all(pending)).toEqual(Array(2).fill({ errors: unavailable('the caller went away') }));
    await until(() => server.closedConnections === 1, 'the subgraph to see its connection closed');
    expect(server.abandoned).toBe(1);
  }, 5_000);
});

describe('SubgraphClient: retries', () => {
  const answered = (status: number) => `answered HTTP ${status} without a GraphQL response`;
  it.each<[string, Behaviour, string, number]>([
    ['a query after HTTP 503 is sent twice', behaviours.status(503), QUERY, 2],
    ['a query after HTTP 502 (an HTML page) is sent twice', behaviours.html(502), QUERY, 2],
    ['a query after HTTP 504 is sent twice', behaviours.status(504), QUERY, 2],
    ['a mutation after HTTP 503 is sent once', behaviours.status(503), MUTATION, 1],
    ['a query after HTTP 500 is sent once (the subgraph may have done the work)', behaviours.status(500), QUERY, 1],
    ['a query after a reset mid-body is sent once', behaviours.resetMidBody(), QUERY, 1],
    ['a query after its deadline is sent once', behaviours.hang(), QUERY, 1],
  ])('%s', async (_label, behaviour, query, hits) => {
    const server = await hostile(behaviour);
    await client(server.url, { retries: 1 }).process(incomingOperation(query));
    expect(server.hits).toBe(hits);
  });

  it('answers a query whose connection was closed before the answer, from the retry', async () => {
    const server = await hostile(behaviours.dropFirst(1, behaviours.ok()));
    expect(await client(server.url, { retries: 1 }).process(incomingOperation(QUERY))).toEqual({ data: { ok: true, hit: 2 } });
    expect(server.hits).toBe(2);
  });

  it('sends a mutation once even when its connection was closed before any answer', async () => {
    const server = await hostile(behaviours.dropFirst(1, behaviours.ok()));
    expect(await client(server.url, { retries: 1 }).process(incomingOperation(MUTATION))).toEqual({ errors: unavailable('connection closed by the subgraph') });
    expect(server.hits).toBe(1);
  });

  it('retries a refused connection once, and logs the retry at debug', async () => {
    const { logger, lines } = captureLogs('debug');
    expect(await client(await closedPortUrl(), { retries: 1, logger }).process(incomingOperation(QUERY))).toEqual({ errors: unavailable('connection refused') });
    expect(lines.filter((l) => l.msg === 'subgraph fetch retried')).toEqual([expect.objectContaining({ level: 20, subgraph: 'hostile', reason: 'connection refused', attempt: 1 })]);
    expect(warnings(lines)).toHaveLength(1);
  });

  it('does not retry when the pause would not fit in the deadline', async () => {
    const server = await hostile(behaviours.status(503));
    // The caller gets the subgraph's own failure at once, not a deadline spent waiting to retry.
    expect(await client(server.url, { retries: 1, timeoutMs: 100, retryDelayMs: { min: 150, max: 150 } }).process(incomingOperation(QUERY))).toEqual({
      errors: unavailable(answered(503)),
    });
    expect(server.hits).toBe(1);
  });

  it('does not retry when retries are 0', async () => {
    const server = await hostile(behaviours.status(503));
    await client(server.url, { retries: 0 }).process(incomingOperation(QUERY));
    expect(server.hits).toBe(1);
  });

  it('stops retrying once the retry budget is spent (20 % of the requests, no reserve)', async () => {
    const server = await hostile(behaviours.status(503));
    const { logger, lines } = captureLogs('debug');
    // A clock that stands still keeps every request in the same window.
    const sg = client(server.url, { retries: 1, retryBudgetPercent: 20, retryBudgetMinPerSecond: 0, clock: () => 0, logger });
    for (let i = 0; i < 10; i++) expect(await sg.process(incomingOperation(QUERY))).toEqual({ errors: unavailable(answered(503)) });
    // 10 requests earn 2 retries: after the 5th and the 10th.
    expect(server.hits).toBe(12);
    expect(lines.filter((l) => l.msg === 'subgraph fetch not retried: retry budget spent')).toHaveLength(8);
  });
});

describe('SubgraphClient: circuit breaker', () => {
  function breakerClient(url: string, extra: Partial<SubgraphClientOptions> = {}) {
    const clock = { now: 0 };
    const { logger, lines } = captureLogs('info');
    const sg = client(url, { circuitBreaker: { failures: 3, resetMs: 1000 }, clock: () => clock.now, logger, ...extra });
    return { sg, clock, lines };
  }

  it('opens after 3 failures, answers at once while open, lets one probe through, and closes on its success', async () => {
    const server = await hostile(behaviours.status(500));
    const { sg, clock, lines } = breakerClient(server.url);
    for (let i = 0; i < 3; i++) await sg.process(incomingOperation(QUERY));
    expect(server.hits).toBe(3);
    expect(sg.circuitState).toBe('open');
    expect(lines.filter((l) => l.level === 40 && String(l.msg).startsWith('circuit open'))).toEqual([expect.objectContaining({ subgraph: 'hostile', failures: 3 })]);

    // Open: every call fails fast and the subgraph hears nothing.
    for (let i = 0; i < 5; i++) expect(await sg.process(incomingOperation(QUERY))).toEqual({ errors: unavailable('circuit open after 3 failures; next probe in 1000 ms') });
    clock.now = 400;
    expect(await sg.process(incomingOperation(QUERY))).toEqual({ errors: unavailable('circuit open after 3 failures; next probe in 600 ms') });
    expect(server.hits).toBe(3);

    // Half-open: of three calls at once, one probes; its failure opens the circuit again.
    clock.now = 1000;
    expect(sg.circuitState).toBe('half-open');
    const probing = await Promise.all([1, 2, 3].map(() => sg.process(incomingOperation(QUERY))));
    expect(server.hits).toBe(4);
    expect(probing.slice(1)).toEqual(Array(2).fill({ errors: unavailable('circuit open after 3 failures; a probe is in flight') }));
    expect(sg.circuitState).toBe('open');
    expect(await sg.process(incomingOperation(QUERY))).toEqual({ errors: unavailable('circuit open after 4 failures; next probe in 1000 ms') });

    // The next probe succeeds: closed, and every call goes to the subgraph again.
    server.behave(behaviours.ok());
    clock.now = 2000;
    expect(await sg.process(incomingOperation(QUERY))).toEqual({ data: { ok: true, hit: 5 } });
    expect(sg.circuitState).toBe('closed');
    expect(lines.filter((l) => l.level === 30 && l.msg === 'circuit closed: subgraph "hostile"')).toHaveLength(1);
    await sg.process(incomingOperation(QUERY));
    expect(server.hits).toBe(6);
  });

  it.each<[string, Behaviour, 'open' | 'closed']>([
    ['GraphQL errors in a 200 are answers, not failures', behaviours.graphqlErrors(), 'closed'],
    ['an HTTP 500 counts even with a GraphQL body', behaviours.status(500, { data: null, errors: [{ message: 'x' }] }), 'open'],
    ['an HTML page counts', behaviours.html(200), 'open'],
    ['a trickle cut at the deadline counts', behaviours.trickle(300), 'open'],
  ])('%s', async (_label, behaviour, state) => {
    const server = await hostile(behaviour);
    const { sg } = breakerClient(server.url);
    for (let i = 0; i < 3; i++) await sg.process(incomingOperation(QUERY));
    expect(sg.circuitState).toBe(state);
  });

  it('counts a fetch and its retry as one call', async () => {
    const server = await hostile(behaviours.dropFirst(10, behaviours.ok()));
    const { sg } = breakerClient(server.url, { retries: 1 });
    await sg.process(incomingOperation(QUERY));
    await sg.process(incomingOperation(QUERY));
    expect(server.hits).toBe(4);
    expect(sg.circuitState).toBe('closed');
  });

  it('never opens when turned off', async () => {
    const server = await hostile(behaviours.status(500));
    const sg = client(server.url, { circuitBreaker: false });
    for (let i = 0; i < 10; i++) await sg.process(incomingOperation(QUERY));
    expect(server.hits).toBe(10);
    expect(sg.circuitState).toBe('closed');
  });
});
