import { bulkInsert } from '{{repo}}/shared/db/bulk-insert.js';
import type { Database } from '{{repo}}/shared/db/database.js';
import { DEMO_EPOCH, SeededRandom } from '{{repo}}/shared/demo/random.js';

/** Products 1..DEMO_PRODUCTS have records (inventory's catalogue starts at 1). */
export const DEMO_PRODUCTS = 100;
/** The most records a demo product has: the `@listSize(assumedSize)` of Product.{{camelName}}Records. */
export const MAX_RECORDS_PER_PRODUCT = 5;

const TITLES = ['First look', 'Reviewed', 'Needs follow-up', 'Approved', 'On hold', 'Updated'] as const;
const DAY = 24 * 3600 * 1000;

/** One row of the records table, as bulkInsert writes it (a type, not an interface: it is a column map). */
export type RecordSeedRow = {
  id: number;
  product_id: number;
  title: string;
  notes: string | null;
  recorded_at: Date;
};

/**
 * The demo data set as rows, built without a database so that its determinism is testable:
 * 1 to 5 records for each of products 1..100, over the year before DEMO_EPOCH.
 */
export function {{camelName}}DemoData(): RecordSeedRow[] {
  const random = new SeededRandom(0x5eed);
  const rows: RecordSeedRow[] = [];
  for (let productId = 1; productId <= DEMO_PRODUCTS; productId++) {
    const count = random.int(1, MAX_RECORDS_PER_PRODUCT);
    for (let i = 0; i < count; i++) {
      rows.push({
        id: rows.length + 1,
        product_id: productId,
        title: random.pick(TITLES),
        notes: random.chance(0.5) ? `Noted for product ${productId}.` : null,
        recorded_at: random.dateBetween(new Date(DEMO_EPOCH.getTime() - 365 * DAY), DEMO_EPOCH),
      });
    }
  }
  return rows;
}

/** Loads the deterministic demo data in one transaction. */
export async function seed{{Name}}(db: Database): Promise<void> {
  const rows = {{camelName}}DemoData();
  await db.transaction(async (tx) => {
    await bulkInsert(tx, 'records', { id: 'int[]', product_id: 'int[]', title: 'text[]', notes: 'text[]', recorded_at: 'timestamptz[]' }, rows);
    // The seed wrote its own ids: new records continue after them.
    await tx.query("SELECT setval(pg_get_serial_sequence('records', 'id'), (SELECT max(id) FROM records))");
  });
}
