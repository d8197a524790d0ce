import type { Database, Queryable } from '../../../shared/db/database.js';

/** Rows as the resolvers see them: camelCase, numbers as numbers, instants as Dates. */
export interface ProductRow {
  id: number;
  sku: string;
  name: string;
  category: string;
  unitPrice: number;
  unitCost: number;
}

export interface WarehouseRow {
  id: number;
  name: string;
  region: string;
}

export interface StockLevelRow {
  productId: number;
  warehouseId: number;
  quantity: number;
  reorderPoint: number;
  updatedAt: Date;
}

export interface StockMovementRow {
  id: number;
  productId: number;
  warehouseId: number;
  delta: number;
  reason: string;
  quantityAfter: number;
  occurredAt: Date;
}

export interface ProductFilter {
  limit: number;
  offset: number;
  category?: string | null;
  lowStock?: boolean | null;
}

export interface StockAdjustmentInput {
  productId: number;
  warehouseId: number;
  delta: number;
  reason: string;
}

/** Why an adjustment could not be made, for the resolver to phrase as a GraphQL error. */
export type AdjustmentRefusal = 'unknown-product' | 'unknown-warehouse' | 'insufficient-stock';

/** Everything inventory reads and writes, as SQL. Only the loaders and mutations call it. */
export interface InventoryStore {
  listProducts(filter: ProductFilter): Promise<ProductRow[]>;
  productsByIds(ids: readonly number[]): Promise<ProductRow[]>;
  productsBySkus(skus: readonly string[]): Promise<ProductRow[]>;
  stockLevelsByProductIds(ids: readonly number[]): Promise<StockLevelRow[]>;
  warehousesByIds(ids: readonly number[]): Promise<WarehouseRow[]>;
  listWarehouses(): Promise<WarehouseRow[]>;
  /** The newest `limit` movements of each product. */
  movementsByProductIds(ids: readonly number[], limit: number): Promise<StockMovementRow[]>;
  categories(): Promise<string[]>;
  adjustStock(input: StockAdjustmentInput): Promise<
    { ok: true; level: StockLevelRow; movement: StockMovementRow } | { ok: false; refusal: AdjustmentRefusal }
  >;
}

const PRODUCT_COLUMNS = `id, sku, name, category, unit_price::float8 AS "unitPrice", unit_cost::float8 AS "unitCost"`;
const LEVEL_COLUMNS = `product_id AS "productId", warehouse_id AS "warehouseId", quantity, reorder_point AS "reorderPoint", updated_at AS "updatedAt"`;
const MOVEMENT_COLUMNS = `id::int AS id, product_id AS "productId", warehouse_id AS "warehouseId", delta, reason, quantity_after AS "quantityAfter", occurred_at AS "occurredAt"`;

export function createInventoryStore(db: Database): InventoryStore {
  return {
    listProducts: ({ limit, offset, category, lowStock }) => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (category != null) {
        params.push(category);
        where.push(`category = $${params.length}`);
      }
      if (lowStock != null) {
        where.push(
          `${lowStock ? '' : 'NOT '}EXISTS (SELECT 1 FROM stock_levels s WHERE s.product_id = products.id AND s.quantity <= s.reorder_point)`,
        );
      }
      params.push(limit, offset);
      return db.query<ProductRow>(
        `SELECT ${PRODUCT_COLUMNS} FROM products ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY id LIMIT $${params.length - 1} OFFSET $${params.length}`,
        params,
      );
    },
    productsByIds: (ids) => db.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ANY($1::int[])`, [ids]),
    productsBySkus: (skus) =>
      db.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE sku = ANY($1::text[])`, [skus]),
    stockLevelsByProductIds: (ids) =>
      db.query<StockLevelRow>(
        `SELECT ${LEVEL_COLUMNS} FROM stock_levels WHERE product_id = ANY($1::int[]) ORDER BY product_id, warehouse_id`,
        [ids],
      ),
    warehousesByIds: (ids) =>
      db.query<WarehouseRow>('SELECT id, name, region FROM warehouses WHERE id = ANY($1::int[])', [ids]),
    listWarehouses: () => db.query<WarehouseRow>('SELECT id, name, region FROM warehouses ORDER BY id'),
    movementsByProductIds: (ids, limit) =>
      db.query<StockMovementRow>(
        `SELECT ${MOVEMENT_COLUMNS} FROM (
           SELECT m.*, row_number() OVER (PARTITION BY product_id ORDER BY occurred_at DESC, id DESC) AS rank
           FROM stock_movements m WHERE product_id = ANY($1::int[])
         ) ranked WHERE rank <= $2 ORDER BY product_id, occurred_at DESC, id DESC`,
        [ids, limit],
      ),
    categories: async () =>
      (await db.query<{ category: string }>('SELECT DISTINCT category FROM products ORDER BY category')).map((r) => r.category),
    adjustStock: (input) => db.transaction((tx) => adjustStock(tx, input)),
  };
}

async function adjustStock(tx: Queryable, input: StockAdjustmentInput) {
  const [product] = await tx.query('SELECT 1 FROM products WHERE id = $1', [input.productId]);
  if (!product) return { ok: false as const, refusal: 'unknown-product' as const };
  const [warehouse] = await tx.query('SELECT 1 FROM warehouses WHERE id = $1', [input.warehouseId]);
  if (!warehouse) return { ok: false as const, refusal: 'unknown-warehouse' as const };
  // Lock the level row (if any) so concurrent adjustments of one level apply one after another.
  const [current] = await tx.query<{ quantity: number }>(
    'SELECT quantity FROM stock_levels WHERE product_id = $1 AND warehouse_id = $2 FOR UPDATE',
    [input.productId, input.warehouseId],
  );
  if ((current?.quantity ?? 0) + input.delta < 0) return { ok: false as const, refusal: 'insufficient-stock' as const };
  // An existing level is updated in place. A product not yet stocked in this warehouse gets
  // its level on its first receipt (the delta is positive there, or the check above refused it);
  // ON CONFLICT covers a concurrent first receipt. (An upsert cannot serve both cases: PostgreSQL
  // checks constraints on the proposed insert row, which a negative delta would break.)
  const [level] = current
    ? await tx.query<StockLevelRow>(
        `UPDATE stock_levels SET quantity = quantity + $3, updated_at = now()
         WHERE product_id = $1 AND warehouse_id = $2 RETURNING ${LEVEL_COLUMNS}`,
        [input.productId, input.warehouseId, input.delta],
      )
    : await tx.query<StockLevelRow>(
        `INSERT INTO stock_levels AS s (product_id, warehouse_id, quantity, reorder_point, updated_at)
         VALUES ($1, $2, $3, 0, now())
         ON CONFLICT (product_id, warehouse_id) DO UPDATE SET quantity = s.quantity + $3, updated_at = now()
         RETURNING ${LEVEL_COLUMNS}`,
        [input.productId, input.warehouseId, input.delta],
      );
  const [movement] = await tx.query<StockMovementRow>(
    `INSERT INTO stock_movements (product_id, warehouse_id, delta, reason, quantity_after)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${MOVEMENT_COLUMNS}`,
    [input.productId, input.warehouseId, input.delta, input.reason, level.quantity],
  );
  return { ok: true as const, level, movement };
}
