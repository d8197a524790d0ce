import type { Database, Queryable } from './database.js';

/** One row per table of the data product: when a statement last wrote to it. */
export const CHANGES_TABLE = 'meshgate_changes';
/** The statement-level trigger the kit puts on every table of the product. */
export const CHANGE_TRIGGER = 'meshgate_track_changes';
/** The kit's own tables, which are not the product's data. */
const KIT_TABLES = ['schema_migrations', 'seed_state', CHANGES_TABLE];

/** What `GET /freshness` answers: when the product's data last changed, as a whole and per table (ISO). */
export interface ChangeRecord {
  lastChangedAt: string | null;
  tables: Record<string, string>;
}

/**
 * Puts a change record on every table of the product's schema: `meshgate_changes` and a
 * statement-level trigger (AFTER INSERT, UPDATE, DELETE or TRUNCATE, FOR EACH STATEMENT) that
 * upserts the table's row with the statement's time. Run after the product's migrations on every
 * start, so a table a later migration adds is tracked too; only tables without the trigger get one,
 * so a start takes no lock on a table already tracked. The same SQL on PGlite and on a server.
 *
 * Why statement-level: one upsert per statement, not per row, so a bulk load costs one extra
 * write. A statement that touched no row counts too: a feed that ran and found nothing new still
 * shows its data is current. A rolled-back write leaves no trace (the upsert rolls back with it).
 * The cost: writers to one table take turns on its row until they commit.
 */
export async function installChangeTracking(db: Database): Promise<{ tracked: string[] }> {
  // The schema name is checked by openDatabase (lower-case letters, digits, underscores): safe to inline.
  const schema = db.schema;
  return db.transaction(async (tx) => {
    // Two replicas starting together must not both create the same trigger.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${schema}.change-tracking`]);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${schema}.${CHANGES_TABLE} (
      table_name text PRIMARY KEY,
      changed_at timestamptz NOT NULL
    )`);
    // Schema-qualified everywhere: a write from a session with another search_path (an operator's
    // psql) must not fail because the trigger cannot find its table. clock_timestamp(), not now():
    // the statement's own time, closer to when the write becomes visible than its transaction's start.
    await tx.query(`CREATE OR REPLACE FUNCTION ${schema}.meshgate_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ${schema}.${CHANGES_TABLE} AS c (table_name, changed_at) VALUES (TG_TABLE_NAME, clock_timestamp())
    ON CONFLICT (table_name) DO UPDATE SET changed_at = GREATEST(c.changed_at, EXCLUDED.changed_at);
  RETURN NULL;
END
$$`);
    const untracked = await tx.query<{ name: string }>(
      `SELECT c.relname AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND c.relname <> ALL ($2::text[])
          AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = $3)
        ORDER BY c.relname`,
      [schema, KIT_TABLES, CHANGE_TRIGGER],
    );
    for (const { name } of untracked) {
      await tx.query(
        `CREATE TRIGGER ${CHANGE_TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${schema}.${quoteIdentifier(name)}
           FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.meshgate_record_change()`,
      );
    }
    return { tracked: untracked.map((t) => t.name) };
  });
}

/**
 * Forgets every recorded change. Called right after the demo data is loaded: loading a seed is not
 * a change of the product's data (it describes a made-up past), and recording it would make every
 * freshly started demo look freshly changed. After a seed, `lastChangedAt` is null until a real write.
 */
export async function forgetChanges(db: Queryable, schema: string): Promise<void> {
  await db.query(`DELETE FROM ${schema}.${CHANGES_TABLE}`);
}

/** The change record, newest first; `lastChangedAt` is null when nothing was written since tracking began (or since the seed). */
export async function readChanges(db: Queryable, schema: string): Promise<ChangeRecord> {
  const rows = await db.query<{ table_name: string; changed_at: Date | string }>(
    `SELECT table_name, changed_at FROM ${schema}.${CHANGES_TABLE} ORDER BY changed_at DESC, table_name`,
  );
  const tables: Record<string, string> = {};
  for (const row of rows) tables[row.table_name] = new Date(row.changed_at).toISOString();
  return { lastChangedAt: rows.length > 0 ? new Date(rows[0].changed_at).toISOString() : null, tables };
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
