import type { Database } from '{{repo}}/shared/db/database.js';

/** A record as the resolvers see it: camelCase, numbers as numbers, instants as Dates. */
export interface {{Name}}RecordRow {
  id: number;
  productId: number;
  title: string;
  notes: string | null;
  recordedAt: Date;
}

export interface NewRecord {
  productId: number;
  title: string;
  notes: string | null;
}

/** Everything {{name}} reads and writes, as SQL. Only the loaders and mutations call it. */
export interface {{Name}}Store {
  /** Newest first. */
  listRecords(page: { limit: number; offset: number }): Promise<{{Name}}RecordRow[]>;
  recordsByIds(ids: readonly number[]): Promise<{{Name}}RecordRow[]>;
  /** The records of each product, per product newest first. */
  recordsByProductIds(ids: readonly number[]): Promise<{{Name}}RecordRow[]>;
  addRecord(record: NewRecord): Promise<{{Name}}RecordRow>;
}

const COLUMNS = 'r.id, r.product_id AS "productId", r.title, r.notes, r.recorded_at AS "recordedAt"';

export function create{{Name}}Store(db: Database): {{Name}}Store {
  return {
    listRecords: ({ limit, offset }) =>
      db.query<{{Name}}RecordRow>(`SELECT ${COLUMNS} FROM records r ORDER BY r.recorded_at DESC, r.id DESC LIMIT $1 OFFSET $2`, [limit, offset]),
    recordsByIds: (ids) => db.query<{{Name}}RecordRow>(`SELECT ${COLUMNS} FROM records r WHERE r.id = ANY($1::int[])`, [ids]),
    recordsByProductIds: (ids) =>
      db.query<{{Name}}RecordRow>(
        `SELECT ${COLUMNS} FROM records r WHERE r.product_id = ANY($1::int[]) ORDER BY r.product_id, r.recorded_at DESC, r.id DESC`,
        [ids],
      ),
    addRecord: async ({ productId, title, notes }) => {
      const [row] = await db.query<{{Name}}RecordRow>(
        `INSERT INTO records AS r (product_id, title, notes) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
        [productId, title, notes],
      );
      return row;
    },
  };
}
