/**
 * One benchmark subgraph in its own process, as each data product is deployed: the domain's
 * seeded database (a fresh copy of the embedded template, or a fresh schema on a PostgreSQL
 * server with --database-url), signature verification OFF because the peers (stock Apollo,
 * Hive) cannot sign Meshgate's x-meshgate-* headers. Every peer, Meshgate included, calls these
 * same instances; requests run as ANONYMOUS whoever sends them (customer-service then serves no
 * customer or ticket rows; the workloads read only its product statistics).
 *
 * Prints one line `READY {"name","url","statsUrl"}` and runs until SIGTERM/SIGINT. GET statsUrl
 * returns the SQL statements run since the last GET (and resets the count): the way to see
 * that a gateway collapses identical concurrent subgraph calls.
 *
 *   node --import tsx bench/side-by-side/subgraph.ts --domain inventory [--database-url postgres://…]
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { loadDataProduct } from '../../test/support/data-products.js';
import { startTestSubgraph } from '../../test/support/subgraphs.js';

const { values } = parseArgs({ options: { domain: { type: 'string' }, 'database-url': { type: 'string' } } });
if (!values.domain) throw new Error('--domain: expected the name of a data product under subgraphs/ (not given)');
const product = await loadDataProduct(values.domain);
if (values['database-url']) process.env.TEST_DATABASE_URL = values['database-url'];

const started = await startTestSubgraph(product, { verifySignatures: false, backend: values['database-url'] ? 'postgres' : 'pglite' });
const stats = createServer((_req, res) => {
  const count = started.statements.length;
  started.resetStatements();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ statements: count }));
});
await new Promise<void>((resolve) => stats.listen(0, '127.0.0.1', resolve));
const statsUrl = `http://127.0.0.1:${(stats.address() as { port: number }).port}/`;
console.log(`READY ${JSON.stringify({ name: product.name, url: started.subgraph.url, statsUrl })}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  stats.close();
  await started.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
