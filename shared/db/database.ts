import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

/**
 * The one database-access seam. A domain's store sees only this interface and cannot tell a
 * PostgreSQL server (through a pool) from embedded PGlite: the same SQL runs on both.
 */
export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface Database extends Queryable {
  readonly backend: 'postgres' | 'pglite';
  /** The PostgreSQL schema every unqualified name resolves to. */
  readonly schema: string;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | {
      /** `postgres://…` URL of a server; connections come from a pool. */
      url: string;
      schema: string;
      /** Pool size. Default 10. */
      poolSize?: number;
    }
  | {
      /** Folder that holds the embedded database's files; `memory://` keeps it in memory. */
      dataDir: string;
      schema: string;
    };

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (!SCHEMA_NAME.test(options.schema)) {
    throw new Error(
      `Invalid database schema name "${options.schema}": expected lower-case letters, digits and underscores`,
    );
  }
  return 'url' in options ? openServer(options.url, options.schema, options.poolSize ?? 10) : openEmbedded(options.dataDir, options.schema);
}

async function openServer(url: string, schema: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Every connection resolves unqualified names in the domain's own schema.
    options: `-c search_path=${schema}`,
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    await pool.end();
    throw new Error(`Cannot reach PostgreSQL at ${redact(url)}: ${(error as Error).message}`, { cause: error });
  }
  const query = async <Row extends object>(sql: string, params?: readonly unknown[]) =>
    (await pool.query(sql, params as unknown[])).rows as Row[];
  return {
    backend: 'postgres',
    schema,
    query,
    exec: async (script) => {
      await pool.query(script);
    },
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async <Row extends object>(sql: string, params?: readonly unknown[]) =>
            (await client.query(sql, params as unknown[])).rows as Row[],
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function openEmbedded(dataDir: string, schema: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema};`);
  return {
    backend: 'pglite',
    schema,
    query: async <Row extends object>(sql: string, params?: readonly unknown[]) =>
      (await db.query<Row>(sql, params as unknown[])).rows,
    exec: async (script) => {
      await db.exec(script);
    },
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          query: async <Row extends object>(sql: string, params?: readonly unknown[]) =>
            (await tx.query<Row>(sql, params as unknown[])).rows,
        }),
      ),
    close: () => db.close(),
  };
}

/** Hides the password of a connection URL in messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}
