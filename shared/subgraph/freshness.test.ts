import { mkdtemp, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, testBackends, type Backend } from '../../test/support/databases.js';
import { loadDataProduct } from '../../test/support/data-products.js';
import { startTestSubgraph, type TestSubgraph } from '../../test/support/subgraphs.js';
import { copyTemplate, ensureTemplate } from '../../test/support/templates.js';
import { CHANGE_TRIGGER, CHANGES_TABLE, forgetChanges, installChangeTracking } from '../db/change-tracking.js';
import { createLogger } from '../logging.js';
import { defineDataProduct, prepareDataProductDatabase } from './data-product.js';
import { startSubgraph } from './subgraph-server.js';

interface Freshness {
  lastChangedAt: string | null;
  tables: Record<string, string>;
}

async function freshness(subgraph: TestSubgraph): Promise<{ status: number; body: Freshness; headers: Headers }> {
  const response = await fetch(new URL('/freshness', subgraph.subgraph.url));
  return { status: response.status, body: (await response.json()) as Freshness, headers: response.headers };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const PRODUCTS = ['inventory', 'marketing', 'customer-service'];

describe.each(testBackends())('GET /freshness on %s', (backend: Backend) => {
  // One subgraph per product for every test of this backend, started side by side.
  const services: Record<string, TestSubgraph> = {};
  beforeAll(async () => {
    await Promise.all(PRODUCTS.map(async (name) => (services[name] = await startTestSubgraph(await loadDataProduct(name), { backend }))));
  });
  afterAll(() => Promise.all(Object.values(services).map((s) => s.stop())));

  describe.each(PRODUCTS)('%s', (name) => {
    let service: TestSubgraph;
    beforeAll(() => {
      service = services[name];
    });

    it('reports no change after the seed: loading demo data is not a change of the data', async () => {
      const { status, body, headers } = await freshness(service);
      expect(status).toBe(200);
      expect(headers.get('cache-control')).toBe('no-store');
      expect(body).toEqual({ lastChangedAt: null, tables: {} });
    });

    it('a direct SQL write moves lastChangedAt and names its table', async () => {
      const { db } = service.database;
      const [{ table }] = await db.query<{ table: string }>(
        `SELECT table_name AS table FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'
           AND table_name NOT IN ('schema_migrations', 'seed_state', 'meshgate_changes') ORDER BY table_name LIMIT 1`,
        [db.schema],
      );
      const before = Date.now();
      // A statement that changes no row still counts: a feed that ran and found nothing new shows its data is current.
      await db.query(`UPDATE ${table} SET ${await firstColumn(service, table)} = ${await firstColumn(service, table)} WHERE false`);
      const { body } = await freshness(service);
      expect(body.lastChangedAt).toMatch(ISO);
      expect(Object.keys(body.tables)).toEqual([table]);
      expect(body.tables[table]).toBe(body.lastChangedAt);
      // Clocks: the database's and this process's are the same machine's; allow for millisecond rounding.
      expect(Date.parse(body.lastChangedAt!)).toBeGreaterThanOrEqual(before - 5);
    });

    it('a rolled-back write leaves no trace', async () => {
      const { db } = service.database;
      const { body: before } = await freshness(service);
      // Read before the transaction: PGlite has one connection, which the transaction holds.
      const tables = await tableNames(service);
      await expect(
        db.transaction(async (tx) => {
          for (const t of tables) await tx.query(`DELETE FROM ${t} WHERE false`);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect((await freshness(service)).body).toEqual(before);
    });

    it('a write from a session with another search_path works and is recorded (the trigger names its schema)', async () => {
      const { db } = service.database;
      const [table] = await tableNames(service);
      await db.transaction(async (tx) => {
        await tx.query('SET LOCAL search_path TO public');
        await tx.query(`DELETE FROM ${db.schema}.${table} WHERE false`);
      });
      const { body } = await freshness(service);
      expect(Object.keys(body.tables)).toContain(table);
    });
  });

  describe('inventory through its mutation', () => {
    it('adjustStock marks the tables it wrote and only those', async () => {
      const service = services.inventory;
      // The inventory subgraph the tests above wrote through: their record is forgotten, so only the mutation's writes show.
      await forgetChanges(service.database.db, service.database.db.schema);
      expect((await freshness(service)).body).toEqual({ lastChangedAt: null, tables: {} });
      const before = Date.now();
      const { body: answer } = await service.query('mutation { adjustStock(productId: "9", warehouseId: "2", delta: -1, reason: SOLD) { stockLevel { quantity } } }');
      expect(answer.errors).toBeUndefined();
      const { body } = await freshness(service);
      expect(Object.keys(body.tables).sort()).toEqual(['stock_levels', 'stock_movements']);
      expect(Date.parse(body.lastChangedAt!)).toBeGreaterThanOrEqual(before - 5);
    });
  });
});

describe('change tracking set-up', () => {
  let dir: string;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshgate-change-tracking-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('tracks a table a later migration adds, once, and never the kit tables', async () => {
    // A copy of the template's product folder with one more migration, over a copy of the template's
    // database: what migration 001 and change tracking left (a new PGlite folder would cost seconds).
    const inventory = await loadDataProduct('inventory');
    const root = join(dir, 'inventory');
    await cp(inventory.dir, root, { recursive: true });
    const product = defineDataProduct({ name: 'inventory', root, seed: inventory.seed, createStore: () => ({}), resolvers: {}, context: () => ({}) });
    dataDir = await copyTemplate(await ensureTemplate(inventory), 'meshgate-change-tracking-db-');
    const config = { dataDir, seed: 'none' as const };
    await writeFile(join(root, 'db', 'migrations', '002_suppliers.sql'), 'CREATE TABLE suppliers (id integer PRIMARY KEY, name text NOT NULL);\n');
    const { db } = await prepareDataProductDatabase(product, config);
    try {
      expect(await installChangeTracking(db)).toEqual({ tracked: [] });
      const triggers = await db.query<{ table: string; count: string }>(
        `SELECT c.relname AS table, count(*)::text AS count FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND t.tgname = $2 GROUP BY c.relname ORDER BY c.relname`,
        [db.schema, CHANGE_TRIGGER],
      );
      expect(triggers).toEqual(['products', 'stock_levels', 'stock_movements', 'suppliers', 'warehouses'].map((table) => ({ table, count: '1' })));
      await db.query("INSERT INTO suppliers VALUES (1, 'Acme')");
      const [{ tables }] = await db.query<{ tables: string[] }>('SELECT array_agg(table_name ORDER BY table_name) AS tables FROM meshgate_changes');
      expect(tables).toEqual(['suppliers']);
    } finally {
      await db.close();
    }
  });

  it('a subgraph without a database serves no /freshness (404), one whose record is gone answers 503 without detail', async () => {
    const logger = createLogger('freshness-test', 'silent');
    const product = await loadDataProduct('inventory');
    const base = { name: 'inventory', schemaPath: product.schemaPath, resolvers: {}, context: () => ({}), signatures: { verify: false } as const, logger, port: 0 };
    const bare = await startSubgraph(base);
    // A copy of the template (cheaper than a new in-memory PGlite) without its change record.
    const database = await openTestDatabase(product);
    await database.db.query(`DROP TABLE ${CHANGES_TABLE}`);
    const untracked = await startSubgraph({ ...base, db: database.db });
    try {
      expect((await fetch(new URL('/freshness', bare.url))).status).toBe(404);
      const response = await fetch(new URL('/freshness', untracked.url));
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ errors: [{ message: 'The change record cannot be read: freshness is unknown', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    } finally {
      await bare.stop();
      await untracked.stop();
      await database.dispose();
    }
  });
});

async function tableNames(service: TestSubgraph): Promise<string[]> {
  const { db } = service.database;
  const rows = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'
       AND table_name NOT IN ('schema_migrations', 'seed_state', 'meshgate_changes') ORDER BY table_name`,
    [db.schema],
  );
  return rows.map((r) => r.name);
}

async function firstColumn(service: TestSubgraph, table: string): Promise<string> {
  const { db } = service.database;
  const [{ name }] = await db.query<{ name: string }>(
    'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position LIMIT 1',
    [db.schema, table],
  );
  return name;
}
