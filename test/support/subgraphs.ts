import { observeQueries } from '../../shared/db/observe.js';
import { createLogger } from '../../shared/logging.js';
import type { Principal } from '../../shared/principal.js';
import type { DataProductDefinition } from '../../shared/subgraph/data-product.js';
import type { RunningSubgraph, SignatureCheck } from '../../shared/subgraph/subgraph-server.js';
import { openTestDatabase, type Backend, type TestDatabase } from './databases.js';
import { postSigned, type GraphQLResponse, type SigningAs } from './http.js';
import { hmacSignatureCheck, testSignatureCheck, TEST_SUBGRAPH_SECRET } from './signing-keys.js';

// Kept importable from here, where tests have always found it.
export { TEST_SUBGRAPH_SECRET };

export interface TestSubgraph {
  subgraph: RunningSubgraph;
  database: TestDatabase;
  /** SQL statements run since the last `resetStatements()`. */
  statements: string[];
  resetStatements(): void;
  /** POSTs an operation to the subgraph, signed as the gateway would (ANONYMOUS unless `principal` is given). */
  query<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>, principal?: Principal): Promise<GraphQLResponse<Data>>;
  stop(): Promise<void>;
}

export interface TestSubgraphOptions {
  /** Default pglite. */
  backend?: Backend;
  /** Refuse requests without the gateway's signature. Default true. */
  verifySignatures?: boolean;
  /**
   * How the gateway's signature is checked. Default Ed25519 against the test gateway key
   * (test/support/signing-keys.ts, what `startTestGateway` signs with); `hmacSignatureCheck()` for HMAC.
   */
  signatures?: SignatureCheck;
  /** Shorthand for `signatures: hmacSignatureCheck(secrets)`. */
  secrets?: readonly string[];
}

/** Starts one data product on port 0 over its own test database, counting its SQL statements. */
export async function startTestSubgraph(product: DataProductDefinition, options: TestSubgraphOptions = {}): Promise<TestSubgraph> {
  const signatures: SignatureCheck =
    options.verifySignatures === false ? { verify: false } : (options.signatures ?? (options.secrets ? hmacSignatureCheck(options.secrets) : testSignatureCheck()));
  const database = await openTestDatabase(product, options.backend ?? 'pglite');
  const statements: string[] = [];
  const db = observeQueries(database.db, (sql) => statements.push(sql));
  const subgraph = await product.start({
    db,
    port: 0,
    logger: createLogger(product.name, process.env.TEST_LOG_LEVEL ?? 'silent'),
    signatures,
  });
  return {
    subgraph,
    database,
    statements,
    resetStatements: () => {
      statements.length = 0;
    },
    query: (query, variables, principal) => postSigned(subgraph.url, query, variables, { principal, ...signingFor(signatures, subgraph.name) }),
    stop: async () => {
      await subgraph.stop();
      await database.dispose();
    },
  };
}

/** How `TestSubgraph.query` signs for a subgraph with this check: as the test gateway would. */
function signingFor(check: SignatureCheck, name: string): SigningAs {
  if (check.verify && check.mode === 'hmac') return { secret: check.secrets };
  return { audience: (check.verify && check.audience) || name };
}

/**
 * The N+1 guard: runs `request(n)` for each size and returns the SQL statement count of each,
 * after checking every answer had no errors. Callers expect one distinct, non-zero count.
 */
export async function statementCounts(
  service: TestSubgraph,
  request: (n: number) => Promise<{ body: { errors?: unknown; data?: unknown } }>,
  sizes: readonly number[] = [2, 20, 100],
): Promise<number[]> {
  const counts: number[] = [];
  for (const n of sizes) {
    service.resetStatements();
    const { body } = await request(n);
    if (body.errors) throw new Error(`request of size ${n} failed: ${JSON.stringify(body.errors)}`);
    counts.push(service.statements.length);
  }
  return counts;
}
