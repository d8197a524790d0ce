import { join } from 'node:path';
import { domainByName } from '../../../shared/domains.js';
import { subgraphDir } from '../../../shared/paths.js';
import type { DataProductDefinition } from '../../../shared/subgraph/data-product.js';
import { startSubgraph } from '../../../shared/subgraph/subgraph-server.js';
import { seedCustomerService } from '../db/seed.js';
import { accessScope } from './access.js';
import { createLoaders } from './loaders.js';
import { resolvers, type CustomerServiceContext } from './resolvers.js';
import { createCustomerServiceStore } from './store.js';

const domain = domainByName('customer-service');
const root = subgraphDir(domain.dir);

export const customerService: DataProductDefinition = {
  domain,
  migrationsDir: join(root, 'db', 'migrations'),
  seed: seedCustomerService,
  start: ({ db, port, host, logger, signatures }) => {
    const store = createCustomerServiceStore(db);
    return startSubgraph<CustomerServiceContext>({
      name: domain.name,
      schemaPath: join(root, 'schema.graphql'),
      resolvers,
      db,
      logger,
      port,
      host,
      signatures,
      // The row-level access rule is bound to the request's loaders once, from the verified principal.
      context: ({ principal }) => {
        const access = accessScope(principal);
        return { access, store, loaders: createLoaders(store, access) };
      },
    });
  },
};
