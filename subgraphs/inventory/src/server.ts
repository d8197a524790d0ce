import { join } from 'node:path';
import { domainByName } from '../../../shared/domains.js';
import { subgraphDir } from '../../../shared/paths.js';
import type { DataProductDefinition } from '../../../shared/subgraph/data-product.js';
import { startSubgraph } from '../../../shared/subgraph/subgraph-server.js';
import { seedInventory } from '../db/seed.js';
import { createLoaders } from './loaders.js';
import { resolvers, type InventoryContext } from './resolvers.js';
import { createInventoryStore } from './store.js';

const domain = domainByName('inventory');
const root = subgraphDir(domain.dir);

export const inventory: DataProductDefinition = {
  domain,
  migrationsDir: join(root, 'db', 'migrations'),
  seed: seedInventory,
  start: ({ db, port, host, logger, signatures }) => {
    const store = createInventoryStore(db);
    return startSubgraph<InventoryContext>({
      name: domain.name,
      schemaPath: join(root, 'schema.graphql'),
      resolvers,
      db,
      logger,
      port,
      host,
      signatures,
      context: () => ({ store, loaders: createLoaders(store) }),
    });
  },
};

