import { fileURLToPath } from 'node:url';
import { defineDataProduct } from '../../../shared/subgraph/data-product.js';
import { seedMarketing } from '../db/seed.js';
import { createLoaders } from './loaders.js';
import { resolvers, type MarketingContext } from './resolvers.js';
import { createMarketingStore, type MarketingStore } from './store.js';

export const marketing = defineDataProduct<MarketingStore, MarketingContext>({
  name: 'marketing',
  root: fileURLToPath(new URL('..', import.meta.url)),
  seed: seedMarketing,
  createStore: createMarketingStore,
  resolvers,
  context: (store) => ({ store, loaders: createLoaders(store) }),
});
