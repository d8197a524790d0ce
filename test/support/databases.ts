import { rm } from 'node:fs/promises';
import { openDatabase, type Database } from '../../shared/db/database.js';
import { prepareDataProductDatabase, type DataProductDefinition } from '../../shared/subgraph/data-product.js';
import { copyTemplate, ensureTemplate } from './templates.js';

export type Backend = 'pglite' | 'postgres';

/**
 * The backends the data-layer tests run on: embedded always, and a real PostgreSQL server
 * when TEST_DATABASE_URL is set (it is, in .ci/run).
 */
export function testBackends(): Backend[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase {
  db: Database;
  /** Closes the database and removes its copy (embedded) or its schema (server). */
  dispose(): Promise<void>;
}

let counter = 0;

/** A migrated, seeded database of one domain that belongs to this test alone. */
export async function openTestDatabase(product: DataProductDefinition, backend: Backend = 'pglite'): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const dir = await copyTemplate(await ensureTemplate(product), `meshgate-${product.name}-`);
    const db = await openDatabase({ dataDir: dir, schema: product.dbSchema });
    return {
      db,
      dispose: async () => {
        await db.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: the postgres backend needs a server');
  // A schema per test keeps parallel test files apart on the one shared server.
  const schema = `${product.dbSchema}_t${process.pid}_${++counter}`;
  const { db } = await prepareDataProductDatabase(product, { databaseUrl: url, dataDir: '', seed: 'demo' }, schema);
  return {
    db,
    dispose: async () => {
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.close();
    },
  };
}
