import { join } from 'node:path';
import { domainByName } from '../../../shared/domains.js';
import { subgraphDir } from '../../../shared/paths.js';
import type { DataProductDefinition } from '../../../shared/subgraph/data-product.js';
import { startSubgraph } from '../../../shared/subgraph/subgraph-server.js';
import { seedMarketing } from '../db/seed.js';
import { createLoaders } from './loaders.js';
import { resolvers, type MarketingContext } from './resolvers.js';
import { createMarketingStore } from './store.js';

const domain = domainByName('marketing');
const root = subgraphDir(domain.dir);

export const marketing: DataProductDefinition = {
  domain,
  migrationsDir: join(root, 'db', 'migrations'),
  seed: seedMarketing,
  start: ({ db, port, host, logger, signatures }) => {
    const store = createMarketingStore(db);
    return startSubgraph<MarketingContext>({
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
