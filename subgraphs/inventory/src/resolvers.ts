import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { badInput, MAX_PAGE_SIZE, pageArgs, parseId, requireId } from '../../../shared/subgraph/arguments.js';
import { DateTime } from '../../../shared/subgraph/scalars.js';
import type { InventoryLoaders } from './loaders.js';
import type { InventoryStore, ProductRow, StockLevelRow, StockMovementRow } from './store.js';

export interface InventoryContext {
  loaders: InventoryLoaders;
  store: InventoryStore;
}

type Ctx = InventoryContext;

export const resolvers: GraphQLResolverMap<Ctx> = {
  DateTime,
  Query: {
    products: async (_: unknown, args: { limit?: number; offset?: number; category?: string; lowStock?: boolean }, ctx: Ctx) => {
      const products = await ctx.store.listProducts({ ...pageArgs(args.limit, args.offset), category: args.category, lowStock: args.lowStock });
      ctx.loaders.primeProducts(products);
      return products;
    },
    product: (_: unknown, args: { id?: string | null; sku?: string | null }, ctx: Ctx) => {
      if ((args.id == null) === (args.sku == null)) throw badInput('product takes exactly one of id or sku');
      if (args.sku != null) return ctx.loaders.productBySku.load(args.sku);
      const id = parseId(args.id!);
      return id === null ? null : ctx.loaders.productById.load(id);
    },
    warehouses: (_: unknown, __: unknown, ctx: Ctx) => ctx.store.listWarehouses(),
    categories: (_: unknown, __: unknown, ctx: Ctx) => ctx.store.categories(),
  },
  Mutation: {
    adjustStock: async (
      _: unknown,
      args: { productId: string; warehouseId: string; delta: number; reason: string },
      ctx: Ctx,
    ) => {
      if (args.delta === 0) throw badInput('delta must not be 0: a stock movement moves something', 'delta');
      const result = await ctx.store.adjustStock({
        productId: requireId(args.productId, 'productId'),
        warehouseId: requireId(args.warehouseId, 'warehouseId'),
        delta: args.delta,
        reason: args.reason,
      });
      if (!result.ok) {
        switch (result.refusal) {
          case 'unknown-product':
            throw badInput(`No product with id "${args.productId}"`, 'productId');
          case 'unknown-warehouse':
            throw badInput(`No warehouse with id "${args.warehouseId}"`, 'warehouseId');
          case 'insufficient-stock':
            throw badInput(
              `Cannot move ${args.delta} units: warehouse ${args.warehouseId} does not hold enough of product ${args.productId}`,
              'delta',
            );
          default: {
            const unreachable: never = result.refusal;
            throw new Error(`unhandled refusal ${String(unreachable)}`);
          }
        }
      }
      ctx.loaders.stockLevelsByProductId.clear(result.level.productId);
      return { stockLevel: result.level, movement: result.movement };
    },
  },
  Product: {
    __resolveReference: (ref: { id?: string; sku?: string }, ctx: Ctx) => {
      if (ref.id != null) {
        const id = parseId(ref.id);
        return id === null ? null : ctx.loaders.productById.load(id);
      }
      return ref.sku != null ? ctx.loaders.productBySku.load(ref.sku) : null;
    },
    stockLevels: (product: ProductRow, _: unknown, ctx: Ctx) => ctx.loaders.stockLevelsByProductId.load(product.id),
    totalStock: async (product: ProductRow, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.stockLevelsByProductId.load(product.id)).reduce((sum, level) => sum + level.quantity, 0),
    lowStock: async (product: ProductRow, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.stockLevelsByProductId.load(product.id)).some((level) => level.quantity <= level.reorderPoint),
    stockMovements: (product: ProductRow, args: { limit?: number }, ctx: Ctx) => {
      const limit = args.limit ?? 20;
      if (limit < 1 || limit > MAX_PAGE_SIZE) throw badInput(`limit must be between 1 and ${MAX_PAGE_SIZE}, got ${limit}`, 'limit');
      return ctx.loaders.movementsByProductId(limit).load(product.id);
    },
  },
  Warehouse: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => {
      const id = parseId(ref.id);
      return id === null ? null : ctx.loaders.warehouseById.load(id);
    },
  },
  StockLevel: {
    product: (level: StockLevelRow, _: unknown, ctx: Ctx) => ctx.loaders.productById.load(level.productId),
    warehouse: (level: StockLevelRow, _: unknown, ctx: Ctx) => ctx.loaders.warehouseById.load(level.warehouseId),
  },
  StockMovement: {
    product: (movement: StockMovementRow, _: unknown, ctx: Ctx) => ctx.loaders.productById.load(movement.productId),
    warehouse: (movement: StockMovementRow, _: unknown, ctx: Ctx) => ctx.loaders.warehouseById.load(movement.warehouseId),
  },
};
