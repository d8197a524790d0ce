/**
 * `npm run compose [-- --out supergraph.graphql]`: composes the subgraphs' contracts into a
 * supergraph, as the gateway does at start-up, for a gateway started with SUPERGRAPH_PATH or
 * for CI to check a contract change: composition, policies decided, classified fields guarded.
 * Subgraph URLs come from the same variables as the gateway's.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadGatewayConfig } from '../gateway/src/config.js';
import { checkGovernance } from '../gateway/src/governance/setup.js';
import { routingUrlOverride } from '../gateway/src/generations/routing-url.js';
import { composeDataProducts } from '../gateway/src/supergraph/compose-source.js';
import { prepareSupergraph } from '../gateway/src/supergraph/security-features.js';
import { main } from '../shared/lifecycle.js';

main(async () => {
  const { values } = parseArgs({ options: { out: { type: 'string', short: 'o' } } });
  const config = loadGatewayConfig({ ...process.env, SUPERGRAPH_PATH: undefined, SUPERGRAPH_SOURCE: 'compose' });
  if (config.supergraph.kind !== 'compose') throw new Error('unreachable: SUPERGRAPH_SOURCE=compose was set');
  const { sdl, descriptors = [] } = await composeDataProducts({ folders: config.supergraph.folders, urlOf: (name) => routingUrlOverride(config, name) });
  // The same governance checks as a gateway start: a supergraph file shipped from here carries
  // no descriptors, so this is where classified fields are held to their directives.
  await checkGovernance(config, prepareSupergraph(sdl), descriptors);
  if (values.out) {
    await writeFile(values.out, sdl);
    console.error(`Supergraph of ${descriptors.length} subgraphs written to ${values.out}`);
  } else {
    process.stdout.write(sdl);
  }
});
