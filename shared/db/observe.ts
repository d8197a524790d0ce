import type { Database, Queryable } from './database.js';

/**
 * Wraps a database so that every statement is reported to `listener` before it runs.
 * Tests use it to count the SQL statements one GraphQL request causes.
 */
export function observeQueries(db: Database, listener: (sql: string) => void): Database {
  const watch = (target: Queryable): Queryable['query'] => (sql, params) => {
    listener(sql);
    return target.query(sql, params);
  };
  return {
    ...db,
    query: watch(db),
    exec: (script) => {
      listener(script);
      return db.exec(script);
    },
    transaction: (work) => db.transaction((tx) => work({ query: watch(tx) })),
    close: () => db.close(),
  };
}
