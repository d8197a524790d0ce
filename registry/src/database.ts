import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from '../../shared/db/database.js';
import { migrate } from '../../shared/db/migrate.js';
import { createRegistryDatabase, type RegistryDatabase } from './store.js';

export const REGISTRY_MIGRATIONS_DIR = fileURLToPath(new URL('../db/migrations', import.meta.url));

/** The registry's own PostgreSQL schema, on a server or in PGlite. */
export const REGISTRY_SCHEMA = 'registry';

export type RegistryDatabaseLocation = { databaseUrl: string } | { dataDir: string };

/** Opens the registry's database (a server when a URL is given, PGlite otherwise) and applies its migrations. */
export async function openRegistryDatabase(
  location: RegistryDatabaseLocation,
  schema = REGISTRY_SCHEMA,
): Promise<{ db: Database; registry: RegistryDatabase }> {
  const db = 'databaseUrl' in location ? await openDatabase({ url: location.databaseUrl, schema }) : await openDatabase({ dataDir: location.dataDir, schema });
  try {
    await migrate(db, REGISTRY_MIGRATIONS_DIR);
  } catch (error) {
    await db.close();
    throw error;
  }
  return { db, registry: createRegistryDatabase(db) };
}
