import { fileURLToPath } from 'node:url';
import { defineDataProduct } from '../../../shared/subgraph/data-product.js';
import { seedCustomerService } from '../db/seed.js';
import { accessScope } from './access.js';
import { createLoaders } from './loaders.js';
import { resolvers, type CustomerServiceContext } from './resolvers.js';
import { createCustomerServiceStore, type CustomerServiceStore } from './store.js';

export const customerService = defineDataProduct<CustomerServiceStore, CustomerServiceContext>({
  name: 'customer-service',
  root: fileURLToPath(new URL('..', import.meta.url)),
  seed: seedCustomerService,
  createStore: createCustomerServiceStore,
  resolvers,
  // The row-level access rule is bound to the request's loaders once, from the verified principal.
  context: (store, { principal }) => {
    const access = accessScope(principal);
    return { access, store, loaders: createLoaders(store, access) };
  },
});
