import { observeQueries } from '../../shared/db/observe.js';
import { createLogger } from '../../shared/logging.js';
import type { DataProductDefinition } from '../../shared/subgraph/data-product.js';
import type { RunningSubgraph } from '../../shared/subgraph/subgraph-server.js';
import { openTestDatabase, type Backend, type TestDatabase } from './databases.js';

export interface TestSubgraph {
  subgraph: RunningSubgraph;
  database: TestDatabase;
  /** SQL statements run since the last `resetStatements()`. */
  statements: string[];
  resetStatements(): void;
  stop(): Promise<void>;
}

/** Starts one data product on port 0 over its own test database, counting its SQL statements. */
export async function startTestSubgraph(product: DataProductDefinition, backend: Backend = 'pglite'): Promise<TestSubgraph> {
  const database = await openTestDatabase(product, backend);
  const statements: string[] = [];
  const db = observeQueries(database.db, (sql) => statements.push(sql));
  const subgraph = await product.start({ db, port: 0, logger: createLogger(product.domain.name, process.env.TEST_LOG_LEVEL ?? 'silent') });
  return {
    subgraph,
    database,
    statements,
    resetStatements: () => {
      statements.length = 0;
    },
    stop: async () => {
      await subgraph.stop();
      await database.dispose();
    },
  };
}
