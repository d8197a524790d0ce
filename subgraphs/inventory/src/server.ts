import { fileURLToPath } from 'node:url';
import { defineDataProduct } from '../../../shared/subgraph/data-product.js';
import { seedInventory } from '../db/seed.js';
import { createLoaders } from './loaders.js';
import { resolvers, type InventoryContext } from './resolvers.js';
import { createInventoryStore, type InventoryStore } from './store.js';

export const inventory = defineDataProduct<InventoryStore, InventoryContext>({
  name: 'inventory',
  root: fileURLToPath(new URL('..', import.meta.url)),
  seed: seedInventory,
  createStore: createInventoryStore,
  resolvers,
  context: (store) => ({ store, loaders: createLoaders(store) }),
});
