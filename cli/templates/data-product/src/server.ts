import { fileURLToPath } from 'node:url';
import { defineDataProduct } from '{{repo}}/shared/subgraph/data-product.js';
import { seed{{Name}} } from '../db/seed.js';
import { createLoaders } from './loaders.js';
import { resolvers, type {{Name}}Context } from './resolvers.js';
import { create{{Name}}Store, type {{Name}}Store } from './store.js';

export const {{camelName}} = defineDataProduct<{{Name}}Store, {{Name}}Context>({
  name: '{{name}}',
  root: fileURLToPath(new URL('..', import.meta.url)),
  seed: seed{{Name}},
  createStore: create{{Name}}Store,
  resolvers,
  context: (store) => ({ store, loaders: createLoaders(store) }),
});
