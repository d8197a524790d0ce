import type { ServerResponse } from 'node:http';
import type { CircuitState } from '../../src/execution/circuit-breaker.js';
import { SubgraphClient, type SubgraphClientOptions, type SubgraphFetchEvent } from '../../src/execution/subgraph-client.js';
import { combineFetchObservers, fetchObserverOptions } from '../../src/telemetry/fetch-observer.js';
import { captureLogs } from '../../../test/support/logs.js';
import { behaviours, closedPortUrl, until, type Behaviour } from '../../../test/support/hostile-server.js';
import { incomingOperation, useClientFixtures } from './client-fixtures.js';

// The fetch events (onFetch, onShared, onCircuitChange) metrics and measured promises are built
// on: one event per fetch actually made, whoever waited for it, with the outcome kinds of SubgraphFetchEvent.

const QUERY = '{ products { id } }';

const { hostile, track } = useClientFixtures();

/** A client recording every event it tells, with short limits and (unless a test wants them) no retries or breaker. */
function observed(url: string, options: Partial<SubgraphClientOptions> = {}) {
  const fetches: SubgraphFetchEvent[] = [];
  const circuit: CircuitState[] = [];
  let shared = 0;
  const client = new SubgraphClient({
    name: 'observed',
    url,
    timeoutMs: 200,
    connections: 4,
    retries: 0,
    retryDelayMs: { min: 0, max: 0 },
    circuitBreaker: false,
    onFetch: (event) => void fetches.push(event),
    onShared: () => void shared++,
    onCircuitChange: (state) => void circuit.push(state),
    ...options,
  });
  track(client);
  return { client, fetches, circuit, shared: () => shared };
}

describe('SubgraphClient fetch events: one per fetch, with its outcome', () => {
  it.each<[string, Behaviour | 'closed port', Partial<SubgraphFetchEvent>]>([
    ['a GraphQL answer is ok', behaviours.ok(), { outcome: 'ok', status: 200, graphqlErrors: 0 }],
    ['GraphQL errors in a 200 are still ok, and counted', behaviours.graphqlErrors(), { outcome: 'ok', status: 200, graphqlErrors: 1 }],
    ['a GraphQL answer with HTTP 400 is ok', behaviours.status(400, { errors: [{ message: 'invalid' }, { message: 'also' }] }), { outcome: 'ok', status: 400, graphqlErrors: 2 }],
    ['HTTP 500 is an error even with a GraphQL body', behaviours.status(500, { data: null, errors: [{ message: 'x' }] }), { outcome: 'error', status: 500, graphqlErrors: 0 }],
    ['an answer that is not GraphQL is an error', behaviours.html(200), { outcome: 'error', status: 200, graphqlErrors: 0 }],
    ['a connection reset is an error without a status', behaviours.resetMidBody(), { outcome: 'error', graphqlErrors: 0 }],
    ['a closed port is an error without a status', 'closed port', { outcome: 'error', graphqlErrors: 0 }],
    ['no answer in time is a timeout', behaviours.hang(), { outcome: 'timeout', graphqlErrors: 0 }],
    ['a trickle cut at the deadline is a timeout', behaviours.trickle(300), { outcome: 'timeout', graphqlErrors: 0 }],
  ])('%s', async (_label, behaviour, expected) => {
    const url = behaviour === 'closed port' ? await closedPortUrl() : (await hostile(behaviour)).url;
    const { client, fetches } = observed(url);
    await client.process(incomingOperation(QUERY));
    expect(fetches).toEqual([{ subgraph: 'observed', durationMs: expect.any(Number), ...expected }]);
    if (!('status' in expected)) expect(fetches[0]).not.toHaveProperty('status');
    expect(fetches[0].durationMs).toBeGreaterThanOrEqual(0);
    if (expected.outcome === 'timeout') expect(fetches[0].durationMs).toBeGreaterThanOrEqual(190);
  });

  it('times the whole fetch, its retry included, on the client\'s clock', async () => {
    const server = await hostile(behaviours.dropFirst(1, behaviours.ok()));
    let now = 0;
    // Every reading of the clock moves it 10 ms: the duration is the fetch's last reading less its first.
    const { client, fetches } = observed(server.url, { retries: 1, clock: () => (now += 10) });
    expect((await client.process(incomingOperation(QUERY))).data).toEqual({ ok: true, hit: 2 });
    expect(server.hits).toBe(2);
    expect(fetches).toHaveLength(1);
    expect(fetches[0]).toMatchObject({ outcome: 'ok', status: 200 });
    expect(fetches[0].durationMs).toBeGreaterThan(10);
  });

  it('tells cancelled when every caller went away, and nothing for a caller gone before anything was sent', async () => {
    const server = await hostile(behaviours.hang());
    const { client, fetches } = observed(server.url, { timeoutMs: 60_000 });
    const gone = new AbortController();
    gone.abort();
    await client.process(incomingOperation(QUERY, gone.signal));
    expect(fetches).toEqual([]);
    const caller = new AbortController();
    const pending = client.process(incomingOperation(QUERY, caller.signal));
    await until(() => server.hits === 1, 'the request to arrive');
    caller.abort();
    await pending;
    expect(fetches).toEqual([{ subgraph: 'observed', durationMs: expect.any(Number), outcome: 'cancelled', graphqlErrors: 0 }]);
  }, 5_000);
});

describe('SubgraphClient fetch events: a shared fetch', () => {
  /** Holds every answer until the test releases it, so the calls are really in flight together. */
  function holding(): { behaviour: Behaviour; answer: () => void } {
    const held: ServerResponse[] = [];
    return {
      behaviour: (_req, res) => void held.push(res),
      answer: () => {
        for (const res of held.splice(0)) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { answered: true } }));
      },
    };
  }

  it('tells onFetch once and onShared once per joiner', async () => {
    const { behaviour, answer } = holding();
    const server = await hostile(behaviour);
    const { client, fetches, shared } = observed(server.url, { deduplicate: true, timeoutMs: 5_000 });
    const answers = Promise.all([1, 2, 3].map(() => client.process(incomingOperation(QUERY))));
    await until(() => server.hits === 1, 'the shared request to arrive');
    expect(shared()).toBe(2);
    answer();
    expect((await answers).map((a) => a.data)).toEqual(Array(3).fill({ answered: true }));
    expect(server.hits).toBe(1);
    expect(fetches).toEqual([expect.objectContaining({ outcome: 'ok', status: 200 })]);
  });

  it('keeps telling the fetch once when one of its callers leaves and the others stay', async () => {
    const { behaviour, answer } = holding();
    const server = await hostile(behaviour);
    const { client, fetches, shared } = observed(server.url, { deduplicate: true, timeoutMs: 5_000 });
    const leaving = new AbortController();
    const left = client.process(incomingOperation(QUERY, leaving.signal));
    const stays = client.process(incomingOperation(QUERY));
    await until(() => server.hits === 1, 'the shared request to arrive');
    leaving.abort();
    await left;
    answer();
    await stays;
    expect(shared()).toBe(1);
    expect(fetches.map((f) => f.outcome)).toEqual(['ok']);
  });

  it('tells nothing shared when deduplication is off', async () => {
    const server = await hostile(behaviours.ok());
    const { client, fetches, shared } = observed(server.url, { deduplicate: false });
    await Promise.all([client.process(incomingOperation(QUERY)), client.process(incomingOperation(QUERY))]);
    expect(shared()).toBe(0);
    expect(fetches).toHaveLength(2);
  });
});

describe('SubgraphClient fetch events: the circuit breaker', () => {
  it('tells rejected (0 ms, nothing sent) while open, and every state change', async () => {
    const server = await hostile(behaviours.status(500));
    const clock = { now: 0 };
    const { client, fetches, circuit } = observed(server.url, { circuitBreaker: { failures: 2, resetMs: 1000 }, clock: () => clock.now });
    await client.process(incomingOperation(QUERY));
    await client.process(incomingOperation(QUERY));
    expect(circuit).toEqual(['open']);
    await client.process(incomingOperation(QUERY));
    expect(server.hits).toBe(2);
    expect(fetches.map((f) => f.outcome)).toEqual(['error', 'error', 'rejected']);
    expect(fetches[2]).toEqual({ subgraph: 'observed', durationMs: 0, outcome: 'rejected', graphqlErrors: 0 });
    server.behave(behaviours.ok());
    clock.now = 1000;
    await client.process(incomingOperation(QUERY));
    expect(circuit).toEqual(['open', 'half-open', 'closed']);
    expect(fetches.at(-1)).toMatchObject({ outcome: 'ok' });
  });
});

describe('SubgraphClient fetch events: an observer that throws', () => {
  it('never fails the fetch, and is logged once', async () => {
    const server = await hostile(behaviours.ok());
    const { logger, lines } = captureLogs('error');
    const client = new SubgraphClient({ name: 'observed', url: server.url, timeoutMs: 1000, connections: 1, logger, onFetch: () => { throw new Error('observer bug'); } });
    track(client);
    expect((await client.process(incomingOperation(QUERY))).data).toEqual({ ok: true, hit: 1 });
    expect((await client.process(incomingOperation(QUERY))).data).toEqual({ ok: true, hit: 2 });
    expect(lines.filter((l) => l.level === 50)).toEqual([expect.objectContaining({ subgraph: 'observed', msg: expect.stringContaining('fetch observer threw') })]);
  });
});

describe('combineFetchObservers', () => {
  it('tells every observer in turn, skips absent ones, and leaves out a member none of them has', () => {
    const heard: string[] = [];
    const combined = combineFetchObservers(
      { onFetch: (e) => void heard.push(`a:${e.outcome}`) },
      undefined,
      { onFetch: (e) => void heard.push(`b:${e.outcome}`), onShared: (s) => void heard.push(`b:shared:${s}`) },
    );
    combined.onFetch!({ subgraph: 'x', durationMs: 1, outcome: 'ok', graphqlErrors: 0 });
    combined.onShared!('x');
    expect(heard).toEqual(['a:ok', 'b:ok', 'b:shared:x']);
    expect(combined.onCircuitChange).toBeUndefined();
  });

  it('binds the subgraph name for the client: onShared and onCircuitChange are told which subgraph', () => {
    const heard: unknown[] = [];
    const options = fetchObserverOptions('inventory', { onShared: (s) => void heard.push(['shared', s]), onCircuitChange: (s, state) => void heard.push(['circuit', s, state]) });
    expect(options.onFetch).toBeUndefined();
    options.onShared!();
    options.onCircuitChange!('open');
    expect(heard).toEqual([['shared', 'inventory'], ['circuit', 'inventory', 'open']]);
    expect(fetchObserverOptions('inventory', undefined)).toEqual({});
  });
});
