import DataLoader from 'dataloader';
import { alignMany, alignOne } from '../../../shared/subgraph/batch.js';
import type { InventoryStore, ProductRow, StockLevelRow, StockMovementRow, WarehouseRow } from './store.js';

/**
 * Per-request DataLoaders: every entity reference and nested list of one GraphQL request is
 * collected per tick and fetched with one SQL statement per batch.
 */
export function createLoaders(store: InventoryStore) {
  const movementLoaders = new Map<number, DataLoader<number, StockMovementRow[]>>();
  const loaders = {
    productById: new DataLoader<number, ProductRow | null>(async (ids) =>
      alignOne(ids, await store.productsByIds(ids), (p) => p.id),
    ),
    productBySku: new DataLoader<string, ProductRow | null>(async (skus) =>
      alignOne(skus, await store.productsBySkus(skus), (p) => p.sku),
    ),
    stockLevelsByProductId: new DataLoader<number, StockLevelRow[]>(async (ids) =>
      alignMany(ids, await store.stockLevelsByProductIds(ids), (l) => l.productId),
    ),
    warehouseById: new DataLoader<number, WarehouseRow | null>(async (ids) =>
      alignOne(ids, await store.warehousesByIds(ids), (w) => w.id),
    ),
    /** Movements per product; one loader per distinct `limit` so each batch is one statement. */
    movementsByProductId(limit: number): DataLoader<number, StockMovementRow[]> {
      let loader = movementLoaders.get(limit);
      if (!loader) {
        loader = new DataLoader(async (ids) => alignMany(ids, await store.movementsByProductIds(ids, limit), (m) => m.productId));
        movementLoaders.set(limit, loader);
      }
      return loader;
    },
    /** Products fetched by a list query are cached for the references that follow. */
    primeProducts(products: readonly ProductRow[]): void {
      for (const product of products) {
        loaders.productById.prime(product.id, product);
        loaders.productBySku.prime(product.sku, product);
      }
    },
  };
  return loaders;
}

export type InventoryLoaders = ReturnType<typeof createLoaders>;
