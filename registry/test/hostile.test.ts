import { productInput } from './support/fixtures.js';
import { authorization, startTestRegistry, type TestRegistry } from './support/registry.js';

/**
 * The registry is a service operators put on a network: whatever a caller sends, it answers with
 * a code (a 4xx before execution; a resolver's refusal is a GraphQL error, or for a publish a
 * refusal report), quickly, and keeps serving. Each row is
 * one hostile request; the last test checks the registry still answers after all of them.
 */
let test: TestRegistry;
let admin: Record<string, string>;

beforeAll(async () => {
  test = await startTestRegistry();
  admin = await authorization(['registry:admin']);
});
afterAll(() => test?.stop());

const PUBLISH = 'mutation ($input: PublishInput!) { publish(input: $input) { ok report { results { severity rule message } } } }';
const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(test.registry.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const publishBody = (input: Record<string, unknown>) => JSON.stringify({ query: PUBLISH, variables: { input } });
const valid = productInput('pricing', 'http://127.0.0.1:4601/graphql');

/** A descriptor whose YAML aliases would expand to billions of nodes ("billion laughs"). */
const aliasBomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');

describe('hostile requests to the registry', () => {
  it.each<[string, () => Promise<Response>, number, string]>([
    ['a body over 4 MiB, before any token is looked at', () => post(JSON.stringify({ query: `{ subgraphs { name } } #${'x'.repeat(4 * 1024 * 1024)}` })), 413, 'PAYLOAD_TOO_LARGE'],
    ['no token', () => post(JSON.stringify({ query: '{ subgraphs { name } }' })), 401, 'UNAUTHENTICATED'],
    ['malformed JSON', () => post('{"query": "{ subgraphs', admin), 400, 'BAD_REQUEST'],
    ['a batch', () => post(JSON.stringify([{ query: '{ subgraphs { name } }' }, { query: '{ subgraphs { name } }' }]), admin), 400, 'INVALID_GRAPHQL_REQUEST'],
    ['30 aliases of the largest list', () => post(JSON.stringify({ query: `{ ${Array.from({ length: 30 }, (_, i) => `h${i}: history(name: "pricing", limit: 100) { sdl }`).join(' ')} }` }), admin), 400, 'MAX_ALIASES_LIMIT'],
    ['a history limit past the bound', () => post(JSON.stringify({ query: '{ history(name: "pricing", limit: 100000000) { version } }' }), admin), 200, 'BAD_USER_INPUT'],
    ['a subgraph named __proto__', () => post(publishBody({ ...valid, name: '__proto__', skipRunningCheck: true }), admin), 200, 'BAD_USER_INPUT'],
    ['a NUL character in the SDL', () => post(publishBody({ ...valid, sdl: `${valid.sdl}\u0000`, skipRunningCheck: true }), admin), 200, 'BAD_USER_INPUT'],
    [
      'a usage report with a NUL in the client name',
      async () =>
        post(
          JSON.stringify({ query: 'mutation ($e: [UsageEntryInput!]!) { reportUsage(entries: $e) }', variables: { e: [{ day: '2026-12-01', clientName: 'a\u0000b', clientVersion: '1', coordinate: 'Query.x', count: 1 }] } }),
          await authorization(['registry:usage:report']),
        ),
      200,
      'BAD_USER_INPUT',
    ],
    ['a routing URL that is not http(s)', () => post(publishBody({ ...valid, url: 'file:///etc/passwd', skipRunningCheck: true }), admin), 200, 'BAD_USER_INPUT'],
  ])('%s', async (_case, send, status, code) => {
    const response = await send();
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe(code);
    expect(JSON.stringify(body)).not.toMatch(/\/work\/|node_modules|at .*\.ts:\d+/);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an SDL nested deeper than any parser stack', { sdl: `type Query { a(x: Int = ${'['.repeat(20_000)}1${']'.repeat(20_000)}): Int }` }, 'sdl-parse'],
    ['a descriptor whose YAML aliases explode', { descriptor: aliasBomb }, 'descriptor-valid'],
    ['a descriptor that is not YAML at all', { descriptor: '\u0001: [ {' }, 'descriptor-valid'],
  ])('refuses %s with a report, not a crash', async (_case, change, rule) => {
    const response = await post(publishBody({ ...valid, ...change, skipRunningCheck: true }), admin);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.errors).toBeUndefined();
    const { data } = body;
    expect(data.publish.ok).toBe(false);
    expect(data.publish.report.results).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'ERROR', rule })]));
  });

  it('still answers, and still publishes, after all of the above', async () => {
    expect((await fetch(`${test.registry.url}/health`)).status).toBe(200);
    const response = await post(publishBody({ ...valid, skipRunningCheck: true }), admin);
    expect((await response.json()).data.publish.ok).toBe(true);
  });
});
