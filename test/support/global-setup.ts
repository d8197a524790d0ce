import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { prepareDataProductDatabase } from '../../shared/subgraph/data-product.js';
import { DATA_PRODUCTS } from './data-products.js';
import { templateDir } from './templates.js';

/** Creates (once per content hash) a migrated, seeded embedded database per domain for tests to copy. */
export default async function globalSetup(): Promise<void> {
  for (const product of DATA_PRODUCTS) {
    const target = templateDir(product.domain.dir);
    if (existsSync(target)) continue;
    // Build beside the target and rename, so an interrupted run never leaves half a template.
    const building = `${target}.building-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    const { db } = await prepareDataProductDatabase(product, { dataDir: building, seed: 'demo' });
    await db.close();
    await rename(building, target).catch(async (error: NodeJS.ErrnoException) => {
      // Another run won the race: its template is as good as ours.
      if (!existsSync(target)) throw error;
      await rm(building, { recursive: true, force: true });
    });
  }
}
