import { ApolloServer } from '@apollo/server';
import { request } from 'undici';
import { createLogger } from '../logging.js';
import { dispatchByPath } from './dispatch.js';
import { createGraphQLHttpHandler, listen, type Listening } from './graphql-http.js';

// The `path` option (default /graphql) and the dispatcher that serves two HTTP fronts on one
// listener, as the gateway does with /graphql and /catalog/graphql.

let listening: Listening;
let base: string;
const apollos: ApolloServer[] = [];

async function front(answer: string, path?: string) {
  const apollo = new ApolloServer({ typeDefs: 'type Query { who: String }', resolvers: { Query: { who: () => answer } } });
  await apollo.start();
  apollos.push(apollo);
  return createGraphQLHttpHandler({ apollo, logger: createLogger('test', 'silent'), prepare: () => ({ context: {} }), ...(path ? { path } : {}) });
}

beforeAll(async () => {
  const main = await front('main');
  const other = await front('other', '/other/graphql');
  listening = await listen(dispatchByPath({ '/other/graphql': other }, main), 0);
  base = `http://127.0.0.1:${listening.port}`;
});
afterAll(async () => {
  await listening?.close();
  await Promise.all(apollos.map((a) => a.stop()));
});

async function post(path: string) {
  const response = await request(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ who }' }) });
  return { status: response.statusCode, body: (await response.body.json()) as { data?: { who: string }; errors?: { message: string; extensions: { code: string } }[] } };
}

describe('createGraphQLHttpHandler path', () => {
  it.each([
    ['the default path', '/graphql', 'main'],
    ['a configured path, dispatched to its own front', '/other/graphql', 'other'],
    ['a configured path with a query string', '/other/graphql?x=1', 'other'],
  ])('serves %s', async (_name, path, who) => {
    expect(await post(path)).toEqual({ status: 200, body: { data: { who } } });
  });

  it('answers 404 on the default path of a front configured elsewhere, naming where it serves', async () => {
    const other = await front('other', '/other/graphql');
    const alone = await listen(other, 0);
    try {
      const response = await request(`http://127.0.0.1:${alone.port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ who }"}' });
      expect(response.statusCode).toBe(404);
      expect(await response.body.json()).toEqual({ errors: [{ message: 'No route for POST /graphql: GraphQL is served at /other/graphql', extensions: { code: 'NOT_FOUND' } }] });
    } finally {
      await alone.close();
    }
  });

  it('names the configured path when refusing a method', async () => {
    const response = await request(`${base}/other/graphql`, { method: 'PUT', body: '{}' });
    expect(response.statusCode).toBe(405);
    expect(((await response.body.json()) as { errors: { message: string }[] }).errors[0].message).toBe('Method PUT is not allowed on /other/graphql: expected GET or POST');
  });

  it('sends other paths to the fallback front', async () => {
    const { status, body } = await post('/nowhere');
    expect(status).toBe(404);
    expect(body.errors?.[0].message).toBe('No route for POST /nowhere: GraphQL is served at /graphql');
  });
});
