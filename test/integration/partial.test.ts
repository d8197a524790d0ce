import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { postGraphQL } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const QUERY = '{ products(limit: 3) { sku totalStock promotions { discountPercent } openTicketCount } }';

describe('a subgraph that is down', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await stack.subgraphs.marketing.subgraph.stop();
  });
  afterAll(() => stack?.stop());

  it('gives partial data and one error naming the domain, with HTTP 200', async () => {
    const { status, body } = await postGraphQL(stack.gateway.url, QUERY);
    expect(status).toBe(200);
    const products = (body.data as any).products;
    expect(products).toHaveLength(3);
    expect(products.every((p: any) => p.promotions === null && typeof p.totalStock === 'number' && Number.isInteger(p.openTicketCount))).toBe(true);
    expect(body.errors).toEqual([
      {
        message: 'Subgraph "marketing" is unavailable: connection refused',
        path: ['products', '@'],
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'marketing' },
      },
    ]);
  });

  it('still answers queries that do not need the missing domain, without errors', async () => {
    const { body } = await postGraphQL(stack.gateway.url, '{ product(id: "1") { sku openTicketCount } }');
    expect(body.errors).toBeUndefined();
    expect((body.data as any).product.sku).toBe('SKU-00001');
  });

  it('reports itself degraded, not unready, naming the subgraph that is down', async () => {
    const response = await request(stack.gateway.url.replace('/graphql', '/ready'));
    const body = (await response.body.json()) as any;
    expect(response.statusCode).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.subgraphs.find((s: any) => s.name === 'marketing')).toMatchObject({ status: 'down' });
    expect(body.subgraphs.filter((s: any) => s.status === 'up')).toHaveLength(2);
  });
});

describe('a subgraph that hangs', () => {
  let stack: TestStack;
  let hanging: Server;
  beforeAll(async () => {
    // Accepts connections and reads requests but never answers.
    hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/graphql`;
    stack = await startTestStack({ subgraphTimeoutMs: 300, subgraphUrls: { 'customer-service': url } });
  });
  afterAll(async () => {
    await stack?.stop();
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
  });

  it('is cut off after the subgraph timeout, and the rest of the answer arrives', async () => {
    const { status, body } = await postGraphQL(stack.gateway.url, QUERY);
    expect(status).toBe(200);
    expect((body.data as any).products.map((p: any) => p.openTicketCount)).toEqual([null, null, null]);
    expect((body.data as any).products.every((p: any) => Array.isArray(p.promotions))).toBe(true);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'Subgraph "customer-service" is unavailable: no answer within 300 ms',
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'customer-service' },
      }),
    ]);
  });
});
