import { request } from 'undici';
import { postGraphQL } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { allowedEverything, bearer } from '../support/tokens.js';

// The whole mesh over real HTTP: three subgraphs, each on its own database, behind the gateway.
let stack: TestStack;
let auth: Record<string, string>;
beforeAll(async () => {
  stack = await startTestStack();
  auth = await allowedEverything();
});
afterAll(() => stack?.stop());

const ANALYST_QUERY = `query LowStock($limit: Int!) {
  products(lowStock: true, limit: $limit) {
    id sku name totalStock lowStock
    promotions { discountPercent campaign { name channel } }
    openTicketCount satisfactionScore
  }
}`;

describe('one request across all three domains', () => {
  it('answers the analyst query with data from inventory, marketing and customer-service', async () => {
    const { status, body } = await postGraphQL(stack.gateway.url, ANALYST_QUERY, { limit: 10 }, auth);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const products = body.data!.products as any[];
    expect(products).toHaveLength(10);
    expect(products.every((p) => p.lowStock === true && typeof p.totalStock === 'number')).toBe(true);
    expect(products.some((p) => p.promotions.length > 0)).toBe(true);
    for (const promotion of products.flatMap((p) => p.promotions)) {
      expect(promotion).toEqual({ discountPercent: expect.any(Number), campaign: { name: expect.any(String), channel: expect.any(String) } });
    }
    expect(products.every((p) => Number.isInteger(p.openTicketCount))).toBe(true);
  });

  it('joins the same values each domain serves on its own', async () => {
    const { body } = await postGraphQL(stack.gateway.url, ANALYST_QUERY, { limit: 3 }, auth);
    const joined = body.data!.products as any[];
    const direct = await stack.subgraphs['customer-service'].query(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { openTicketCount satisfactionScore } } }',
      { r: joined.map((p) => ({ __typename: 'Product', id: p.id })) },
    );
    expect(direct.body.data!._entities).toEqual(joined.map((p) => ({ openTicketCount: p.openTicketCount, satisfactionScore: p.satisfactionScore })));
  });

  it('starts from a customer and reaches tickets, products and marketing segments', async () => {
    const { body } = await postGraphQL(
      stack.gateway.url,
      `{ customer(id: "17") { id name tier segments { name } marketingConsent { grantedChannels }
           tickets(limit: 5) { subject status product { sku name promotions { discountPercent } } } } }`,
      undefined,
      auth,
    );
    expect(body.errors).toBeUndefined();
    const customer = body.data!.customer as any;
    expect(customer.id).toBe('17');
    expect(Array.isArray(customer.segments)).toBe(true);
    expect(customer.tickets.length).toBeGreaterThan(0);
    const withProduct = customer.tickets.find((t: any) => t.product);
    expect(withProduct?.product.sku).toMatch(/^SKU-\d{5}$/);
  });

  // No N+1 across the mesh: each subgraph's statement count stays the same as the list grows.
  it('runs a constant number of SQL statements per subgraph whatever the number of products', async () => {
    const counts: Record<string, number[]> = {};
    for (const limit of [2, 20, 60]) {
      for (const s of Object.values(stack.subgraphs)) s.resetStatements();
      const { body } = await postGraphQL(stack.gateway.url, ANALYST_QUERY, { limit }, auth);
      expect(body.errors).toBeUndefined();
      for (const [name, s] of Object.entries(stack.subgraphs)) (counts[name] ??= []).push(s.statements.length);
    }
    for (const [name, perLimit] of Object.entries(counts)) {
      expect({ name, distinct: new Set(perLimit).size, first: perLimit[0] > 0 }).toEqual({ name, distinct: 1, first: true });
    }
  });

  it('runs mutations of two domains through the one endpoint', async () => {
    const adjusted = await postGraphQL(
      stack.gateway.url,
      'mutation { adjustStock(productId: "5", warehouseId: "1", delta: 10, reason: RECEIVED) { stockLevel { quantity product { sku openTicketCount } } } }',
      undefined,
      auth,
    );
    expect(adjusted.body.errors).toBeUndefined();
    expect((adjusted.body.data as any).adjustStock.stockLevel.product.sku).toBe('SKU-00005');
    const opened = await postGraphQL(
      stack.gateway.url,
      'mutation { openTicket(customerId: "3", productId: "5", subject: "Arrived damaged", priority: HIGH) { id status customer { id } product { sku totalStock } } }',
      undefined,
      auth,
    );
    expect(opened.body.errors).toBeUndefined();
    expect((opened.body.data as any).openTicket).toMatchObject({ status: 'OPEN', customer: { id: '3' }, product: { sku: 'SKU-00005', totalStock: expect.any(Number) } });
  });
});

describe('the gateway endpoint', () => {
  it('reports health, and readiness per subgraph', async () => {
    const health = await request(stack.gateway.url.replace('/graphql', '/health'));
    expect(health.statusCode).toBe(200);
    await health.body.dump();
    const ready = await request(stack.gateway.url.replace('/graphql', '/ready'));
    const body = (await ready.body.json()) as any;
    expect(ready.statusCode).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.subgraphs.map((s: any) => [s.name, s.status]).sort()).toEqual([
      ['customer-service', 'up'],
      ['inventory', 'up'],
      ['marketing', 'up'],
    ]);
  });

  it.each([
    ['a body that is not JSON', { 'content-type': 'application/json' }, '{"query":', 400, 'not valid JSON'],
    ['a form post (CSRF-prone content type)', { 'content-type': 'text/plain' }, '{"query":"{ __typename }"}', 415, 'expected application/json'],
    ['an empty body', { 'content-type': 'application/json' }, '', 400, 'Empty request body'],
  ])('refuses %s with a clear JSON error', async (_name, headers, payload, status, message) => {
    const response = await request(stack.gateway.url, { method: 'POST', headers, body: payload });
    expect(response.statusCode).toBe(status);
    const body = (await response.body.json()) as any;
    expect(body.errors[0].message).toContain(message);
  });

  it('validates operations against the supergraph before any subgraph is called', async () => {
    for (const s of Object.values(stack.subgraphs)) s.resetStatements();
    const { status, body } = await postGraphQL(stack.gateway.url, '{ products { sku noSuchField } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringContaining('noSuchField'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(Object.values(stack.subgraphs).every((s) => s.statements.length === 0)).toBe(true);
  });

  it('answers 404 on unknown paths', async () => {
    const response = await request(stack.gateway.url.replace('/graphql', '/nope'));
    expect(response.statusCode).toBe(404);
    await response.body.dump();
  });
});

describe('identical subgraph queries in flight at the same time', () => {
  /** Holds every SQL statement of `subgraph` for `ms`, so concurrent requests really overlap. */
  function slowDown(subgraph: string, ms: number): () => void {
    const db = stack.subgraphs[subgraph].database.db;
    const query = db.query;
    db.query = async (sql, params) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return query(sql, params);
    };
    return () => {
      db.query = query;
    };
  }

  it('share one subgraph request among callers who are the same caller', async () => {
    const restore = slowDown('inventory', 150);
    try {
      for (const s of Object.values(stack.subgraphs)) s.resetStatements();
      const answers = await Promise.all(Array.from({ length: 6 }, () => postGraphQL(stack.gateway.url, ANALYST_QUERY, { limit: 5 }, auth)));
      expect(answers.map((a) => a.body.errors)).toEqual(Array(6).fill(undefined));
      expect(new Set(answers.map((a) => JSON.stringify(a.body.data))).size).toBe(1);
      // inventory runs the root query (products + their stock) once, not six times.
      expect(stack.subgraphs.inventory.statements).toHaveLength(2);
    } finally {
      restore();
    }
  });

  it('never share between callers the subgraph tells apart (row-level rule on the forwarded principal)', async () => {
    const restore = slowDown('customer-service', 150);
    try {
      const asCustomer = (id: string) => bearer({ subject: `customer-${id}`, scopes: ['support:read'], roles: ['customer'], claims: { customer_id: id } });
      const [one, two] = [await asCustomer('1'), await asCustomer('2')];
      const query = '{ customer(id: "1") { id name } }';
      const answers = await Promise.all([one, two, one, two].map((headers) => postGraphQL(stack.gateway.url, query, undefined, headers)));
      expect(answers.map((a) => a.body.data?.customer?.id ?? null)).toEqual(['1', null, '1', null]);
    } finally {
      restore();
    }
  });
});
