import { createInventoryStore, type InventoryStore } from '../src/store.js';
import { inventory } from '../src/server.js';
import { openTestDatabase, testBackends, type TestDatabase } from '../../../test/support/databases.js';

// The same SQL must behave the same on embedded PGlite and on a PostgreSQL server.
describe.each(testBackends())('inventory store on %s', (backend) => {
  let database: TestDatabase;
  let store: InventoryStore;

  beforeAll(async () => {
    database = await openTestDatabase(inventory, backend);
    store = createInventoryStore(database.db);
  });
  afterAll(() => database?.dispose());

  it('holds the deterministic demo catalogue', async () => {
    const [count] = await database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM products');
    expect(count.n).toBe(1000);
    const [first] = await store.productsByIds([1]);
    expect(first).toEqual({ id: 1, sku: 'SKU-00001', name: expect.any(String), category: 'Audio', unitPrice: expect.any(Number), unitCost: expect.any(Number) });
    expect(first.unitCost).toBeLessThan(first.unitPrice);
  });

  it.each([
    [{ limit: 5, offset: 0 }, [1, 2, 3, 4, 5]],
    [{ limit: 3, offset: 10 }, [11, 12, 13]],
    [{ limit: 3, offset: 0, category: 'Cameras' }, [2, 12, 22]],
    [{ limit: 2, offset: 0, category: 'No such category' }, []],
  ])('lists products %j in id order', async (filter, ids) => {
    expect((await store.listProducts(filter)).map((p) => p.id)).toEqual(ids);
  });

  it('filters low stock: every product returned has a level at or below its reorder point, and only those', async () => {
    const low = await store.listProducts({ limit: 100, offset: 0, lowStock: true });
    const notLow = await store.listProducts({ limit: 100, offset: 0, lowStock: false });
    expect(low.length).toBeGreaterThan(0);
    const levels = await store.stockLevelsByProductIds([...low, ...notLow].map((p) => p.id));
    const isLow = (id: number) => levels.some((l) => l.productId === id && l.quantity <= l.reorderPoint);
    expect(low.every((p) => isLow(p.id))).toBe(true);
    expect(notLow.some((p) => isLow(p.id))).toBe(false);
  });

  it('returns instants as Dates and money as numbers on every backend', async () => {
    const [level] = await store.stockLevelsByProductIds([1]);
    expect(level.updatedAt).toBeInstanceOf(Date);
    const [movement] = await store.movementsByProductIds([1], 1);
    expect(typeof movement.id).toBe('number');
    expect(movement.occurredAt).toBeInstanceOf(Date);
  });

  it('keeps the newest N movements per product in one statement', async () => {
    const rows = await store.movementsByProductIds([1, 2, 3], 2);
    for (const id of [1, 2, 3]) {
      const mine = rows.filter((m) => m.productId === id);
      expect(mine.length).toBeLessThanOrEqual(2);
      expect(mine.length).toBeGreaterThan(0);
    }
  });

  it.each([
    [5, 'RECEIVED'],
    [-3, 'SOLD'],
  ])('adjusts stock by %i (%s) and records the movement atomically', async (delta, reason) => {
    const [before] = (await store.stockLevelsByProductIds([7])).filter((l) => l.warehouseId === 3);
    const result = await store.adjustStock({ productId: 7, warehouseId: 3, delta, reason });
    const quantity = before.quantity + delta;
    expect(result).toMatchObject({ ok: true, level: { quantity }, movement: { delta, reason, quantityAfter: quantity } });
    const [latest] = await store.movementsByProductIds([7], 1);
    expect(latest).toMatchObject({ warehouseId: 3, delta });
  });

  it.each([
    [{ productId: 999_999, warehouseId: 1, delta: 1, reason: 'RECEIVED' }, 'unknown-product'],
    [{ productId: 1, warehouseId: 99, delta: 1, reason: 'RECEIVED' }, 'unknown-warehouse'],
    [{ productId: 1, warehouseId: 1, delta: -1_000_000, reason: 'SOLD' }, 'insufficient-stock'],
  ])('refuses %j as %s and changes nothing', async (input, refusal) => {
    const before = await store.movementsByProductIds([input.productId], 100);
    expect(await store.adjustStock(input)).toEqual({ ok: false, refusal });
    expect(await store.movementsByProductIds([input.productId], 100)).toEqual(before);
  });
});
