import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from './database.js';

export interface AppliedMigration {
  version: string;
  checksum: string;
}

const MIGRATION_FILE = /^(\d{3,})_[a-z0-9_-]+\.sql$/;

/**
 * Applies the plain SQL files of `dir` in name order, each once, in its own transaction, and
 * records them in `schema_migrations`. A file that was applied and has since changed is an
 * error: migrations are append-only, a fix is a new file.
 */
export async function migrate(db: Database, dir: string): Promise<{ applied: string[] }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  for (const file of files) {
    if (!MIGRATION_FILE.test(file)) {
      throw new Error(`Migration file "${join(dir, file)}" is misnamed: expected NNN_description.sql, e.g. 001_init.sql`);
    }
  }
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const done = new Map(
    (await db.query<AppliedMigration>('SELECT version, checksum FROM schema_migrations')).map((m) => [m.version, m.checksum]),
  );
  const applied: string[] = [];
  for (const file of files) {
    const sql = await readFile(join(dir, file), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const previous = done.get(file);
    if (previous !== undefined) {
      if (previous !== checksum) {
        throw new Error(
          `Migration ${file} in schema "${db.schema}" was changed after it was applied (checksum ${previous.slice(0, 12)} expected, file has ${checksum.slice(0, 12)}): add a new migration instead`,
        );
      }
      continue;
    }
    await db.transaction(async (tx) => {
      // Two replicas starting together must not both apply the same file.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${db.schema}.migrations`]);
      const already = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [file]);
      if (already.length > 0) return;
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)', [file, checksum]);
      applied.push(file);
    });
  }
  return { applied };
}

/**
 * Splits a migration into statements at semicolons that end a line. Migrations are plain
 * DDL; a function body with inner semicolons belongs in a dollar-quoted block on one line.
 */
export function splitStatements(sql: string): string[] {
  return sql
    .replace(/^\s*--.*$/gm, '')
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
