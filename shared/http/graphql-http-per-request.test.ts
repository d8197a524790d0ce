import { ApolloServer } from '@apollo/server';
import { request } from 'undici';
import { createLogger } from '../logging.js';
import { createGraphQLHttpHandler, listen, type Listening } from './graphql-http.js';

// A handler whose Apollo Server is picked per request (the gateway's generations): `prepare` pins
// one, adds headers, and hears when the request is over.

const server = (answer: string) => new ApolloServer({ typeDefs: 'type Query { who: String }', resolvers: { Query: { who: () => answer } } });

describe('the HTTP front with an Apollo Server per request', () => {
  const a = server('a');
  const b = server('b');
  let current = a;
  let pinned: ApolloServer | undefined;
  const done: string[] = [];
  let listening: Listening;

  beforeAll(async () => {
    await Promise.all([a.start(), b.start()]);
    const handler = createGraphQLHttpHandler({
      apollo: () => current,
      logger: createLogger('test', 'silent'),
      prepare: ({ req }) => {
        const id = String(req.headers['x-id']);
        return { context: {}, ...(pinned ? { apollo: pinned } : {}), headers: { 'x-served-by': id }, done: () => done.push(id) };
      },
    });
    listening = await listen(handler, 0);
  });
  afterAll(async () => {
    await listening?.close();
    await Promise.all([a.stop(), b.stop()]);
  });

  const ask = async (id: string) => {
    const response = await request(`${listening.url}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-id': id }, body: JSON.stringify({ query: '{ who }' }) });
    return { header: response.headers['x-served-by'], body: (await response.body.json()) as { data?: { who: string } } };
  };

  it('runs the Apollo Server prepare pins, adds its headers, and calls done once the answer is written', async () => {
    pinned = b;
    expect(await ask('one')).toEqual({ header: 'one', body: { data: { who: 'b' } } });
    expect(done).toEqual(['one']);
  });

  it('otherwise asks the function for the one serving now, on every request', async () => {
    pinned = undefined;
    current = a;
    expect((await ask('two')).body).toEqual({ data: { who: 'a' } });
    current = b;
    expect((await ask('three')).body).toEqual({ data: { who: 'b' } });
    expect(done).toEqual(['one', 'two', 'three']);
  });

  it('serves the landing page from the one serving now', async () => {
    const response = await request(listening.url, { headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toContain('<html');
  });
});
