/**
 * Benchmark-only subgraph host: the three data products on their seeded embedded databases with
 * signature verification OFF (`signatures: { verify: false }`), because the peers (stock Apollo,
 * Hive) cannot sign Meshgate's x-meshgate-* headers. Every peer, Meshgate included, is pointed at
 * these same instances. Requests run as ANONYMOUS (customer-service: staff scope) whoever sends them.
 *
 * Writes into --out:
 *   supergraph.full.graphql      composed with these URLs, SECURITY features kept  (Meshgate)
 *   supergraph.stripped.graphql  prepareSupergraph(...).plannerSdl                 (stock Apollo, Hive)
 *   subgraphs.json               { name: url }
 * then prints one line `READY <json>` on stdout and runs until SIGTERM/SIGINT. `statsUrl` in that
 * line: GET returns the SQL statements run per subgraph since the last GET (and resets them), the
 * way to see that a peer collapses identical concurrent subgraph calls (Hive does, by default).
 *
 *   npx tsx bench/side-by-side/subgraphs.ts --out /tmp/meshgate-bench
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { composeContracts } from '../../gateway/src/supergraph/compose-source.js';
import { prepareSupergraph } from '../../gateway/src/supergraph/security-features.js';
import { subgraphDir } from '../../shared/paths.js';
import { DATA_PRODUCTS } from '../../test/support/data-products.js';
import { startTestSubgraph } from '../../test/support/subgraphs.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: '/tmp/meshgate-bench' } } });
const out = values.out!;
await mkdir(out, { recursive: true });

const started = await Promise.all(DATA_PRODUCTS.map((product) => startTestSubgraph(product, { verifySignatures: false })));
const urls = Object.fromEntries(started.map((s) => [s.subgraph.name, s.subgraph.url]));
const sdl = await composeContracts(
  DATA_PRODUCTS.map((p) => ({ name: p.domain.name, url: urls[p.domain.name], schemaPath: join(subgraphDir(p.domain.dir), 'schema.graphql') })),
);
const files = {
  full: join(out, 'supergraph.full.graphql'),
  stripped: join(out, 'supergraph.stripped.graphql'),
};
await writeFile(files.full, sdl);
await writeFile(files.stripped, prepareSupergraph(sdl).plannerSdl);
await writeFile(join(out, 'subgraphs.json'), JSON.stringify(urls, null, 2));
const stats = createServer((_req, res) => {
  const counts = Object.fromEntries(started.map((s) => [s.subgraph.name, s.statements.length]));
  for (const s of started) s.resetStatements();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(counts));
});
await new Promise<void>((resolve) => stats.listen(0, '127.0.0.1', resolve));
const statsUrl = `http://127.0.0.1:${(stats.address() as { port: number }).port}/`;
console.log(`READY ${JSON.stringify({ urls, ...files, statsUrl })}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  stats.close();
  await Promise.all(started.map((s) => s.stop()));
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
