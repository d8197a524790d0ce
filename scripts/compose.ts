/**
 * `npm run compose [-- --out supergraph.graphql]`: composes the subgraphs' contracts into a
 * supergraph, as the gateway does at start-up, for a gateway started with SUPERGRAPH_PATH or
 * for CI to check a contract change. Subgraph URLs come from the same variables as the gateway's.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadGatewayConfig } from '../gateway/src/config.js';
import { composeContracts } from '../gateway/src/supergraph/compose-source.js';
import { main } from '../shared/lifecycle.js';

main(async () => {
  const { values } = parseArgs({ options: { out: { type: 'string', short: 'o' } } });
  const config = loadGatewayConfig({ ...process.env, SUPERGRAPH_PATH: undefined });
  if (config.supergraph.kind !== 'compose') throw new Error('unreachable: composing needs the subgraph contracts');
  const sdl = await composeContracts(config.supergraph.subgraphs);
  if (values.out) {
    await writeFile(values.out, sdl);
    console.error(`Supergraph of ${config.supergraph.subgraphs.length} subgraphs written to ${values.out}`);
  } else {
    process.stdout.write(sdl);
  }
});
