import { DEMO_PRODUCTS, MAX_RECORDS_PER_PRODUCT, {{camelName}}DemoData } from '../db/seed.js';
import { {{camelName}} } from '../src/server.js';
import { startTestSubgraph, type TestSubgraph, statementCounts } from '{{repo}}/test/support/subgraphs.js';

describe('{{name}} subgraph over HTTP', () => {
  let service: TestSubgraph;
  beforeAll(async () => {
    service = await startTestSubgraph({{camelName}});
  });
  afterAll(() => service?.stop());

  const query = (q: string, variables?: Record<string, unknown>) => service.query(q, variables);
  const entities = (representations: Record<string, unknown>[], selection: string) =>
    query(`query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`, { r: representations });

  it('builds the same demo data on every run, within the sizes the schema announces', () => {
    const rows = {{camelName}}DemoData();
    expect({{camelName}}DemoData()).toEqual(rows);
    const perProduct = new Map<number, number>();
    for (const row of rows) perProduct.set(row.product_id, (perProduct.get(row.product_id) ?? 0) + 1);
    expect(perProduct.size).toBe(DEMO_PRODUCTS);
    expect(Math.max(...perProduct.values())).toBeLessThanOrEqual(MAX_RECORDS_PER_PRODUCT);
  });

  it('serves records newest first, each with its product', async () => {
    const { body } = await query('{ {{camelName}}Records(limit: 10) { id title notes recordedAt product { id } } }');
    expect(body.errors).toBeUndefined();
    const records = body.data!.{{camelName}}Records;
    expect(records).toHaveLength(10);
    const times = records.map((r: { recordedAt: string }) => Date.parse(r.recordedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const record of records) {
      expect(record).toMatchObject({ id: expect.stringMatching(/^\d+$/), title: expect.any(String), product: { id: expect.stringMatching(/^\d+$/) } });
    }
  });

  it('pages through records without overlap', async () => {
    const { body: first } = await query('{ {{camelName}}Records(limit: 5) { id } }');
    const { body: second } = await query('{ {{camelName}}Records(limit: 5, offset: 5) { id } }');
    const ids = [...first.data!.{{camelName}}Records, ...second.data!.{{camelName}}Records].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(10);
  });

  it.each([
    ['a record by id', '{ {{camelName}}Record(id: "1") { id product { id } } }', { id: '1', product: { id: '1' } }],
    ['an unknown record', '{ {{camelName}}Record(id: "999999") { id } }', null],
    ['a non-numeric record id', '{ {{camelName}}Record(id: "abc") { id } }', null],
  ])('finds %s', async (_name, q, expected) => {
    const { body } = await query(q);
    expect(body.errors).toBeUndefined();
    expect(body.data!.{{camelName}}Record).toEqual(expected);
  });

  it.each([
    ['a limit too large', '{ {{camelName}}Records(limit: 1000) { id } }', 'limit must be between 1 and 100, got 1000'],
    ['a negative offset', '{ {{camelName}}Records(offset: -1) { id } }', 'offset must be 0 or more, got -1'],
    ['a non-numeric product id', 'mutation { add{{Name}}Record(productId: "abc", title: "x") { id } }', 'productId must be a numeric id such as "42", got "abc"'],
    ['an empty title', 'mutation { add{{Name}}Record(productId: "1", title: "  ") { id } }', 'title must be 1 to 200 characters after trimming, got 0'],
  ])('rejects %s with a clear BAD_USER_INPUT error', async (_name, q, message) => {
    const { body } = await query(q);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringContaining(message), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('resolves references to the entity it owns and the one it extends, in order, with null for unknown ones', async () => {
    const { body } = await entities(
      [
        { __typename: '{{Name}}Record', id: '1' },
        { __typename: '{{Name}}Record', id: '999999' },
        { __typename: 'Product', id: '1' },
        // A product inventory may know but {{name}} has no records of: it is there, without records.
        { __typename: 'Product', id: '424242' },
        { __typename: 'Product', id: 'not-an-id' },
      ],
      `... on {{Name}}Record { id product { id } }
       ... on Product { id {{camelName}}Records { id product { id } } }`,
    );
    expect(body.errors).toBeUndefined();
    const result = body.data!._entities;
    expect(result).toEqual([
      { id: '1', product: { id: '1' } },
      null,
      { id: '1', {{camelName}}Records: expect.any(Array) },
      { id: '424242', {{camelName}}Records: [] },
      null,
    ]);
    expect(result[2].{{camelName}}Records.length).toBeGreaterThan(0);
    expect(result[2].{{camelName}}Records.every((r: { product: { id: string } }) => r.product.id === '1')).toBe(true);
  });

  it('adds a record that later fields of the same request already see', async () => {
    const { body } = await query(
      'mutation { add{{Name}}Record(productId: "7", title: " Checked ", notes: "From the test.") { id title notes recordedAt product { {{camelName}}Records { id } } } }',
    );
    expect(body.errors).toBeUndefined();
    const record = body.data!.add{{Name}}Record;
    expect(record).toMatchObject({ title: 'Checked', notes: 'From the test.', recordedAt: expect.stringMatching(/Z$/) });
    expect(record.product.{{camelName}}Records.map((r: { id: string }) => r.id)).toContain(record.id);
    const { body: read } = await query(`{ {{camelName}}Record(id: "${record.id}") { title product { id } } }`);
    expect(read.data!.{{camelName}}Record).toEqual({ title: 'Checked', product: { id: '7' } });
  });

  // The N+1 guard: the statement count of one request must not grow with the number of items.
  const representations = (n: number, typename: string) =>
    `[${Array.from({ length: n }, (_, i) => `{ __typename: "${typename}", id: "${i + 1}" }`).join(', ')}]`;
  it.each([
    ['record lists', (n: number) => `{ {{camelName}}Records(limit: ${n}) { id product { {{camelName}}Records { id title } } } }`],
    [
      'product references',
      (n: number) => `{ _entities(representations: ${representations(n, 'Product')}) { ... on Product { {{camelName}}Records { title product { id } } } } }`,
    ],
    [
      'record references',
      (n: number) => `{ _entities(representations: ${representations(n, '{{Name}}Record')}) { ... on {{Name}}Record { title product { {{camelName}}Records { id } } } } }`,
    ],
  ])('runs a constant number of SQL statements for %s of any length', async (_name, build) => {
    const counts = await statementCounts(service, (n) => query(build(n)));
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
  });
});
