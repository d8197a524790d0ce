import type { Database } from './database.js';

/**
 * Demo data is loaded once per database: a marker row says it is there, so a second start
 * of the stack reuses the data (fast start) instead of seeding again.
 */
export async function seedOnce(db: Database, name: string, seed: (db: Database) => Promise<void>): Promise<boolean> {
  await db.exec('CREATE TABLE IF NOT EXISTS seed_state (name text PRIMARY KEY, seeded_at timestamptz NOT NULL DEFAULT now())');
  const existing = await db.query('SELECT 1 FROM seed_state WHERE name = $1', [name]);
  if (existing.length > 0) return false;
  await seed(db);
  await db.query('INSERT INTO seed_state (name) VALUES ($1) ON CONFLICT DO NOTHING', [name]);
  return true;
}
