import { inventory } from '../src/server.js';
import { startTestSubgraph, type TestSubgraph, statementCounts } from '../../../test/support/subgraphs.js';

describe('inventory subgraph over HTTP', () => {
  let service: TestSubgraph;
  beforeAll(async () => {
    service = await startTestSubgraph(inventory);
  });
  afterAll(() => service?.stop());

  const query = (q: string, variables?: Record<string, unknown>) => service.query(q, variables);

  it('serves products with their stock', async () => {
    const { body } = await query('{ products(limit: 2) { id sku totalStock lowStock stockLevels { quantity warehouse { id name } } } }');
    expect(body.errors).toBeUndefined();
    const [first] = body.data!.products;
    expect(first.id).toBe('1');
    expect(first.stockLevels).toHaveLength(8);
    expect(first.totalStock).toBe(first.stockLevels.reduce((s: number, l: { quantity: number }) => s + l.quantity, 0));
  });

  it.each([
    ['by id', '{ product(id: "42") { id sku } }', { id: '42', sku: 'SKU-00042' }],
    ['by sku', '{ product(sku: "SKU-00042") { id sku } }', { id: '42', sku: 'SKU-00042' }],
    ['unknown id', '{ product(id: "999999") { id } }', null],
    ['non-numeric id', '{ product(id: "abc") { id } }', null],
  ])('finds a product %s', async (_name, q, expected) => {
    const { body } = await query(q);
    expect(body.errors).toBeUndefined();
    expect(body.data!.product).toEqual(expected);
  });

  it.each([
    ['both id and sku', '{ product(id: "1", sku: "SKU-00001") { id } }', 'exactly one of id or sku'],
    ['neither', '{ product { id } }', 'exactly one of id or sku'],
    ['a limit too large', '{ products(limit: 1000) { id } }', 'limit must be between 1 and 100, got 1000'],
    ['a negative offset', '{ products(offset: -1) { id } }', 'offset must be 0 or more'],
  ])('rejects %s with a clear BAD_USER_INPUT error', async (_name, q, message) => {
    const { body } = await query(q);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringContaining(message), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('resolves entity references by either key, in order, with null for unknown ones', async () => {
    const { body } = await query(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id sku name } ... on Warehouse { id name } } }',
      {
        r: [
          { __typename: 'Product', id: '3' },
          { __typename: 'Product', sku: 'SKU-00004' },
          { __typename: 'Product', id: '424242' },
          { __typename: 'Warehouse', id: '2' },
        ],
      },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities).toEqual([
      { id: '3', sku: 'SKU-00003', name: expect.any(String) },
      { id: '4', sku: 'SKU-00004', name: expect.any(String) },
      null,
      { id: '2', name: 'Lyon South' },
    ]);
  });

  it('adjusts stock through the mutation', async () => {
    const { body } = await query(
      'mutation { adjustStock(productId: "9", warehouseId: "2", delta: -1, reason: SOLD) { stockLevel { quantity warehouse { id } } movement { delta reason quantityAfter } } }',
    );
    expect(body.errors).toBeUndefined();
    const { stockLevel, movement } = body.data!.adjustStock;
    expect(movement).toEqual({ delta: -1, reason: 'SOLD', quantityAfter: stockLevel.quantity });
  });

  // The N+1 guard: the statement count of one request must not grow with the number of items.
  it.each([
    ['product lists', (n: number) => `{ products(limit: ${n}) { id stockLevels { quantity warehouse { name } } stockMovements(limit: 3) { delta warehouse { region } } } }`],
    [
      'entity references',
      (n: number) =>
        `{ _entities(representations: [${Array.from({ length: n }, (_, i) => `{ __typename: "Product", id: "${i + 1}" }`).join(', ')}]) { ... on Product { totalStock stockLevels { warehouse { id } } } } }`,
    ],
  ])('runs a constant number of SQL statements for %s of any length', async (_name, build) => {
    const counts = await statementCounts(service, (n) => query(build(n)));
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
  });
});
