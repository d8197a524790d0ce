/**
 * Peer: stock @apollo/gateway + @apollo/server, default settings, over the supergraph WITHOUT the
 * SECURITY features (stock @apollo/gateway refuses to load them). Standalone server (Node http).
 * Only change from defaults: APOLLO_TELEMETRY_DISABLED=true (start-up phone-home, not the request path;
 * this machine has no route out anyway).
 *
 *   npx tsx bench/side-by-side/apollo.ts --supergraph /tmp/meshgate-bench/supergraph.stripped.graphql --port 4200
 *
 * Or, for the reload scenario, polling the registry (token in MESHGATE_REGISTRY_TOKEN) with its own
 * SupergraphManager (registry-supergraph.ts), which also stamps `meshgate-supergraph-id` on answers:
 *
 *   MESHGATE_REGISTRY_TOKEN=… npx tsx bench/side-by-side/apollo.ts --registry http://127.0.0.1:4500 --poll-ms 1000 --port 4200
 *
 * Resolves @apollo/gateway and @apollo/server from the product's node_modules (same versions as Meshgate).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { registrySupergraph } from './registry-supergraph.js';

process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
const { values } = parseArgs({
  options: { supergraph: { type: 'string' }, registry: { type: 'string' }, 'poll-ms': { type: 'string', default: '1000' }, port: { type: 'string', default: '4200' } },
});
if (!values.supergraph === !values.registry) throw new Error('exactly one of --supergraph <file> and --registry <url> is required');

let gateway: ApolloGateway;
const plugins: ApolloServerPlugin[] = [];
if (values.registry) {
  const token = process.env.MESHGATE_REGISTRY_TOKEN;
  if (!token) throw new Error('--registry needs MESHGATE_REGISTRY_TOKEN (a token with registry:read)');
  const pollIntervalMs = Number(values['poll-ms']);
  if (!(pollIntervalMs > 0)) throw new Error(`--poll-ms: expected a positive number of milliseconds (got ${values['poll-ms']})`);
  const { manager, plugin } = registrySupergraph({ url: values.registry, token, pollIntervalMs, log: (line) => console.log(line) });
  gateway = new ApolloGateway({ supergraphSdl: manager });
  plugins.push(plugin);
} else {
  gateway = new ApolloGateway({ supergraphSdl: await readFile(values.supergraph!, 'utf8') });
}
const server = new ApolloServer({ gateway, plugins });
const { url } = await startStandaloneServer(server, { listen: { port: Number(values.port), host: '127.0.0.1' } });
console.log(`READY ${url}`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
